import { rawRequest } from '../../nodes/ToMovieeTrigger/rawRequest';

const SIGNATURE = 'AbC-123_signatureValueThatIsLongEnough0000000';
const SIGNED_PATH = `/webhook/X/callback?row=7&tm_signature=${SIGNATURE}`;
const REDACTED_PATH = '/webhook/X/callback?row=7&tm_signature=[redacted]';

describe('rawRequest (Include Raw)', () => {
	const body = { task_id: 't1', status: 3, callback: `https://n8n.test${SIGNED_PATH}`, nested: [SIGNATURE] };
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
	const raw = rawRequest(body, headers, { row: '7', tm_signature: SIGNATURE, echo: `sig=${SIGNATURE}` });

	it('shows the signature value and the credentials nowhere', () => {
		for (const secret of [SIGNATURE, 'a2V5OnNlY3JldA==', 'app-key', 'n8n-auth']) expect(JSON.stringify(raw)).not.toContain(secret);
	});

	it('drops authorization, cookie, proxy-authorization and x-app-key whatever their case; redacts the signature in headers, query and body, keeping the rest', () => {
		expect(raw).toEqual({
			body: { task_id: 't1', status: 3, callback: `https://n8n.test${REDACTED_PATH}`, nested: ['[redacted]'] },
			headers: {
				host: 'n8n.test',
				'content-type': 'application/json',
				'x-forwarded-uri': REDACTED_PATH,
				'x-original-uri': REDACTED_PATH,
				'x-original-url': `https://n8n.test${REDACTED_PATH}`,
				referer: `https://n8n.test${REDACTED_PATH}`,
				'x-forwarded-for': ['1.2.3.4', 'via [redacted]'],
				'content-length': 42,
			},
			query: { row: '7', echo: 'sig=[redacted]' },
		});
	});

	it('keeps everything else when the request carries no signature', () => {
		const unsigned = rawRequest(body, { referer: 'https://n8n.test/webhook/X/callback?row=7', authorization: 'x' }, { row: '7' });
		expect(unsigned).toEqual({ body, headers: { referer: 'https://n8n.test/webhook/X/callback?row=7' }, query: { row: '7' } });
	});
});
