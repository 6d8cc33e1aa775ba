import type { IDataObject } from 'n8n-workflow';

import { SIGNATURE_PARAM } from '../shared/callbacks/callbackSignature';

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-app-key']);
const REDACTED = '[redacted]';

function scrub(value: unknown, secretValue: string): unknown {
	if (secretValue === '') return value;
	if (typeof value === 'string') return value.split(secretValue).join(REDACTED);
	if (Array.isArray(value)) return value.map((entry) => scrub(entry, secretValue));
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value as IDataObject).map(([key, entry]) => [key, scrub(entry, secretValue)]));
	}
	return value;
}

/**
 * The raw request for Include Raw: without credentials, cookies or the signature, which proxies
 * also copy into headers such as x-forwarded-uri, x-original-uri or referer (and a body may echo).
 */
export function rawRequest(body: unknown, headers: IDataObject, query: IDataObject): IDataObject {
	const signature = typeof query[SIGNATURE_PARAM] === 'string' ? (query[SIGNATURE_PARAM] as string) : '';
	const shownHeaders: IDataObject = {};
	for (const [name, value] of Object.entries(headers)) {
		if (!HIDDEN_HEADERS.has(name.toLowerCase())) shownHeaders[name] = scrub(value, signature) as IDataObject;
	}
	const shownQuery: IDataObject = {};
	for (const [name, value] of Object.entries(query)) {
		if (name !== SIGNATURE_PARAM) shownQuery[name] = scrub(value, signature) as IDataObject;
	}
	return { body: scrub(body, signature) as IDataObject, headers: shownHeaders, query: shownQuery };
}
