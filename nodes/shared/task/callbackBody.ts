import type { IDataObject } from 'n8n-workflow';

import { NOT_JSON, parseJson } from '../json';
import { normalizeTask, readTaskId, unwrapEnvelope, type Task } from './task';

type CallbackParseResult = { ok: true; task: Task; reportedStatus: unknown } | { ok: false; reason: string };

/**
 * Reads every callback form seen or plausible: the bare task object (the vendor's depiction),
 * the same inside a `{code, msg, data}` envelope, `taskId` for `task_id`, status as number or
 * numeric string (or missing), result as JSON text or object.
 */
export function parseCallbackBody(body: unknown): CallbackParseResult {
	const value = typeof body === 'string' ? parseJson(body) : body;
	if (value === NOT_JSON) return { ok: false, reason: 'The callback body is not JSON' };
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, reason: 'The callback body must be a JSON object' };
	}
	const raw = unwrapEnvelope(value as IDataObject);
	if (!readTaskId(raw)) return { ok: false, reason: 'The callback body has no task_id' };
	const task = normalizeTask(raw);
	if (task.params === undefined && typeof (value as IDataObject).params === 'string') {
		task.params = (value as IDataObject).params as string;
	}
	return { ok: true, task, reportedStatus: raw.status };
}
