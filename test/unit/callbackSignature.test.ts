import { createHmac } from 'crypto';

import { isN8nResumeUrl, SIGNATURE_PARAM, signCallbackUrl, verifySignature } from '../../nodes/shared/callbacks/callbackSignature';

const SECRET = 'app-secret';
const PUBLIC_URL = 'https://n8n.test/webhook/X/callback';

const hmac = (message: string, secret = SECRET): string => createHmac('sha256', secret).update(message).digest('base64url');
/** The signature signCallbackUrl puts on `url`. */
const signatureFor = (url: string, secret = SECRET): string => new URL(signCallbackUrl(url, secret)).searchParams.get(SIGNATURE_PARAM) ?? '';

describe('callback URL signature', () => {
	it("uses the tm_signature query parameter, not n8n's signature", () => {
		const signed = new URL(signCallbackUrl(PUBLIC_URL, SECRET));
		expect(signed.searchParams.has('tm_signature')).toBe(true);
		expect(signed.searchParams.has('signature')).toBe(false);
	});

	it('is base64url(HMAC-SHA256(secret, origin + pathname)), the host covered, query and fragment not', () => {
		const expected = hmac('https://n8n.test/webhook/X/callback');
		expect(signatureFor(PUBLIC_URL)).toBe(expected);
		expect(signatureFor(`${PUBLIC_URL}?row=7#frag`)).toBe(expected);
		expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(signatureFor(PUBLIC_URL)).not.toBe(hmac('/webhook/X/callback'));
	});

	it('normalises default ports and host case as the WHATWG URL does', () => {
		expect(signatureFor('HTTPS://N8N.Test:443/webhook/X/callback')).toBe(signatureFor(PUBLIC_URL));
		expect(signatureFor('http://n8n.test:80/a')).toBe(signatureFor('http://n8n.test/a'));
	});

	it('keeps the user query and replaces an old signature', () => {
		const signed = new URL(signCallbackUrl(`${PUBLIC_URL}?row=7&sheet=a&tm_signature=old`, SECRET));
		expect(signed.searchParams.get('row')).toBe('7');
		expect(signed.searchParams.get('sheet')).toBe('a');
		expect(signed.searchParams.getAll(SIGNATURE_PARAM)).toEqual([signatureFor(PUBLIC_URL)]);
		expect(signed.origin + signed.pathname).toBe(PUBLIC_URL);
	});
});

describe('verifySignature', () => {
	const good = signatureFor(PUBLIC_URL);
	const evil = signatureFor('https://evil.test/webhook/X/callback');

	it.each([
		['accepts the URL it signed', SECRET, good, PUBLIC_URL, true],
		['accepts whatever other query parameters are added', SECRET, signatureFor(`${PUBLIC_URL}?row=7`), `${PUBLIC_URL}?other=1`, true],
		['accepts the public URL with a default port and other host case', SECRET, signatureFor('HTTPS://N8N.Test:443/webhook/X/callback'), 'https://n8n.TEST:443/webhook/X/callback', true],
		['normalises URL-encoding the same way on both sides (encoded)', SECRET, signatureFor('https://h.test/webhook/a b/callback'), 'https://h.test/webhook/a%20b/callback', true],
		['normalises URL-encoding the same way on both sides (plain)', SECRET, signatureFor('https://h.test/webhook/a b/callback'), 'https://h.test/webhook/a b/callback', true],
		['accepts a URL signed for another host on that host', SECRET, evil, 'https://evil.test/webhook/X/callback', true],
		['refuses a URL signed for another host: it does not open the trigger', SECRET, evil, PUBLIC_URL, false],
		['refuses the path alone signed', SECRET, hmac('/webhook/X/callback'), PUBLIC_URL, false],
		['refuses another scheme: another origin', SECRET, signatureFor('http://n8n.test/webhook/X/callback'), PUBLIC_URL, false],
		['refuses another port: another origin', SECRET, signatureFor('https://n8n.test:8443/webhook/X/callback'), PUBLIC_URL, false],
		['refuses a tampered path', SECRET, good, 'https://n8n.test/webhook/other/callback', false],
		['refuses a tampered signature', SECRET, `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`, PUBLIC_URL, false],
		['refuses a longer signature', SECRET, `${good}A`, PUBLIC_URL, false],
		['refuses another secret', 'other-secret', good, PUBLIC_URL, false],
		['refuses a missing signature', SECRET, undefined, PUBLIC_URL, false],
		['refuses an empty signature', SECRET, '', PUBLIC_URL, false],
		['refuses a repeated signature parameter', SECRET, [good], PUBLIC_URL, false],
		['refuses without a secret', '', good, PUBLIC_URL, false],
		['refuses a signature made with an empty secret', '', signatureFor(PUBLIC_URL, ''), PUBLIC_URL, false],
		['refuses when the public URL is unknown', SECRET, good, '', false],
		['refuses when the public URL is not a URL', SECRET, good, '/webhook/X/callback', false],
	])('%s', (_rule, secret, signature, publicUrl, valid) => expect(verifySignature(secret, signature, publicUrl)).toBe(valid));
});

describe('isN8nResumeUrl', () => {
	it.each([
		'https://n8n.test/webhook-waiting/123',
		'https://n8n.test/webhook-waiting/123/callback',
		'https://n8n.test/prefix/webhook-waiting/123',
		'https://n8n.test/form-waiting/5?signature=abc',
		'https://n8n.test/webhook/x/callback?signature=abc',
	])("treats %s as n8n's own", (url) => expect(isN8nResumeUrl(new URL(url))).toBe(true));

	it.each(['https://n8n.test/webhook/x/callback', 'https://n8n.test/webhook/x/callback?tm_signature=abc', 'https://n8n.test/webhook-test/x/callback'])('signs %s', (url) =>
		expect(isN8nResumeUrl(new URL(url))).toBe(false),
	);
});
