// Runs the cycle on a cron schedule, never two at once: a tick that finds a cycle running is skipped and counted.
import { createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "pino";

/** Options for `Scheduler`. */
export interface SchedulerOptions {
  expression: string;
  /** One cycle; the scheduler awaits it and never starts another meanwhile. */
  run: (reason: "scheduled" | "startup") => Promise<void>;
  /** Called for each tick that found a cycle still running. */
  onSkipped?: () => void;
  runOnStart: boolean;
  logger: Logger;
}

/** A cron-driven, non-overlapping cycle runner. */
export class Scheduler {
  private readonly opts: SchedulerOptions;
  private task: ScheduledTask | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** Ticks skipped because a cycle was still running. */
  skipped = 0;
  /** When the scheduler last ticked or started (epoch ms), for liveness. */
  lastTickAt: number | null = null;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
  }

  /** Starts ticking; with `runOnStart`, runs a first cycle right away. */
  start(): void {
    const log = this.opts.logger;
    this.task = createTask(this.opts.expression, () => this.tick("scheduled"), {
      name: "syncwatch-cycle",
      logger: {
        info: (m) => log.debug({ component: "node-cron" }, m),
        warn: (m) => log.debug({ component: "node-cron" }, m),
        error: (m) => log.warn({ component: "node-cron" }, String(m)),
        debug: (m) => log.trace({ component: "node-cron" }, String(m)),
      },
    });
    void this.task.start();
    this.lastTickAt = Date.now();
    if (this.opts.runOnStart) this.tick("startup");
  }

  /** True while the schedule is active. */
  get active(): boolean {
    return this.task !== null && !this.stopped;
  }

  /** True while a cycle is in progress. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** When the next scheduled tick is due, or null. */
  nextRun(): Date | null {
    return this.task?.getNextRun() ?? null;
  }

  /** Stops scheduling; resolves when the running cycle (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.task) await this.task.destroy();
    if (this.running) await this.running;
  }

  private tick(reason: "scheduled" | "startup"): void {
    this.lastTickAt = Date.now();
    if (this.stopped) return;
    if (this.running) {
      this.skipped++;
      this.opts.logger.warn({ skipped: this.skipped }, "skip cycle: the previous cycle is still running");
      this.opts.onSkipped?.();
      return;
    }
    this.running = this.opts
      .run(reason)
      .catch((err: unknown) => this.opts.logger.error({ err }, "cycle crashed"))
      .finally(() => {
        this.running = null;
      });
  }
}
