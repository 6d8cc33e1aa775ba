import { rawRequest } from '../../nodes/ToMovieeTrigger/rawRequest';

const SIGNATURE = 'AbC-123_signatureValueThatIsLongEnough0000000';
const SIGNED_PATH = `/webhook/X/callback?row=7&tm_signature=${SIGNATURE}`;

describe('rawRequest (Include Raw)', () => {
	const body = { task_id: 't1', status: 3 };
	const headers = {
		host: 'n8n.test',
		'content-type': 'application/json',
		authorization: 'Basic a2V5OnNlY3JldA==',
		Cookie: 'n8n-auth=abc',
		'Proxy-Authorization': 'Basic eA==',
		'X-App-Key': 'app-key',
		'x-forwarded-uri': SIGNED_PATH,
		'x-original-uri': SIGNED_PATH,
		'x-original-url': `https://n8n.test${SIGNED_PATH}`,
		referer: `https://n8n.test${SIGNED_PATH}`,
		'x-forwarded-for': ['1.2.3.4', `via ${SIGNATURE}`],
		'content-length': 42,
	};
	const query = { row: '7', tm_signature: SIGNATURE, echo: `sig=${SIGNATURE}` };
	const raw = rawRequest(body, headers, query);

	it('shows the signature value nowhere', () => {
		expect(JSON.stringify(raw)).not.toContain(SIGNATURE);
	});

	it('removes the signature from every header and keeps the rest of the value', () => {
		const shown = raw.headers as Record<string, unknown>;
		expect(shown['x-forwarded-uri']).toBe('/webhook/X/callback?row=7&tm_signature=[redacted]');
		expect(shown['x-original-uri']).toBe('/webhook/X/callback?row=7&tm_signature=[redacted]');
		expect(shown['x-original-url']).toBe('https://n8n.test/webhook/X/callback?row=7&tm_signature=[redacted]');
		expect(shown.referer).toBe('https://n8n.test/webhook/X/callback?row=7&tm_signature=[redacted]');
		expect(shown['x-forwarded-for']).toEqual(['1.2.3.4', 'via [redacted]']);
	});

	it('removes the signature from the query and keeps the other parameters', () => {
		expect(raw.query).toEqual({ row: '7', echo: 'sig=[redacted]' });
	});

	it('drops authorization, cookie, proxy-authorization and x-app-key whatever their case', () => {
		expect(Object.keys(raw.headers as object).map((name) => name.toLowerCase())).toEqual(
			expect.not.arrayContaining(['authorization', 'cookie', 'proxy-authorization', 'x-app-key']),
		);
		expect(JSON.stringify(raw)).not.toContain('a2V5OnNlY3JldA==');
		expect(JSON.stringify(raw)).not.toContain('app-key');
		expect(JSON.stringify(raw)).not.toContain('n8n-auth');
	});

	it('keeps ordinary headers and the body', () => {
		expect(raw.headers).toMatchObject({ host: 'n8n.test', 'content-type': 'application/json', 'content-length': 42 });
		expect(raw.body).toEqual(body);
	});

	it('keeps everything else when the request carries no signature', () => {
		const unsigned = rawRequest(body, { referer: 'https://n8n.test/webhook/X/callback?row=7', authorization: 'x' }, { row: '7' });
		expect(unsigned).toEqual({ body, headers: { referer: 'https://n8n.test/webhook/X/callback?row=7' }, query: { row: '7' } });
	});
});

describe('rawRequest body', () => {
	it('removes the signature where the body echoes it', () => {
		const raw = rawRequest({ task_id: 't', callback: 'https://n8n.test/webhook/x/callback?tm_signature=SIGVALUE', nested: ['SIGVALUE'] }, {}, { tm_signature: 'SIGVALUE' });
		expect(JSON.stringify(raw)).not.toContain('SIGVALUE');
		expect((raw.body as { task_id: string }).task_id).toBe('t');
	});
});
