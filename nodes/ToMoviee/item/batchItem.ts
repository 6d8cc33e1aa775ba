import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { DownloadSettings } from '../../shared/parameters/options';
import type { Task } from '../../shared/task/task';
import { endedWithoutResult, isFinalStatus } from '../../shared/task/taskStatus';
import { hintForApiMessage, type ItemError } from '../../shared/transport/errors';

/** A task to create: its capability, the body, and what the item is about (for messages). */
export interface SubmitRequest {
	kind: 'submit';
	capability: string;
	body: IDataObject;
	/** e.g. `image https://…/a.jpg`, named in the error of a submit that may have billed. */
	label: string;
	wsidSent: boolean;
}

/** Task > Get: a task known by its id; what it echoes and how its files are named come from the task. */
interface LookupRequest {
	kind: 'lookup';
	taskId: string;
	describeTask(task: Task): { inputs: IDataObject; fileLabel: string };
}

export interface ItemFailure {
	error: ItemError;
	/** The ToMoviee code of the failure, when ToMoviee gave one. */
	errorCode?: string | number;
	/** A submit sent without a definite answer: a task may exist, so a retry must not resend it blindly. */
	unanswered?: boolean;
}

/** One status look at a running task: when, and the progress (0-100) ToMoviee reported. */
export interface ProgressLook {
	at: number;
	progress: number;
}

/** Poll's bookkeeping of one task, written by the poll folder only. */
export interface WatchState {
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
}

/**
 * One input item, owned by its batch from validation to output: what it asks of ToMoviee, what it
 * echoes, its task as last seen, its failure and its watch state. The parked record saves it
 * (waitForCallback/parkedRecord.ts). Its fields are written here only (but `watch`, Poll's):
 * `task` and `failure` by `recordTask` and `recordFailure`, which apply the rules of an outcome
 * in one place.
 */
export interface BatchItem {
	readonly itemIndex: number;
	/** None when the item failed validation, or after a resume (the record does not keep it). */
	readonly request?: SubmitRequest | LookupRequest;
	/** The inputs echoed on the output (e.g. controlType and imageUrl, or prompt). */
	inputs: IDataObject;
	/** Names the result files: `<taskId>-<fileLabel>.png`. */
	fileLabel: string;
	readonly download?: DownloadSettings;
	/** Poll Interval and Timeout, ms. */
	readonly pollIntervalMs: number;
	readonly timeoutMs: number;
	task?: Task;
	failure?: ItemFailure;
	watch?: WatchState;
}

/** What an operation's `prepare` returns: an item before any request. */
export type PreparedItem = Omit<BatchItem, 'itemIndex' | 'task' | 'failure' | 'watch'>;

export function newItem(itemIndex: number, prepared: PreparedItem): BatchItem {
	return { itemIndex, ...prepared };
}

/** An item that failed before anything was asked of ToMoviee (validation). */
export function invalidItem(itemIndex: number, error: ItemError): BatchItem {
	return { itemIndex, inputs: {}, fileLabel: 'result', pollIntervalMs: 0, timeoutMs: 0, failure: { error } };
}

/** A task ToMoviee just accepted: queued until a look tells more. */
export function acceptedTask(taskId: string): Task {
	return { taskId, status: 'queued', statusCode: 1, progress: 0, reason: '', resultUrls: [], result: null };
}

/** "ToMoviee task tm_1 failed: insufficient balance (code 680001) [item 3]" as the item's error. */
function taskFailure(node: INode, task: Task, itemIndex: number): ItemFailure {
	const verb = task.status === 'timedOut' ? 'timed out at ToMoviee' : task.status;
	const why = task.reason && task.reason !== 'success' ? `: ${task.reason}` : '';
	const code = task.errorCode !== undefined ? ` (code ${String(task.errorCode)})` : '';
	const message = `ToMoviee task ${task.taskId} ${verb}${why}${code} [item ${itemIndex}]`;
	const error = new NodeApiError(
		node,
		{ message, taskId: task.taskId, status: task.status, reason: task.reason, ...(task.errorCode !== undefined ? { code: task.errorCode } : {}) },
		{ message, itemIndex, description: hintForApiMessage(task.reason) },
	);
	return { error, errorCode: task.errorCode };
}

/**
 * The item's task as ToMoviee last showed it. The one rule of an outcome: a task that ended
 * without a result while the item waited for it is the item's error. A look-up names the
 * item's inputs and file label from its first answer.
 */
export function recordTask(node: INode, item: BatchItem, task: Task, waited: boolean): void {
	// A look-up is described by its first answer; later looks (Wait for Completion) keep it.
	if (item.request?.kind === 'lookup' && item.task === undefined) Object.assign(item, item.request.describeTask(task));
	item.task = task;
	if (waited && !item.failure && endedWithoutResult(task.status)) item.failure = taskFailure(node, task, item.itemIndex);
}

/** The first failure of an item stays its failure. */
export function recordFailure(item: BatchItem, failure: ItemFailure): void {
	item.failure ??= failure;
}

/** Still waiting for its task's end: no failure, and a task that has not ended. */
export function isOpen(item: BatchItem): boolean {
	return !item.failure && item.task !== undefined && !isFinalStatus(item.task.statusCode);
}
