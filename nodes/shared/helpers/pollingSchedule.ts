/**
 * When to look at a task again: a quick first look, then doubling up to the poll interval,
 * so short tasks finish fast and long ones cost few queries.
 */
export const FIRST_LOOK_MS = 1000;

export function nextPollDelayMs(queriesSoFar: number, pollIntervalMs: number): number {
	const first = Math.min(FIRST_LOOK_MS, pollIntervalMs);
	return Math.min(pollIntervalMs, first * 2 ** Math.max(0, queriesSoFar));
}
