import type { IBinaryKeyData, IDataObject, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { decodePassThrough } from './passThrough';
import type { Task } from './task';
import { endedWithoutResult } from './taskStatus';
import type { ItemError } from '../transport/errors';

/** What one input item asked for, as far as its output is concerned. */
export interface ItemPlan {
	itemIndex: number;
	/** The inputs echoed on the output (e.g. controlType and imageUrl, or prompt). */
	inputs: IDataObject;
	/** Names the result files: `<taskId>-<fileLabel>.png`. */
	fileLabel: string;
	download?: { binaryPropertyName: string; maxBytes: number };
	/** The item waited for its task: a task that failed there is the item's error. */
	waited: boolean;
}

export interface ItemFailure {
	error: ItemError;
	/** The ToMoviee code of the failure, when ToMoviee gave one. */
	errorCode?: string | number;
}

/** How one item ended: with its task, or with an error (and the task when one is known). */
export type Outcome = { task: Task; failure?: undefined } | { task?: Task; failure: ItemFailure };

/**
 * The node's output shape, in a fixed key order: first what a user acts on (status, the result
 * files, the task id), as the editor's table and JSON views show keys in this order; then the
 * details. Never carries credentials.
 */
export function taskJson(task: Task, inputs: IDataObject): IDataObject {
	const json: IDataObject = {
		status: task.status,
		resultUrls: task.resultUrls,
	};
	if (task.resultUrlsExpireAt) json.resultUrlsExpireAt = task.resultUrlsExpireAt;
	json.taskId = task.taskId;
	json.reason = task.reason;
	json.statusCode = task.statusCode;
	json.progress = task.progress;
	if (task.queuePosition !== undefined) json.queuePosition = task.queuePosition;
	if (task.waitSeconds !== undefined) json.waitSeconds = task.waitSeconds;
	if (task.errorCode !== undefined) json.errorCode = task.errorCode;
	if (task.errorMessage !== undefined) json.errorMessage = task.errorMessage;
	Object.assign(json, inputs);
	json.result = task.result as IDataObject;
	if (task.params !== undefined) json.params = decodePassThrough(task.params) as IDataObject;
	return json;
}

/** "ToMoviee task tm_1 failed: insufficient balance (code 680001) [item 3]" as the item's error. */
export function taskFailure(node: INode, task: Task, itemIndex: number): ItemFailure {
	const verb = task.status === 'timedOut' ? 'timed out at ToMoviee' : task.status;
	const why = task.reason && task.reason !== 'success' ? `: ${task.reason}` : '';
	const code = task.errorCode !== undefined ? ` (code ${String(task.errorCode)})` : '';
	const message = `ToMoviee task ${task.taskId} ${verb}${why}${code} [item ${itemIndex}]`;
	const balance = /balance|insufficient|quota|credit|余额/i.test(task.reason);
	const error = new NodeApiError(
		node,
		{ message, taskId: task.taskId, status: task.status, reason: task.reason, ...(task.errorCode !== undefined ? { code: task.errorCode } : {}) },
		{
			message,
			itemIndex,
			description: balance ? 'Your ToMoviee account balance looks too low: top it up in the ToMoviee console, then run again.' : undefined,
		},
	);
	return { error, errorCode: task.errorCode };
}

/** The outcome after the rule "a task that failed while the item waited is its error". */
export function judged(node: INode, plan: ItemPlan, outcome: Outcome): Outcome {
	if (outcome.failure || !plan.waited || !endedWithoutResult(outcome.task.status)) return outcome;
	return { task: outcome.task, failure: taskFailure(node, outcome.task, plan.itemIndex) };
}

/**
 * How a failed item is shaped. `main` (Continue): every known field plus `error`. For the error
 * output n8n takes only items whose json has no keys but error, message and details (n8n 1.x:
 * error and message only), and wipes the json of any item with `item.error`; so the fields go
 * under `details` there (`errorOutputV1`: only in the message, which names task and code).
 */
export type ErrorShape = 'main' | 'errorOutput' | 'errorOutputV1';

export function errorJson(failure: ItemFailure, task: Task | undefined, inputs: IDataObject, errorShape: ErrorShape): IDataObject {
	const fields = task ? taskJson(task, inputs) : { ...inputs };
	if (failure.errorCode !== undefined && fields.errorCode === undefined) fields.errorCode = failure.errorCode;
	const { message, description } = failure.error;
	if (errorShape === 'errorOutput') return { error: message, ...(description ? { message: description } : {}), details: fields };
	if (errorShape === 'errorOutputV1') return { error: message, ...(description ? { message: description } : {}) };
	// The message in plain words right after the status, before the task's details.
	const { status, ...rest } = fields;
	return {
		...(status !== undefined ? { status } : {}),
		error: message,
		...(description ? { errorDescription: description } : {}),
		...rest,
	};
}

export function outputItem(
	plan: ItemPlan,
	outcome: Outcome,
	binary: IBinaryKeyData | undefined,
	errorShape: ErrorShape,
): INodeExecutionData {
	const pairedItem = { item: plan.itemIndex };
	if (outcome.failure) return { json: errorJson(outcome.failure, outcome.task, plan.inputs, errorShape), pairedItem };
	return { json: taskJson(outcome.task, plan.inputs), ...(binary ? { binary } : {}), pairedItem };
}
