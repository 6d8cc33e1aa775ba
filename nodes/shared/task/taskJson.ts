import type { IDataObject } from 'n8n-workflow';

import { decodePassThrough } from './passThrough';
import type { Task } from './task';

/**
 * A task as both nodes output it, in a fixed key order: first what a user acts on (status, the
 * result files, the task id), as the editor's table and JSON views show keys in this order; then
 * the details. Never carries credentials.
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
