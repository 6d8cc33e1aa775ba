import type { IDataObject } from 'n8n-workflow';

import { CONTROL_TYPES, type ControlType } from './constants';

/** Bad input for one parameter; the operation turns it into a NodeOperationError for the item. */
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

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'png']);

function asTrimmedString(value: unknown): string {
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number') return String(value);
	return '';
}

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
	return url;
}

/** A URL without an extension is allowed (CDNs often have none); another extension is not. */
export function validateImageUrl(value: unknown): string {
	const url = parseHttpUrl('imageUrl', 'Image URL', value);
	const lastSegment = decodeURIComponent(url.pathname.split('/').pop() ?? '');
	const dot = lastSegment.lastIndexOf('.');
	if (dot > 0) {
		const extension = lastSegment.slice(dot + 1).toLowerCase();
		if (!IMAGE_EXTENSIONS.has(extension)) {
			throw new InputError(
				'imageUrl',
				`Image URL must point to a jpg, jpeg or png image, not ".${extension}"`,
				'ToMoviee recognizes jpg and png images only.',
			);
		}
	}
	return asTrimmedString(value);
}

export function validateControlType(value: unknown): ControlType {
	const text = asTrimmedString(value);
	if (!(text in CONTROL_TYPES)) {
		throw new InputError(
			'controlType',
			`Control Type must be "0" (edge), "1" (pose), "2" (subject) or "3" (depth), not "${text}"`,
		);
	}
	return text as ControlType;
}

export function validateWsid(value: unknown, source: 'option' | 'credential'): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
		const where = source === 'option' ? 'The "Workspace User ID" option' : "The credential's wsid";
		throw new InputError(
			'wsid',
			`${where} must be a positive integer, got "${String(value)}"`,
			'Enter your ToMoviee user ID in the credential, or set the wsid option on the node.',
		);
	}
	return number;
}

/** Picks the node's wsid override when set, else the credential's. */
export function resolveWsid(optionValue: unknown, credentialValue: unknown): number {
	const optionSet = optionValue !== undefined && optionValue !== null && optionValue !== '' && optionValue !== 0;
	if (optionSet) return validateWsid(optionValue, 'option');
	if (credentialValue === undefined || credentialValue === null || credentialValue === '' || credentialValue === 0) {
		throw new InputError(
			'wsid',
			'No wsid (ToMoviee user ID) is set',
			'Enter it in the ToMoviee API credential or in the node\'s "Workspace User ID" option.',
		);
	}
	return validateWsid(credentialValue, 'credential');
}

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

export function parseStorageInfo(value: unknown): IDataObject {
	const parsed = typeof value === 'string' ? parseJson(value) : value;
	if (parsed === NOT_JSON) {
		throw new InputError('storageInfo', 'Storage Info is not valid JSON', 'Enter a JSON object, e.g. {"input":{"is_url":true}}.');
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new InputError('storageInfo', 'Storage Info must be a JSON object');
	}
	return parsed as IDataObject;
}

/** `params` is an opaque string for ToMoviee; objects are JSON-encoded so they come back intact. */
export function encodePassThrough(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	return JSON.stringify(value);
}

export function validateNumberInRange(
	field: string,
	label: string,
	value: unknown,
	min: number,
	max: number,
): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < min || number > max) {
		throw new InputError(field, `${label} must be between ${min} and ${max}, got "${String(value)}"`);
	}
	return number;
}

export function validateTaskId(value: unknown): string {
	const text = asTrimmedString(value);
	if (text === '') throw new InputError('taskId', 'Task ID is empty', 'Map the taskId field of an earlier ToMoviee step.');
	return text;
}
