import { createHmac } from 'crypto';

import { isN8nResumeUrl, SIGNATURE_PARAM, signCallbackUrl, verifySignature } from '../../nodes/shared/callbacks/callbackSignature';

/** The signature signCallbackUrl puts on a URL. */
const computeSignature = (secret: string, url: string) => new URL(signCallbackUrl(url, secret)).searchParams.get(SIGNATURE_PARAM) ?? '';

const SECRET = 'app-secret';
const PUBLIC_URL = 'https://n8n.test/webhook/X/callback';

const hmac = (message: string, secret = SECRET): string => createHmac('sha256', secret).update(message).digest('base64url');
const signatureOf = (signedUrl: string): string | null => new URL(signedUrl).searchParams.get(SIGNATURE_PARAM);

describe('callback URL signature', () => {
	it('uses the tm_signature query parameter, not n8n\'s signature', () => {
		expect(SIGNATURE_PARAM).toBe('tm_signature');
		const signed = new URL(signCallbackUrl(PUBLIC_URL, SECRET));
		expect(signed.searchParams.has('tm_signature')).toBe(true);
		expect(signed.searchParams.has('signature')).toBe(false);
	});

	it('is base64url(HMAC-SHA256(secret, origin + pathname))', () => {
		const expected = hmac('https://n8n.test/webhook/X/callback');
		expect(computeSignature(SECRET, PUBLIC_URL)).toBe(expected);
		expect(computeSignature(SECRET, `${PUBLIC_URL}?row=7#frag`)).toBe(expected);
		expect(signatureOf(signCallbackUrl(PUBLIC_URL, SECRET))).toBe(expected);
		expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
	});

	it('covers the host: the path alone is not what is signed', () => {
		expect(computeSignature(SECRET, PUBLIC_URL)).not.toBe(hmac('/webhook/X/callback'));
		expect(verifySignature(SECRET, hmac('/webhook/X/callback'), PUBLIC_URL)).toBe(false);
	});

	it('a URL signed for another host does not open the trigger', () => {
		const evil = signatureOf(signCallbackUrl('https://evil.test/webhook/X/callback', SECRET));
		expect(verifySignature(SECRET, evil, PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, evil, 'https://evil.test/webhook/X/callback')).toBe(true);
	});

	it('another scheme or port is another origin', () => {
		expect(verifySignature(SECRET, computeSignature(SECRET, 'http://n8n.test/webhook/X/callback'), PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, computeSignature(SECRET, 'https://n8n.test:8443/webhook/X/callback'), PUBLIC_URL)).toBe(false);
	});

	it('normalises default ports and host case as the WHATWG URL does', () => {
		const signature = computeSignature(SECRET, 'HTTPS://N8N.Test:443/webhook/X/callback');
		expect(signature).toBe(computeSignature(SECRET, PUBLIC_URL));
		expect(verifySignature(SECRET, signature, PUBLIC_URL)).toBe(true);
		expect(verifySignature(SECRET, computeSignature(SECRET, PUBLIC_URL), 'https://n8n.TEST:443/webhook/X/callback')).toBe(true);
		expect(computeSignature(SECRET, 'http://n8n.test:80/a')).toBe(computeSignature(SECRET, 'http://n8n.test/a'));
	});

	it('keeps the user query and replaces an old signature', () => {
		const signed = new URL(signCallbackUrl(`${PUBLIC_URL}?row=7&sheet=a&tm_signature=old`, SECRET));
		expect(signed.searchParams.get('row')).toBe('7');
		expect(signed.searchParams.get('sheet')).toBe('a');
		expect(signed.searchParams.getAll(SIGNATURE_PARAM)).toEqual([computeSignature(SECRET, PUBLIC_URL)]);
		expect(signed.origin + signed.pathname).toBe(PUBLIC_URL);
	});

	it('verifies whatever other query parameters are added', () => {
		const signature = signatureOf(signCallbackUrl(`${PUBLIC_URL}?row=7`, SECRET));
		expect(verifySignature(SECRET, signature, PUBLIC_URL)).toBe(true);
		expect(verifySignature(SECRET, signature, `${PUBLIC_URL}?other=1`)).toBe(true);
	});

	it('rejects a tampered path, a tampered signature, another secret and a missing one', () => {
		const signature = computeSignature(SECRET, PUBLIC_URL);
		expect(verifySignature(SECRET, signature, 'https://n8n.test/webhook/other/callback')).toBe(false);
		expect(verifySignature(SECRET, `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`, PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, `${signature}A`, PUBLIC_URL)).toBe(false);
		expect(verifySignature('other-secret', signature, PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, undefined, PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, '', PUBLIC_URL)).toBe(false);
		expect(verifySignature(SECRET, [signature], PUBLIC_URL)).toBe(false);
		expect(verifySignature('', signature, PUBLIC_URL)).toBe(false);
		expect(verifySignature('', computeSignature('', PUBLIC_URL), PUBLIC_URL)).toBe(false);
	});

	it('refuses when the public URL is unknown or not a URL', () => {
		const signature = computeSignature(SECRET, PUBLIC_URL);
		expect(verifySignature(SECRET, signature, '')).toBe(false);
		expect(verifySignature(SECRET, signature, '/webhook/X/callback')).toBe(false);
	});

	it('normalises URL-encoding the same way on both sides', () => {
		const signature = signatureOf(signCallbackUrl('https://h.test/webhook/a b/callback', SECRET));
		expect(verifySignature(SECRET, signature, 'https://h.test/webhook/a%20b/callback')).toBe(true);
		expect(verifySignature(SECRET, signature, 'https://h.test/webhook/a b/callback')).toBe(true);
	});
});

describe('isN8nResumeUrl', () => {
	it.each([
		'https://n8n.test/webhook-waiting/123',
		'https://n8n.test/webhook-waiting/123/callback',
		'https://n8n.test/prefix/webhook-waiting/123',
		'https://n8n.test/form-waiting/5?signature=abc',
		'https://n8n.test/webhook/x/callback?signature=abc',
	])('treats %s as n8n\'s own', (url) => expect(isN8nResumeUrl(new URL(url))).toBe(true));

	it.each(['https://n8n.test/webhook/x/callback', 'https://n8n.test/webhook/x/callback?tm_signature=abc', 'https://n8n.test/webhook-test/x/callback'])(
		'signs %s',
		(url) => expect(isN8nResumeUrl(new URL(url))).toBe(false),
	);
});
