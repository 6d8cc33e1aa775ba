import type { IDataObject } from 'n8n-workflow';

import { submitPath, TASK_QUERY_PATH } from '../constants';
import { looksLikeTask, normalizeTask, readTaskId, type Task } from '../task/task';
import { isNonZeroCode } from './credentialRejection';
import { callToMoviee } from './request';
import { type RequestContext, type TransportSettings } from './transportSettings';
import { ToMovieeRequestFailure } from './requestFailure';

function apiFailure(code: number | string | undefined, msg: string | undefined): ToMovieeRequestFailure {
	return new ToMovieeRequestFailure('api', msg ?? `ToMoviee answered code ${String(code)}`, {
		tries: 1,
		apiCode: code,
		apiMessage: msg,
	});
}

/** Submits one task of a capability (e.g. tm_reference_img2mask); returns ToMoviee's task id. */
export async function submitTask(
	context: RequestContext,
	capability: string,
	body: IDataObject,
	settings: TransportSettings,
): Promise<string> {
	const answer = await callToMoviee(context, { kind: 'submit', path: submitPath(capability), body }, settings);
	if (isNonZeroCode(answer.code)) throw apiFailure(answer.code, answer.msg);
	const data = answer.data && typeof answer.data === 'object' ? (answer.data as IDataObject) : {};
	const taskId = readTaskId(data);
	if (!taskId) {
		throw new ToMovieeRequestFailure('response', 'ToMoviee accepted the task but returned no task_id', { tries: 1, ambiguous: true });
	}
	return taskId;
}

/**
 * One look at a task. The answer's `code` is the task's own error code: with `data` holding the
 * task it is a task answer (a failed task keeps the code and message); without, an API error.
 */
export async function queryTask(context: RequestContext, taskId: string, settings: TransportSettings): Promise<Task> {
	const answer = await callToMoviee(context, { kind: 'idempotent', path: TASK_QUERY_PATH, body: { task_id: taskId } }, settings);
	if (looksLikeTask(answer.data)) {
		const task = normalizeTask(answer.data, taskId);
		if (isNonZeroCode(answer.code)) {
			task.errorCode = answer.code;
			if (answer.msg !== undefined) task.errorMessage = answer.msg;
		}
		return task;
	}
	if (isNonZeroCode(answer.code)) throw apiFailure(answer.code, answer.msg);
	throw new ToMovieeRequestFailure('response', `ToMoviee's answer for task ${taskId} holds no task`, { tries: 1 });
}
