/** What `parseJson` gives for text that is not JSON. */
export const NOT_JSON = Symbol('not JSON');

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return NOT_JSON;
	}
}

/** JSON text parsed; text that is not JSON, and any other value, kept as it is. */
export function parseJsonOrKeep(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const parsed = parseJson(value);
	return parsed === NOT_JSON ? value : parsed;
}
