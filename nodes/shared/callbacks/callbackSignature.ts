import { createHmac, timingSafeEqual } from 'crypto';

/**
 * ToMoviee does not sign its callbacks, so the callback URL carries the proof instead:
 * tm_signature = base64url(HMAC-SHA256(app secret, origin + pathname)) of the WHATWG URL.
 * Binding the origin means a URL signed for another host never opens this trigger; the
 * user's own query parameters are kept and not signed.
 */
export const SIGNATURE_PARAM = 'tm_signature';

/** n8n's own resume token parameter: a URL carrying it is n8n's to check, not ours. */
const N8N_RESUME_TOKEN_PARAM = 'signature';

function signedPart(url: URL): string {
	return url.origin + url.pathname;
}

function computeSignature(secret: string, url: string): string {
	return createHmac('sha256', secret).update(signedPart(new URL(url))).digest('base64url');
}

/** An n8n resume URL (Wait node, $execution.resumeUrl) is sent as it is: n8n checks it itself. */
export function isN8nResumeUrl(url: URL): boolean {
	return url.pathname.includes('/webhook-waiting/') || url.searchParams.has(N8N_RESUME_TOKEN_PARAM);
}

export function signCallbackUrl(callbackUrl: string, secret: string): string {
	const url = new URL(callbackUrl);
	url.searchParams.set(SIGNATURE_PARAM, computeSignature(secret, callbackUrl));
	return url.toString();
}

/** Constant-time check of a signature against the receiver's own public URL. */
export function verifySignature(secret: string, signature: unknown, publicUrl: string): boolean {
	if (typeof signature !== 'string' || signature === '' || secret === '' || !URL.canParse(publicUrl)) return false;
	const given = Buffer.from(signature);
	const expected = Buffer.from(computeSignature(secret, publicUrl));
	return expected.length === given.length && timingSafeEqual(expected, given);
}
