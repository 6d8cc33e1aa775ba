import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchItem, ItemFailure, WatchState } from '../item/batchItem';
import { estimatedEndAt, nextPollDelayMs } from './pollingSchedule';

/** Never two looks at a task closer together than this, whatever its progress promises. */
const MIN_LOOK_GAP_MS = 250;

/** An item with a task Poll watches. */
export type WatchedItem = BatchItem & { watch: WatchState };

/** Starts watching an item's task from now until its Timeout. */
export function startWatching(item: BatchItem): WatchedItem {
	const now = Date.now();
	item.watch = { acceptedAt: now, deadline: now + item.timeoutMs, looks: 0, looking: false, version: 0 };
	return item as WatchedItem;
}

export function timedOut(context: IExecuteFunctions, item: WatchedItem): ItemFailure {
	const task = item.task!;
	const seconds = Math.round(item.timeoutMs / 1000);
	const lastLook = item.watch.lastFailure ? ` The last status look-up failed: ${item.watch.lastFailure}.` : '';
	const error = new NodeOperationError(
		context.getNode(),
		`ToMoviee task ${task.taskId} was still ${task.status} when the ${seconds} s timeout passed [item ${item.itemIndex}]`,
		{
			itemIndex: item.itemIndex,
			description: `The task may still finish: look it up later with Task > Get, receive it with a ToMoviee Trigger, or raise the Timeout option.${lastLook}`,
		},
	);
	return { error };
}

function soonerIfPromised(watch: WatchState, since: number, scheduled: number): number {
	const promised = watch.estimatedEndAt;
	return promised !== undefined && promised < scheduled ? Math.max(promised, since + MIN_LOOK_GAP_MS) : scheduled;
}

/** A sentinel's next look: the usual schedule, sooner when its progress says it ends. */
export function nextLookAt({ watch, pollIntervalMs }: WatchedItem): number {
	const since = watch.lastTriedAt ?? watch.acceptedAt;
	return soonerIfPromised(watch, since, since + nextPollDelayMs(watch.looks, pollIntervalMs));
}

/** A task past its first look: one Poll Interval later, or when its progress says it ends if sooner. */
export function nextLookAfterFirst({ watch, pollIntervalMs }: WatchedItem): number {
	const since = watch.lastTriedAt ?? Date.now();
	return soonerIfPromised(watch, since, since + pollIntervalMs);
}

/** Keeps the progress of a look that found the task running, and what it says about the end. */
export function recordProgress({ watch, task }: WatchedItem, at: number): void {
	const latest = { at, progress: task!.progress };
	watch.estimatedEndAt = estimatedEndAt(watch.acceptedAt, watch.latest, latest);
	watch.previous = watch.latest;
	watch.latest = latest;
}

/** How long this batch's tasks take, as far as the sentinels tell by `now` (at least). */
export function knownDurationMs(sentinels: WatchedItem[], isRunning: (item: WatchedItem) => boolean, now: number): number {
	let longest = 0;
	for (const sentinel of sentinels) {
		const { watch } = sentinel;
		// a running sentinel: at least until now, or its end at the rate seen between two looks
		const rated = watch.previous ? (watch.estimatedEndAt ?? 0) : 0;
		const endsAt = isRunning(sentinel) ? Math.max(now, rated) : (watch.lastTriedAt ?? now);
		longest = Math.max(longest, endsAt - watch.acceptedAt);
	}
	return longest;
}
