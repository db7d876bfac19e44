// The account's hourly API budget and the reserve detail calls leave untouched (never over a tenth of the budget).
import type { FivetranConfig } from "../config/schema.js";
import type { FivetranClient } from "./client.js";

/** Fivetran's calls per rolling hour for an account. */
export const STANDARD_BUDGET = 20_000;
/** Fivetran's calls per rolling hour for a trial account. */
export const TRIAL_BUDGET = 500;

/** What is known of the budget: the `X-Rate-Limit-Limit` header, the config, the first remaining count seen. */
export interface BudgetClues {
  limitHeader: number | null;
  configured: number | undefined;
  firstRemaining: number | null;
}

/**
 * The account's calls per hour: the `X-Rate-Limit-Limit` header when sent, else `fivetran.rate_limit_budget`, else
 * a trial's 500 when the first answer of the process said at most 500 were left, else 20,000.
 */
export function accountBudget(clues: BudgetClues): number {
  if (clues.limitHeader !== null) return clues.limitHeader;
  if (clues.configured !== undefined) return clues.configured;
  if (clues.firstRemaining !== null && clues.firstRemaining <= TRIAL_BUDGET) return TRIAL_BUDGET;
  return STANDARD_BUDGET;
}

/** The reserve detail calls keep: the configured one, at most a tenth of the budget. */
export function detailReserve(configured: number, budget: number): number {
  return Math.min(configured, Math.floor(budget / 10));
}

/** The reserve in force for calls through `client`: `details.rate_limit_reserve`, at most a tenth of the budget. */
export function reserveOf(client: Pick<FivetranClient, "rateLimitLimit" | "firstRateLimitRemaining">, config: FivetranConfig): number {
  const budget = accountBudget({ limitHeader: client.rateLimitLimit, configured: config.rate_limit_budget, firstRemaining: client.firstRateLimitRemaining });
  return detailReserve(config.details.rate_limit_reserve, budget);
}
