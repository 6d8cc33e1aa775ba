import type { ProgressLook } from '../item/batchItem';

/**
 * When to look at a task again: a quick first look, then doubling up to the poll interval,
 * so short tasks finish fast and long ones cost few queries.
 */
const FIRST_LOOK_MS = 1000;

export function nextPollDelayMs(queriesSoFar: number, pollIntervalMs: number): number {
	const first = Math.min(FIRST_LOOK_MS, pollIntervalMs);
	return Math.min(pollIntervalMs, first * 2 ** Math.max(0, queriesSoFar));
}

/**
 * When a running task may end, from its progress: at the rate seen between two looks, or, after
 * one look, at the rate since ToMoviee accepted it (slower than the true rate when it waited in
 * a queue first, so that estimate errs late). Undefined while there is no progress to go by.
 */
export function estimatedEndAt(acceptedAt: number, previous: ProgressLook | undefined, latest: ProgressLook): number | undefined {
	const { at, progress } = latest;
	if (!(progress > 0 && progress < 100)) return undefined;
	if (previous && progress > previous.progress && at > previous.at) {
		return at + ((100 - progress) * (at - previous.at)) / (progress - previous.progress);
	}
	const elapsed = at - acceptedAt;
	return elapsed > 0 ? at + (elapsed * (100 - progress)) / progress : undefined;
}
