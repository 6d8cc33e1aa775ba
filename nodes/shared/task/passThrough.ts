import { NOT_JSON, parseJson } from '../json';

/**
 * `params` is an opaque string for ToMoviee. Objects (from an expression) travel as JSON and
 * come back as objects; strings travel and come back unchanged, so "12", "true" or a long
 * number stay the strings they were.
 */
export function encodePassThrough(value: unknown): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'string') return value;
	return JSON.stringify(value);
}

export function decodePassThrough(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return null;
	if (typeof value !== 'string') return value;
	const trimmed = value.trim();
	if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
	const parsed = parseJson(trimmed);
	return parsed === NOT_JSON ? value : parsed;
}
