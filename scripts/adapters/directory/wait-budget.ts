/**
 * A bound on how long one directory operation may spend waiting out a provider's rate limits. Every request
 * the operation makes (all pages of a member list) waits out of the same budget, so a provider that keeps
 * saying "slow down" cannot hold a tool run for longer than the setting allows.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Budget {
  remainingMs: number;
}

const budgets = new AsyncLocalStorage<Budget>();

/** Runs `operation` with a wait budget of `maxWaitMs`; nested calls share the outer budget. */
export function withWaitBudget<T>(maxWaitMs: number, operation: () => Promise<T>): Promise<T> {
  if (budgets.getStore()) return operation();
  return budgets.run({ remainingMs: maxWaitMs }, operation);
}

/**
 * Takes `delayMs` from the current budget (or from a fresh one of `fallbackMs` outside any operation) and
 * says whether it fitted. A delay that does not fit takes nothing: the caller gives up instead of waiting.
 */
export function spendWait(delayMs: number, fallbackMs: number): boolean {
  const budget = budgets.getStore() ?? { remainingMs: fallbackMs };
  if (delayMs > budget.remainingMs) return false;
  budget.remainingMs -= delayMs;
  return true;
}

/** Sleeps for `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A `Retry-After` value (seconds, or an HTTP date) in milliseconds, measured against `now`; undefined when
 * absent or unreadable.
 */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
