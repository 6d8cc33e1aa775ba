import type { IDataObject } from 'n8n-workflow';

import { NOT_JSON, parseJson } from '../json';

/** Bad input for one parameter; the engine turns it into a NodeOperationError for the item. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}

/** A parameter that must hold a URL holds none: an item that carries a file gets a pointer to storage. */
export class UrlInputError extends InputError {}

function asTrimmedString(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number') return String(value);
	return '';
}

function isWellEncoded(text: string): boolean {
	try {
		decodeURIComponent(text);
		return true;
	} catch {
		return false;
	}
}

/** The parsed, normalised http(s) URL; malformed percent-encoding is refused, not sent. */
export function parseHttpUrl(field: string, label: string, value: unknown): URL {
	const text = asTrimmedString(value);
	if (text === '') throw new InputError(field, `${label} is empty`, `Set "${label}" to an http(s) URL.`);
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new InputError(field, `${label} is not a valid URL: "${text}"`, 'Use a full URL such as https://example.com/photo.jpg.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new InputError(field, `${label} must use http or https, not "${url.protocol.replace(':', '')}"`);
	}
	if (!isWellEncoded(url.pathname + url.search)) {
		throw new InputError(
			field,
			`${label} has a malformed percent-encoding: "${text}"`,
			'Write a literal % as %25, e.g. https://example.com/100%25.jpg.',
		);
	}
	return url;
}

/**
 * An http(s) URL whose file extension, when it has one, is one of `extensions` (CDNs often
 * serve files without one). Returns the normalised URL.
 */
export function validateMediaUrl(field: string, label: string, value: unknown, extensions: readonly string[]): string {
	let url: URL;
	try {
		url = parseHttpUrl(field, label, value);
	} catch (error) {
		throw error instanceof InputError ? new UrlInputError(error.field, error.message, error.hint) : error;
	}
	const lastSegment = decodeURIComponent(url.pathname.split('/').pop() ?? '');
	const dot = lastSegment.lastIndexOf('.');
	if (dot > 0) {
		const extension = lastSegment.slice(dot + 1).toLowerCase();
		if (!extensions.includes(extension)) {
			throw new InputError(field, `${label} must point to a ${extensions.join(', ')} file, not ".${extension}"`);
		}
	}
	return url.toString();
}

/** One of the listed values (own keys only: "constructor" or "__proto__" are no value). */
export function validateChoice<T extends string>(field: string, label: string, value: unknown, allowed: readonly T[]): T {
	const text = asTrimmedString(value);
	if (!(allowed as readonly string[]).includes(text)) {
		throw new InputError(field, `${label} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}, not "${text}"`);
	}
	return text as T;
}

/** A boolean parameter, also when an expression gives "true" or "false" as text. */
export function parseBoolean(field: string, label: string, value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
	if (text === 'true') return true;
	if (text === 'false') return false;
	throw new InputError(field, `${label} must be true or false, got "${String(value)}"`);
}

/** Decimal digits only: "0x10", "1e3" or "0b11" are not user IDs. */
function positiveInteger(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : undefined;
	if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return undefined;
	const number = Number(value.trim());
	return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

function isUnset(value: unknown): boolean {
	return value === undefined || value === null || value === '' || value === 0;
}

/** The node's wsid override when set, else the credential's, else none (the body has no wsid). */
export function resolveWsid(optionValue: unknown, credentialValue: unknown): number | undefined {
	const [value, where] = isUnset(optionValue)
		? [credentialValue, "The credential's Workspace User ID (wsid)"]
		: [optionValue, 'The "Workspace User ID" option'];
	if (isUnset(value)) return undefined;
	const wsid = positiveInteger(value);
	if (wsid === undefined) {
		throw new InputError('wsid', `${where} must be a positive whole number, got "${String(value)}"`, 'Enter your ToMoviee user ID, digits only.');
	}
	return wsid;
}

/** The Storage Info option: empty → the documented default, "omit" → none, else a JSON object. */
export function parseStorageInfo(value: unknown, fallback: IDataObject): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'string' && value.trim().toLowerCase() === 'omit') return undefined;
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON) {
		throw new InputError('storageInfo', 'Storage Info is not valid JSON', 'Enter a JSON object, e.g. {"input":{"is_url":true}}, or the word omit.');
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new InputError('storageInfo', 'Storage Info must be a JSON object or the word omit');
	}
	return parsed as IDataObject;
}

/** A JSON object option (e.g. Additional Body Fields), from text or from an expression's object. */
export function parseJsonObject(field: string, label: string, value: unknown): IDataObject {
	if (value === undefined || value === null || value === '') return {};
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON) throw new InputError(field, `${label} is not valid JSON`, 'Enter a JSON object such as {"seed": 7}.');
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(field, `${label} must be a JSON object`);
	return parsed as IDataObject;
}

export function validateNumberInRange(field: string, label: string, value: unknown, min: number, max: number): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) {
		throw new InputError(field, `${label} must be between ${min} and ${max}, got "${String(value)}"`);
	}
	return number;
}

export function validateText(field: string, label: string, value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	if (text === '') throw new InputError(field, `${label} is empty`, `Enter the ${label.toLowerCase()}.`);
	return text;
}

/** Vendor task ids: letters, digits, `_`, `-` (e.g. tm_text2video_customize-0-2025080109295bd73652d4). */
export function validateTaskId(value: unknown): string {
	const text = asTrimmedString(value);
	if (text === '') throw new InputError('taskId', 'Task ID is empty', 'Map the taskId field of an earlier ToMoviee step.');
	if (!/^[\w.:-]{1,200}$/.test(text)) {
		throw new InputError('taskId', `Task ID "${text.slice(0, 80)}" has characters a ToMoviee task ID never has`, 'Map the taskId field of an earlier ToMoviee step.');
	}
	return text;
}

/** A binary field name: no spaces, and not a name that would vanish into an object's prototype. */
export function validateBinaryPropertyName(value: unknown): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (name === '' || /\s/.test(name) || name === '__proto__' || name === 'constructor' || name === 'prototype') {
		throw new InputError('binaryPropertyName', `Put Output File in Field must be a name without spaces, got "${String(value)}"`, 'Use a name such as data.');
	}
	return name;
}
