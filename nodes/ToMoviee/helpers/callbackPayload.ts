import type { IDataObject } from 'n8n-workflow';

import { normalizeTask, readTaskId, unwrapEnvelope, type NormalizedTask } from './taskResult';

export type CallbackParseResult =
	| { ok: true; task: NormalizedTask; params: unknown }
	| { ok: false; reason: string };

/** `params` comes back as the string it was sent as; objects sent by the node were JSON. */
export function decodePassThrough(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string') return value;
	const trimmed = value.trim();
	if (!/^[[{"]/.test(trimmed) && !/^(true|false|null|-?\d)/.test(trimmed)) return value;
	try {
		return JSON.parse(trimmed) as unknown;
	} catch {
		return value;
	}
}

/**
 * Reads every callback form seen or plausible: the bare task object, the same inside a
 * `{code, msg, data}` envelope, `taskId` for `task_id`, status as number or numeric string,
 * result as JSON text or object.
 */
export function parseCallbackBody(body: unknown): CallbackParseResult {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value) as unknown;
		} catch {
			return { ok: false, reason: 'The callback body is not JSON' };
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return { ok: false, reason: 'The callback body must be a JSON object' };
	}
	const task = unwrapEnvelope(value as IDataObject);
	if (!readTaskId(task)) return { ok: false, reason: 'The callback body has no task_id' };
	const params = task.params ?? (value as IDataObject).params;
	return { ok: true, task: normalizeTask(task), params: decodePassThrough(params) };
}
