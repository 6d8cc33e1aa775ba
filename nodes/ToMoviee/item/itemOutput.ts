import type { IBinaryKeyData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Task } from '../../shared/task/task';
import { taskJson } from '../../shared/task/taskJson';
import type { BatchItem, ItemFailure } from './batchItem';

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

/** The item's output: its task (and files), or its error; paired to its input item. */
export function outputItem(item: BatchItem, binary: IBinaryKeyData | undefined, errorShape: ErrorShape): INodeExecutionData {
	const pairedItem = { item: item.itemIndex };
	if (item.failure) return { json: errorJson(item.failure, item.task, item.inputs, errorShape), pairedItem };
	// Every item reaches the output with a failure or a task.
	return { json: taskJson(item.task!, item.inputs), ...(binary ? { binary } : {}), pairedItem };
}
