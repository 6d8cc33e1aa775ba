import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { NOT_JSON, parseJson } from '../json';
import { readTaskId, unwrapEnvelope } from '../task/task';

/** ToMoviee's task ids: letters, digits, `_`, `-` (and `.` to be tolerant), at most 128 characters. */
const TASK_ID_PATTERN = /^[\w.-]{1,128}$/;

const LOGGED_ID_LENGTH = 64;

/** A task id as it may appear in a log line: one short line whatever a caller sent. */
export function loggableTaskId(taskId: string): string {
	const shown = taskId.slice(0, LOGGED_ID_LENGTH).replace(/[^\w.-]/g, '?');
	return taskId.length > LOGGED_ID_LENGTH ? `${shown}…` : shown;
}

/** The request body's size in bytes, from Content-Length or the raw body n8n kept, before anything reads it. */
export function requestBodySize(context: IWebhookFunctions): number {
	const request = context.getRequestObject();
	const declared = Number(request.headers['content-length']);
	if (Number.isFinite(declared) && declared > 0) return declared;
	const raw = (request as { rawBody?: { length: number } }).rawBody;
	if (raw) return raw.length;
	const body = context.getBodyData() as unknown;
	return typeof body === 'string' ? body.length : JSON.stringify(body ?? {}).length;
}

type CallbackHeader = { ok: true; taskId: string; reportedStatus: unknown } | { ok: false; reason: string };

/** Only the task id (checked against the pattern) and the reported status of a callback body: nothing else is read before the checks. */
export function readCallbackHeader(body: unknown): CallbackHeader {
	if (typeof body === 'string') {
		// A JSON body sent as text (the size is capped before this is read).
		const parsed = parseJson(body);
		return parsed === NOT_JSON ? { ok: false, reason: 'The callback body is not JSON' } : readCallbackHeader(parsed);
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, reason: 'The callback body must be a JSON object' };
	const raw = unwrapEnvelope(body as IDataObject);
	const taskId = readTaskId(raw);
	if (taskId === undefined) return { ok: false, reason: 'The callback body has no task_id' };
	if (!TASK_ID_PATTERN.test(taskId)) return { ok: false, reason: 'The callback body has a task_id that is not a ToMoviee task id' };
	return { ok: true, taskId, reportedStatus: raw.status };
}
