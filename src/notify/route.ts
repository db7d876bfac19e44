// Routes a cycle's alerts to channels and removes silenced ones (pure; `now` is a parameter).
import type { Alert } from "../health/model.js";
import type { AlertsConfig, Matcher } from "../config/schema.js";
import type { ChannelName } from "./registry.js";
import { compileMatcher, matches, type CompiledMatcher } from "../health/matcher.js";

/** Where a cycle's alerts go, and how many were kept back by a silence. */
export interface RouteResult {
  /** Only configured channels with at least one alert appear. */
  byChannel: Map<ChannelName, Alert[]>;
  /** Alerts not sent because a silence in force matched them. */
  silenced: number;
}

/**
 * Silences first (a silence whose `until` has passed is ignored), then routes: first matching route wins
 * unless it says `continue`; an alert matching no route goes to every configured channel (a channel given an
 * `unrouted` matcher takes only the unrouted alerts that match it: PagerDuty pages only for critical ones by default);
 * a route with `channels: []` drops what it matches; route channels that are not configured are ignored.
 */
export function routeAlerts(
  alerts: readonly Alert[],
  routes: AlertsConfig["routes"],
  silences: AlertsConfig["silences"],
  now: number,
  channels: readonly ChannelName[],
  unrouted: ReadonlyMap<ChannelName, Matcher> = new Map(),
): RouteResult {
  const configured = new Set(channels);
  const active = silences.filter((s) => !silenceExpired(s.until, now)).map((s) => compileMatcher(s.match));
  const compiled = routes.map((r) => ({ match: compileMatcher(r.match), channels: r.channels, continue: r.continue }));
  const takes = new Map([...unrouted].map(([c, m]) => [c, compileMatcher(m)] as const));
  const byChannel = new Map<ChannelName, Alert[]>();
  let silenced = 0;
  for (const alert of alerts) {
    if (active.some((m) => matches(m, alert))) {
      silenced++;
      continue;
    }
    for (const channel of channelsFor(alert, compiled, channels, takes)) {
      if (!configured.has(channel)) continue;
      const list = byChannel.get(channel);
      if (list) list.push(alert);
      else byChannel.set(channel, [alert]);
    }
  }
  return { byChannel, silenced };
}

/** A route with its matcher prepared. */
interface CompiledRoute {
  match: CompiledMatcher;
  channels: readonly ChannelName[];
  continue: boolean;
}

/** The channels an alert's routes name (deduplicated, in first-named order), or all channels that take it when no route matches. */
function channelsFor(
  alert: Alert,
  routes: readonly CompiledRoute[],
  all: readonly ChannelName[],
  takes: ReadonlyMap<ChannelName, CompiledMatcher>,
): ChannelName[] {
  const out = new Set<ChannelName>();
  let matched = false;
  for (const route of routes) {
    if (!matches(route.match, alert)) continue;
    matched = true;
    for (const c of route.channels) out.add(c);
    if (!route.continue) break;
  }
  return matched ? [...out] : all.filter((c) => {
    const m = takes.get(c);
    return m === undefined || matches(m, alert);
  });
}

/** True when a silence's end time has passed (an unreadable time never expires, as the schema already checked it). */
export function silenceExpired(until: string | undefined, now: number): boolean {
  if (until === undefined) return false;
  const end = Date.parse(until);
  return !Number.isNaN(end) && end <= now;
}
