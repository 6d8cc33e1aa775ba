import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { estimatedEndAt, nextPollDelayMs, type ProgressLook } from './pollingSchedule';
import type { Task } from '../../shared/task/task';
import type { Outcome } from '../../shared/task/taskJson';
import type { StartedItem } from '../batch/startItem';

/** Never two looks at a task closer together than this, whatever its progress promises. */
const MIN_LOOK_GAP_MS = 250;

/** One task while the batch polls: what its looks have told so far. */
export interface Watched {
	item: StartedItem;
	task: Task;
	acceptedAt: number;
	deadline: number;
	/** Looks tried, answered or not. */
	looks: number;
	looking: boolean;
	/** Which heap entry is current (older entries are skipped). */
	version: number;
	lastTriedAt?: number;
	latest?: ProgressLook;
	previous?: ProgressLook;
	estimatedEndAt?: number;
	lastFailure?: string;
	settle: (outcome: Outcome) => void;
}

/** A task accepted now, watched from now until its Timeout. */
export function newWatched(item: StartedItem, settle: (outcome: Outcome) => void): Watched {
	const now = Date.now();
	return { item, task: item.task, acceptedAt: now, deadline: now + item.prepared.timeoutMs, looks: 0, looking: false, version: 0, settle };
}

export function timedOut(context: IExecuteFunctions, watched: Watched): Outcome {
	const { task, item } = watched;
	const seconds = Math.round(item.prepared.timeoutMs / 1000);
	const lastLook = watched.lastFailure ? ` The last status look-up failed: ${watched.lastFailure}.` : '';
	const error = new NodeOperationError(
		context.getNode(),
		`ToMoviee task ${task.taskId} was still ${task.status} when the ${seconds} s timeout passed [item ${item.plan.itemIndex}]`,
		{
			itemIndex: item.plan.itemIndex,
			description: `The task may still finish: look it up later with Task > Get, receive it with a ToMoviee Trigger, or raise the Timeout option.${lastLook}`,
		},
	);
	return { task, failure: { error } };
}

/** A sentinel's next look: the usual schedule, sooner when its progress says it ends. */
export function nextLookAt(watched: Watched): number {
	const since = watched.lastTriedAt ?? watched.acceptedAt;
	return soonerIfPromised(watched, since, since + nextPollDelayMs(watched.looks, watched.item.prepared.pollIntervalMs));
}

/** A task past its first look: one Poll Interval later, or when its progress says it ends if sooner. */
export function nextLookAfterFirst(watched: Watched): number {
	const since = watched.lastTriedAt ?? Date.now();
	return soonerIfPromised(watched, since, since + watched.item.prepared.pollIntervalMs);
}

function soonerIfPromised(watched: Watched, since: number, scheduled: number): number {
	const promised = watched.estimatedEndAt;
	return promised !== undefined && promised < scheduled ? Math.max(promised, since + MIN_LOOK_GAP_MS) : scheduled;
}

/** Keeps the progress of a look that found the task running, and what it says about the end. */
export function recordProgress(watched: Watched, at: number): void {
	const latest = { at, progress: watched.task.progress };
	watched.estimatedEndAt = estimatedEndAt(watched.acceptedAt, watched.latest, latest);
	watched.previous = watched.latest;
	watched.latest = latest;
}
