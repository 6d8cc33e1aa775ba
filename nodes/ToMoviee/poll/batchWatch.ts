import type { IExecuteFunctions } from 'n8n-workflow';

import { Alarm } from './alarm';
import { MinHeap } from './minHeap';
import { isFinalStatus } from '../../shared/task/taskStatus';
import type { Outcome } from '../../shared/task/taskJson';
import { queryTask } from '../../shared/transport/api';
import { toNodeError } from '../../shared/transport/errors';
import type { TransportSettings } from '../../shared/transport/request';
import type { StartedItem } from '../batch/startItem';
import { newWatched, nextLookAfterFirst, nextLookAt, recordProgress, timedOut, type Watched } from './watchState';

/** How many of the first tasks are looked at on their own schedule, to learn how long tasks take. */
export const SENTINELS = 10;
/** Longest idle sleep while items may still come. */
const IDLE_MS = 1000;

/**
 * The Poll wait method for a whole batch. The node outputs once every task has ended, so a look
 * at a task before it can have ended is wasted. The first few tasks (sentinels) are looked at
 * on the usual schedule: a quick first look, then backing off to the Poll Interval, sooner when
 * their progress says they are about to end. They tell how long this batch's tasks take; every
 * other task gets its first look once that time has passed since ToMoviee accepted it, and, if
 * it is still running, its next look when its progress says it ends (at most a Poll Interval
 * later). A task is also looked at when its Timeout comes. Looks start while later items are
 * still being submitted; a failed look is tried again later: only the Timeout or Stop end the wait.
 */
export class BatchWatch {
	private readonly running = new Set<Watched>();

	private readonly sentinels: Watched[] = [];

	/** Tasks not looked at yet (but sentinels), in the order ToMoviee accepted them. */
	private readonly fresh: Watched[] = [];

	private freshHead = 0;

	/** Tasks looked at and still running, by when to look again. */
	private readonly again = new MinHeap<{ watched: Watched; version: number }>();

	/** Every task by its Timeout. */
	private readonly deadlines = new MinHeap<Watched>();

	private closed = false;

	private readonly alarm = new Alarm();

	private driving: Promise<void> | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly transport: TransportSettings,
		private readonly stopSignal: AbortSignal,
		private readonly sentinelCount = SENTINELS,
	) {}

	/** Watches an accepted item's task until it ends, times out or the execution stops. */
	async watch(item: StartedItem): Promise<Outcome> {
		if (isFinalStatus(item.task.statusCode)) return { task: item.task };
		return await new Promise<Outcome>((settle) => {
			const watched = newWatched(item, settle);
			this.running.add(watched);
			// Stopped already (a submit answered after Stop, or after the first failure): no look.
			if (this.stopSignal.aborted) return this.settleAllStopped();
			this.deadlines.push(watched.deadline, watched);
			if (this.sentinels.length < this.sentinelCount) this.sentinels.push(watched);
			else this.fresh.push(watched);
			this.pokeIfBefore(Math.min(watched.deadline, this.sentinels.includes(watched) ? nextLookAt(watched) : Infinity));
			this.driving ??= this.drive();
		});
	}

	/** No more items will come: resolves once every watched item has its outcome. */
	async close(): Promise<void> {
		this.closed = true;
		this.alarm.wake();
		await this.driving;
	}

	private pokeIfBefore(at: number): void {
		if (at < this.alarm.sleepingUntil) this.alarm.wake();
	}

	private async drive(): Promise<void> {
		while (!(this.closed && this.running.size === 0)) {
			if (this.stopSignal.aborted) return this.settleAllStopped();
			const now = Date.now();
			const { due, nextAt } = this.dueLooks(now);
			for (const watched of due) void this.look(watched);
			await this.alarm.sleep(Math.max(1, Math.min(nextAt, now + IDLE_MS) - now), this.stopSignal);
		}
	}

	/** How long this batch's tasks take, as far as the sentinels tell by `now` (at least). */
	private knownDurationMs(now: number): number {
		let longest = 0;
		for (const sentinel of this.sentinels) {
			// a running sentinel: at least until now, or its end at the rate seen between two looks
			const rated = sentinel.previous ? (sentinel.estimatedEndAt ?? 0) : 0;
			const endsAt = this.running.has(sentinel) ? Math.max(now, rated) : (sentinel.lastTriedAt ?? now);
			longest = Math.max(longest, endsAt - sentinel.acceptedAt);
		}
		return longest;
	}

	private dueLooks(now: number): { due: Watched[]; nextAt: number } {
		const due: Watched[] = [];
		let nextAt = Number.POSITIVE_INFINITY;
		const take = (watched: Watched) => {
			if (!this.running.has(watched) || watched.looking) return;
			watched.looking = true;
			due.push(watched);
		};
		for (const sentinel of this.sentinels) {
			if (!this.running.has(sentinel) || sentinel.looking) continue;
			const at = Math.min(nextLookAt(sentinel), sentinel.deadline);
			if (at <= now) take(sentinel);
			else nextAt = Math.min(nextAt, at);
		}
		const durationMs = this.knownDurationMs(now);
		while (this.freshHead < this.fresh.length) {
			const head = this.fresh[this.freshHead];
			if (!this.running.has(head) || head.lastTriedAt !== undefined) {
				this.freshHead++;
				continue;
			}
			const at = head.acceptedAt + durationMs;
			if (at > now) {
				nextAt = Math.min(nextAt, at);
				break;
			}
			take(head);
			this.freshHead++;
		}
		if (this.freshHead > 1024 && this.freshHead * 2 > this.fresh.length) {
			this.fresh.splice(0, this.freshHead);
			this.freshHead = 0;
		}
		while (this.again.peekKey() <= now) {
			const entry = this.again.pop();
			if (entry && entry.version === entry.watched.version) take(entry.watched);
		}
		nextAt = Math.min(nextAt, this.again.peekKey());
		while (this.deadlines.peekKey() <= now) {
			const watched = this.deadlines.pop();
			if (watched) take(watched);
		}
		return { due, nextAt: Math.min(nextAt, this.deadlines.peekKey()) };
	}

	private async look(watched: Watched): Promise<void> {
		watched.lastTriedAt = Date.now();
		watched.looks++;
		try {
			watched.task = await queryTask(this.context, watched.task.taskId, this.transport);
			watched.lastFailure = undefined;
		} catch (error) {
			if (this.stopSignal.aborted) return;
			const { itemIndex } = watched.item.plan;
			watched.lastFailure = toNodeError(this.context.getNode(), error, { itemIndex, action: 'looking up the task', taskId: watched.task.taskId }).message;
		} finally {
			watched.looking = false;
		}
		if (!this.running.has(watched)) return;
		const now = Date.now();
		if (isFinalStatus(watched.task.statusCode)) return this.finish(watched, { task: watched.task });
		if (now >= watched.deadline) return this.finish(watched, timedOut(this.context, watched));
		if (!watched.lastFailure) recordProgress(watched, now);
		const isSentinel = this.sentinels.includes(watched);
		const at = isSentinel ? nextLookAt(watched) : nextLookAfterFirst(watched);
		if (!isSentinel) this.again.push(at, { watched, version: ++watched.version });
		// A sentinel's answer also moves when the other tasks are due.
		this.pokeIfBefore(isSentinel ? now : at);
	}

	private finish(watched: Watched, outcome: Outcome): void {
		if (!this.running.delete(watched)) return;
		watched.version++;
		watched.settle(outcome);
		// The driver cares when the batch is done, or when a sentinel's end sets the others' looks.
		if (this.running.size === 0 || this.sentinels.includes(watched)) this.alarm.wake();
	}

	private settleAllStopped(): void {
		for (const watched of [...this.running]) {
			const error = toNodeError(this.context.getNode(), new Error('The execution was stopped'), {
				itemIndex: watched.item.plan.itemIndex,
				action: 'waiting for the task',
				taskId: watched.task.taskId,
			});
			this.finish(watched, { task: watched.task, failure: { error } });
		}
	}
}
