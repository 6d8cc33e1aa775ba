import type { IDataObject } from 'n8n-workflow';

import type { NormalizedTask } from './taskResult';

export interface ItemContext {
	controlType: string | null;
	imageUrl: string | null;
}

/** The node's output shape, in a fixed key order. Never carries credentials. */
export function toOutputJson(task: NormalizedTask, context: ItemContext): IDataObject {
	return {
		taskId: task.taskId,
		status: task.status,
		statusCode: task.statusCode,
		progress: task.progress,
		reason: task.reason,
		controlType: context.controlType,
		imageUrl: context.imageUrl,
		resultUrls: task.resultUrls,
		result: task.result as IDataObject,
	};
}

export function acceptedTask(taskId: string): NormalizedTask {
	return {
		taskId,
		status: 'queued',
		statusCode: 1,
		progress: 0,
		reason: '',
		resultUrls: [],
		result: null,
	};
}

/** "ToMoviee task tm_1 failed: reason [item 3]" for a task that ended without success. */
export function taskFailureMessage(task: NormalizedTask, itemIndex: number): string | undefined {
	if (task.status !== 'failed' && task.status !== 'cancelled' && task.status !== 'timedOut') return undefined;
	const why = task.reason ? `: ${task.reason}` : '';
	const verb = task.status === 'timedOut' ? 'timed out at ToMoviee' : task.status;
	return `ToMoviee task ${task.taskId} ${verb}${why} [item ${itemIndex}]`;
}
