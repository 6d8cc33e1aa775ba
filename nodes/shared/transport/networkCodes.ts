/** What a failed HTTP attempt's network error code says, for messages and retry decisions. */

export function networkCodeOf(error: unknown): string | undefined {
	for (const candidate of [error, (error as { cause?: unknown })?.cause]) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && code !== '' && code !== 'ERR_BAD_RESPONSE') return code;
	}
	const message = (error as Error)?.message ?? '';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	return undefined;
}

// n8n's NodeError swaps a message holding a raw code such as ECONNREFUSED for a generic text
// that loses the URL and the item, so the message says it in words.
const NETWORK_CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'no answer in time',
	ESOCKETTIMEDOUT: 'no answer in time',
	ECONNABORTED: 'no answer in time',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EPIPE: 'connection closed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	UND_ERR_SOCKET: 'connection closed',
};

export function describeNetworkCode(code: string | undefined): string {
	return (code && NETWORK_CODE_WORDS[code]) ?? 'network error';
}
