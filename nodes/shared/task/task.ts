import type { IDataObject } from 'n8n-workflow';

import { parseJsonOrKeep } from '../json';
import { parseStatusCode, statusName, type TaskStatus } from './taskStatus';

/** A task as ToMoviee reported it, in the node's terms, whichever way it was learned about. */
export interface Task {
	taskId: string;
	status: TaskStatus | 'unknown';
	statusCode: number | null;
	progress: number;
	reason: string;
	/** For a queued task: its place in ToMoviee's queue and the expected wait. */
	queuePosition?: number;
	waitSeconds?: number;
	/** The query's non-zero `code` and `msg` (the task's own error code, e.g. 680001). */
	errorCode?: number | string;
	errorMessage?: string;
	resultUrls: string[];
	/** When the signed result URLs stop working (their `Expires` parameter). */
	resultUrlsExpireAt?: string;
	result: unknown;
	/** The pass-through text ToMoviee hands back (`params`), as it holds it. */
	params?: string;
}

const RESULT_URL_KEYS = ['images_path', 'mask_path', 'image_path', 'video_path', 'audio_path'];
const INPUT_KEYS = new Set(['init_image', 'initimage', 'callback', 'image_url', 'imageurl', 'image', 'image_tail', 'reference_image', 'file_link', 'mask_url', 'video']);
const MAX_DEPTH = 8;

function isHttpUrl(value: unknown): value is string {
	return typeof value === 'string' && /^https?:\/\/\S+$/i.test(value.trim());
}

/** `result` is a JSON document encoded as a string; keep the text when it is not JSON. */
function parseResult(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return null;
	return parseJsonOrKeep(value);
}

function collectUrls(value: unknown, key: string, found: Set<string>, depth: number): void {
	if (depth > MAX_DEPTH || INPUT_KEYS.has(key.toLowerCase())) return;
	if (isHttpUrl(value)) {
		found.add(value.trim());
	} else if (Array.isArray(value)) {
		for (const entry of value) collectUrls(entry, key, found, depth + 1);
	} else if (value && typeof value === 'object') {
		for (const [childKey, child] of Object.entries(value as IDataObject)) collectUrls(child, childKey, found, depth + 1);
	}
}

/**
 * Output file URLs: the documented keys first (images, masks, video, audio), then any other
 * http(s) URL string or array in the result, never an input URL, without duplicates.
 */
function findResultUrls(result: unknown): string[] {
	const found = new Set<string>();
	if (result && typeof result === 'object' && !Array.isArray(result)) {
		for (const key of RESULT_URL_KEYS) collectUrls((result as IDataObject)[key], key, found, 1);
	}
	collectUrls(result, '', found, 0);
	return [...found];
}

/** The earliest `Expires` (epoch seconds) of signed storage URLs, as an ISO time. */
function resultUrlsExpiry(urls: string[]): string | undefined {
	let earliest: number | undefined;
	for (const url of urls) {
		const expires = URL.canParse(url) ? Number(new URL(url).searchParams.get('Expires') ?? NaN) : NaN;
		if (Number.isFinite(expires) && expires > 0 && (earliest === undefined || expires < earliest)) earliest = expires;
	}
	return earliest === undefined ? undefined : new Date(earliest * 1000).toISOString();
}

function toNumber(value: unknown): number | undefined {
	const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : undefined;
}

export function readTaskId(raw: IDataObject): string | undefined {
	const id = raw.task_id ?? raw.taskId ?? raw.taskID;
	if (typeof id === 'number') return String(id);
	return typeof id === 'string' && id.trim() !== '' ? id.trim() : undefined;
}

/** Whether an object looks like a task (a query's `data`, a callback body). */
export function looksLikeTask(value: unknown): value is IDataObject {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
	const raw = value as IDataObject;
	return readTaskId(raw) !== undefined || raw.status !== undefined;
}

/** A task object from the query endpoint or a callback, in the node's terms. */
export function normalizeTask(raw: IDataObject, fallbackTaskId = ''): Task {
	const statusCode = parseStatusCode(raw.status) ?? null;
	const status = statusName(statusCode ?? undefined);
	const result = parseResult(raw.result);
	const resultUrls = findResultUrls(result);
	const progress = toNumber(raw.progress) ?? toNumber(raw.process) ?? (status === 'succeeded' ? 100 : 0);
	const reason = raw.reason ?? '';
	const task: Task = {
		taskId: readTaskId(raw) ?? fallbackTaskId,
		status,
		statusCode,
		progress,
		reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
		resultUrls,
		result,
	};
	const position = toNumber(raw.position);
	const waitSeconds = toNumber(raw.wait_time);
	if (status === 'queued' && position !== undefined && position >= 0) task.queuePosition = position;
	if (status === 'queued' && waitSeconds !== undefined && waitSeconds >= 0) task.waitSeconds = waitSeconds;
	const expiresAt = resultUrlsExpiry(resultUrls);
	if (expiresAt) task.resultUrlsExpireAt = expiresAt;
	if (typeof raw.params === 'string' && raw.params !== '') task.params = raw.params;
	else if (raw.params && typeof raw.params === 'object') task.params = JSON.stringify(raw.params);
	return task;
}

/** Unwraps the `{code, msg, data}` envelope when the body carries one. */
export function unwrapEnvelope(body: IDataObject): IDataObject {
	const data = body.data;
	const looksWrapped = ('code' in body || 'msg' in body) && data && typeof data === 'object' && !Array.isArray(data);
	return looksWrapped ? (data as IDataObject) : body;
}

/** The control type a recognition result names (`control_type`), or null. */
export function resultControlType(result: unknown): string | null {
	const value = (result as { control_type?: unknown } | null)?.control_type;
	return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}
