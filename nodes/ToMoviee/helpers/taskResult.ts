import type { IDataObject } from 'n8n-workflow';

import { parseStatusCode, statusName, type TaskStatus } from './taskStatus';

/** The task fields every output item carries, whichever way the task was learned about. */
export interface NormalizedTask {
	taskId: string;
	status: TaskStatus | 'unknown';
	statusCode: number | null;
	progress: number;
	reason: string;
	resultUrls: string[];
	result: unknown;
}

const URL_KEY = /(url|path|mask|image|output|result)s?$/i;
const INPUT_KEYS = new Set(['init_image', 'initimage', 'callback', 'image_url', 'imageurl']);

function isHttpUrl(value: unknown): value is string {
	return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim());
}

/** `result` is a JSON document encoded as a string; keep the text when it is not JSON. */
export function parseResult(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string') return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
}

function collectUrls(value: unknown, key: string, found: string[], depth: number): void {
	if (depth > 8 || INPUT_KEYS.has(key.toLowerCase())) return;
	if (isHttpUrl(value)) {
		if (key === '' || URL_KEY.test(key) || /^\d+$/.test(key)) found.push(value.trim());
		return;
	}
	if (Array.isArray(value)) {
		value.forEach((entry, index) => collectUrls(entry, isHttpUrl(entry) ? String(index) : key, found, depth + 1));
		return;
	}
	if (value && typeof value === 'object') {
		for (const [childKey, child] of Object.entries(value as IDataObject)) {
			collectUrls(child, childKey, found, depth + 1);
		}
	}
}

/**
 * Output image URLs: `images_path` when present (the documented key for image capabilities),
 * otherwise any URL found in arrays or under url/path/mask-like keys, never the input image.
 */
export function findResultUrls(result: unknown): string[] {
	if (result && typeof result === 'object' && !Array.isArray(result)) {
		const imagesPath = (result as IDataObject).images_path;
		const listed = (Array.isArray(imagesPath) ? imagesPath : [imagesPath]).filter(isHttpUrl);
		if (listed.length > 0) return [...new Set(listed.map((url) => url.trim()))];
	}
	const found: string[] = [];
	collectUrls(result, '', found, 0);
	return [...new Set(found)];
}

function toNumber(value: unknown): number | undefined {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

export function readTaskId(raw: IDataObject): string | undefined {
	const id = raw.task_id ?? raw.taskId ?? raw.taskID ?? raw.id;
	if (typeof id === 'number') return String(id);
	return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** A task object from the query endpoint or a callback, in the node's output shape. */
export function normalizeTask(raw: IDataObject, fallbackTaskId = ''): NormalizedTask {
	const statusCode = parseStatusCode(raw.status) ?? null;
	const status = statusName(statusCode ?? undefined);
	const result = parseResult(raw.result);
	const progress = toNumber(raw.progress) ?? (status === 'succeeded' ? 100 : 0);
	const reason = raw.reason ?? raw.msg_reason ?? raw.error ?? '';
	return {
		taskId: readTaskId(raw) ?? fallbackTaskId,
		status,
		statusCode,
		progress,
		reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
		resultUrls: findResultUrls(result),
		result,
	};
}

/** Unwraps the `{code, msg, data}` envelope when the body carries one. */
export function unwrapEnvelope(body: IDataObject): IDataObject {
	const data = body.data;
	const looksWrapped = ('code' in body || 'msg' in body) && data && typeof data === 'object' && !Array.isArray(data);
	return looksWrapped ? (data as IDataObject) : body;
}

/** The control type a result names (`control_type`), or null. */
export function resultControlType(result: unknown): string | null {
	const value = (result as { control_type?: unknown } | null)?.control_type;
	return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
