import type { IExecuteFunctions } from 'n8n-workflow';

import { Alarm } from './alarm';
import { MinHeap } from './minHeap';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { queryTask } from '../../shared/transport/api';
import { toNodeError } from '../../shared/transport/errors';
import type { TransportSettings } from '../../shared/transport/transportSettings';
import { recordFailure, recordTask, type BatchItem, type ItemFailure } from '../item/batchItem';
import { knownDurationMs, nextLookAfterFirst, nextLookAt, recordProgress, startWatching, timedOut, type WatchedItem } from './watchState';

/** How many of the first tasks are looked at on their own schedule, to learn how long tasks take. */
const SENTINELS = 10;
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
	private readonly running = new Map<WatchedItem, () => void>();

	private readonly sentinels: WatchedItem[] = [];

	/** Tasks not looked at yet (but sentinels), in the order ToMoviee accepted them. */
	private readonly fresh: WatchedItem[] = [];

	private freshHead = 0;

	/** Tasks looked at and still running, by when to look again. */
	private readonly again = new MinHeap<{ item: WatchedItem; version: number }>();

	/** Every task by its Timeout. */
	private readonly deadlines = new MinHeap<WatchedItem>();

	private closed = false;

	private readonly alarm = new Alarm();

	private driving: Promise<void> | undefined;

	/** Looks in flight: no more than the batch's requests may be (a queued look holds memory). */
	private looking = 0;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly transport: TransportSettings,
		private readonly stopSignal: AbortSignal,
	) {}

	/** Watches an item's open task until it ends, times out or the execution stops; the outcome is recorded on the item. */
	async watch(batchItem: BatchItem): Promise<void> {
		await new Promise<void>((settled) => {
			const item = startWatching(batchItem);
			this.running.set(item, settled);
			// Stopped already (a submit answered after Stop, or after the first failure): no look.
			if (this.stopSignal.aborted) return this.settleAllStopped();
			this.deadlines.push(item.watch.deadline, item);
			if (this.sentinels.length < SENTINELS) this.sentinels.push(item);
			else this.fresh.push(item);
			this.pokeIfBefore(Math.min(item.watch.deadline, this.sentinels.includes(item) ? nextLookAt(item) : Infinity));
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
			for (const item of due) void this.look(item);
			await this.alarm.sleep(Math.max(1, Math.min(nextAt, now + IDLE_MS) - now), this.stopSignal);
		}
	}

	/** The looks due now, no more than the batch's requests in flight: the rest wait in their queues. */
	private dueLooks(now: number): { due: WatchedItem[]; nextAt: number } {
		const due: WatchedItem[] = [];
		let room = this.transport.limiter.max - this.looking;
		let nextAt = Number.POSITIVE_INFINITY;
		const take = (item: WatchedItem) => {
			if (!this.running.has(item) || item.watch.looking) return;
			item.watch.looking = true;
			room--;
			due.push(item);
		};
		for (const sentinel of this.sentinels) {
			if (!this.running.has(sentinel) || sentinel.watch.looking) continue;
			const at = Math.min(nextLookAt(sentinel), sentinel.watch.deadline);
			if (at > now) nextAt = Math.min(nextAt, at);
			else if (room > 0) take(sentinel);
		}
		const durationMs = knownDurationMs(this.sentinels, (item) => this.running.has(item), now);
		while (this.freshHead < this.fresh.length && room > 0) {
			const head = this.fresh[this.freshHead];
			if (!this.running.has(head) || head.watch.lastTriedAt !== undefined) {
				this.freshHead++;
				continue;
			}
			const at = head.watch.acceptedAt + durationMs;
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
		while (this.again.peekKey() <= now && room > 0) {
			const entry = this.again.pop();
			if (entry && entry.version === entry.item.watch.version) take(entry.item);
		}
		while (this.deadlines.peekKey() <= now && room > 0) {
			const item = this.deadlines.pop();
			if (item) take(item);
		}
		// No room: the next look to end wakes the driver.
		return { due, nextAt: room <= 0 ? Number.POSITIVE_INFINITY : Math.min(nextAt, this.again.peekKey(), this.deadlines.peekKey()) };
	}

	private async look(item: WatchedItem): Promise<void> {
		const { watch } = item;
		const taskId = item.task!.taskId;
		watch.lastTriedAt = Date.now();
		watch.looks++;
		this.looking++;
		try {
			const task = await queryTask(this.context, taskId, this.transport);
			if (this.running.has(item)) recordTask(this.context.getNode(), item, task, true);
			watch.lastFailure = undefined;
		} catch (error) {
			if (this.stopSignal.aborted) return;
			watch.lastFailure = toNodeError(this.context.getNode(), error, { itemIndex: item.itemIndex, action: 'looking up the task', taskId }).message;
		} finally {
			watch.looking = false;
			if (this.looking-- >= this.transport.limiter.max) this.alarm.wake();
		}
		if (!this.running.has(item)) return;
		const now = Date.now();
		if (isFinalStatus(item.task!.statusCode)) return this.finish(item);
		if (now >= watch.deadline) return this.finish(item, timedOut(this.context, item));
		if (!watch.lastFailure) recordProgress(item, now);
		const isSentinel = this.sentinels.includes(item);
		const at = isSentinel ? nextLookAt(item) : nextLookAfterFirst(item);
		if (!isSentinel) this.again.push(at, { item, version: ++watch.version });
		// A sentinel's answer also moves when the other tasks are due.
		this.pokeIfBefore(isSentinel ? now : at);
	}

	private finish(item: WatchedItem, failure?: ItemFailure): void {
		const settled = this.running.get(item);
		if (!settled) return;
		this.running.delete(item);
		if (failure) recordFailure(item, failure);
		item.watch.version++;
		settled();
		// The driver cares when the batch is done, or when a sentinel's end sets the others' looks.
		if (this.running.size === 0 || this.sentinels.includes(item)) this.alarm.wake();
	}

	private settleAllStopped(): void {
		for (const item of [...this.running.keys()]) {
			const error = toNodeError(this.context.getNode(), new Error('The execution was stopped'), {
				itemIndex: item.itemIndex,
				action: 'waiting for the task',
				taskId: item.task!.taskId,
			});
			this.finish(item, { error });
		}
	}
}
