import { decodePassThrough, parseCallbackBody } from '../../nodes/ToMoviee/helpers/callbackPayload';
import {
	computeSignature,
	signCallbackUrl,
	verifySignature,
} from '../../nodes/ToMoviee/helpers/callbackSignature';
import { RecentKeys } from '../../nodes/ToMoviee/helpers/recentKeys';

const SECRET = 'app-secret';

describe('callback URL signature', () => {
	const base = 'https://n8n.example.com/webhook/1b2c/callback';

	it('signs the path and keeps the user query', () => {
		const signed = new URL(signCallbackUrl(`${base}?row=7&sheet=a`, SECRET));
		expect(signed.searchParams.get('row')).toBe('7');
		expect(signed.searchParams.get('sheet')).toBe('a');
		expect(signed.searchParams.get('signature')).toBe(computeSignature(SECRET, '/webhook/1b2c/callback'));
	});

	it('is base64url HMAC-SHA256 of the pathname', () => {
		const { createHmac } = require('crypto');
		const expected = createHmac('sha256', SECRET).update('/webhook/1b2c/callback').digest('base64url');
		expect(computeSignature(SECRET, base)).toBe(expected);
		expect(expected).not.toMatch(/[+/=]/);
	});

	it('verifies the signed path, whatever other query parameters are added', () => {
		const signed = new URL(signCallbackUrl(base, SECRET));
		const signature = signed.searchParams.get('signature');
		expect(verifySignature(SECRET, signature, ['/webhook/1b2c/callback?signature=x&extra=1'])).toBe(true);
	});

	it('rejects a tampered path, a tampered signature, another secret and a missing one', () => {
		const signature = computeSignature(SECRET, base);
		expect(verifySignature(SECRET, signature, ['/webhook/other/callback'])).toBe(false);
		expect(verifySignature(SECRET, `${signature.slice(0, -1)}A`, ['/webhook/1b2c/callback'])).toBe(false);
		expect(verifySignature('other-secret', signature, ['/webhook/1b2c/callback'])).toBe(false);
		expect(verifySignature(SECRET, undefined, ['/webhook/1b2c/callback'])).toBe(false);
		expect(verifySignature(SECRET, '', ['/webhook/1b2c/callback'])).toBe(false);
		expect(verifySignature('', signature, ['/webhook/1b2c/callback'])).toBe(false);
	});

	it('normalizes URL-encoding the same way on both sides', () => {
		const signed = new URL(signCallbackUrl('https://h.test/webhook/a b/callback', SECRET));
		const signature = signed.searchParams.get('signature');
		expect(verifySignature(SECRET, signature, ['/webhook/a%20b/callback'])).toBe(true);
		expect(verifySignature(SECRET, signature, ['/webhook/a b/callback'])).toBe(true);
	});

	it('accepts a match on any candidate path (request path or public webhook URL)', () => {
		const signature = computeSignature(SECRET, '/prefix/webhook/1b2c/callback');
		expect(verifySignature(SECRET, signature, ['/webhook/1b2c/callback', 'https://public.test/prefix/webhook/1b2c/callback'])).toBe(true);
	});
});

describe('callback body forms', () => {
	const task = { task_id: 't1', status: 3, progress: 100, reason: '', result: '{"images_path":["https://x/m.png"]}', params: '{"row":7}' };

	it('reads the bare task', () => {
		const parsed = parseCallbackBody(task);
		expect(parsed).toMatchObject({ ok: true, task: { taskId: 't1', status: 'succeeded', resultUrls: ['https://x/m.png'] }, params: { row: 7 } });
	});

	it('reads the {code,msg,data} envelope', () => {
		expect(parseCallbackBody({ code: 0, msg: 'success', data: task })).toMatchObject({ ok: true, task: { taskId: 't1', statusCode: 3 } });
	});

	it('reads taskId, a numeric-string status and an object result', () => {
		const parsed = parseCallbackBody({ taskId: 't9', status: '4', reason: 'insufficient balance', result: { images_path: [] }, params: 'plain' });
		expect(parsed).toMatchObject({ ok: true, task: { taskId: 't9', status: 'failed', reason: 'insufficient balance' }, params: 'plain' });
	});

	it('reads a JSON string body', () => {
		expect(parseCallbackBody(JSON.stringify(task))).toMatchObject({ ok: true, task: { taskId: 't1' } });
	});

	it('refuses bodies without a task id or that are not objects', () => {
		expect(parseCallbackBody({ status: 3 })).toEqual({ ok: false, reason: 'The callback body has no task_id' });
		expect(parseCallbackBody({ code: 0, data: { status: 3 } })).toMatchObject({ ok: false });
		expect(parseCallbackBody([task])).toMatchObject({ ok: false });
		expect(parseCallbackBody('nope')).toMatchObject({ ok: false });
	});

	it('decodes pass-through data only when it is JSON', () => {
		expect(decodePassThrough('{"a":1}')).toEqual({ a: 1 });
		expect(decodePassThrough('[1]')).toEqual([1]);
		expect(decodePassThrough('row-7')).toBe('row-7');
		expect(decodePassThrough('{broken')).toBe('{broken');
		expect(decodePassThrough('')).toBeNull();
	});
});

describe('RecentKeys (dedupe window)', () => {
	it('lets a key through once', () => {
		const keys = new RecentKeys(10);
		expect(keys.remember('a')).toBe(true);
		expect(keys.remember('a')).toBe(false);
		expect(keys.remember('b')).toBe(true);
	});

	it('stays bounded, forgetting the oldest first', () => {
		const keys = new RecentKeys(3);
		for (const key of ['a', 'b', 'c', 'd']) keys.remember(key);
		expect(keys.size).toBe(3);
		expect(keys.has('a')).toBe(false);
		expect(keys.has('d')).toBe(true);
		expect(keys.remember('a')).toBe(true);
	});
});
