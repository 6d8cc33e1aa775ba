import { createHmac, timingSafeEqual } from 'crypto';

/**
 * ToMoviee does not sign its callbacks, so the callback URL carries the proof instead:
 * signature = base64url(HMAC-SHA256(appSecret, pathname)). Only the path is signed so the
 * user's own query parameters survive untouched.
 */
export const SIGNATURE_PARAM = 'signature';

/** The pathname as the WHATWG URL parser normalizes it, so both sides hash the same bytes. */
export function normalizePath(pathOrUrl: string): string {
	const url = new URL(pathOrUrl, 'http://localhost');
	return url.pathname;
}

export function computeSignature(secret: string, pathOrUrl: string): string {
	return createHmac('sha256', secret).update(normalizePath(pathOrUrl)).digest('base64url');
}

export function signCallbackUrl(callbackUrl: string, secret: string): string {
	const url = new URL(callbackUrl);
	url.searchParams.set(SIGNATURE_PARAM, computeSignature(secret, url.pathname));
	return url.toString();
}

/** Constant-time check against each path the request may have been signed for. */
export function verifySignature(secret: string, signature: unknown, candidatePaths: string[]): boolean {
	if (typeof signature !== 'string' || signature === '' || secret === '') return false;
	const given = Buffer.from(signature);
	let matched = false;
	for (const path of new Set(candidatePaths.map(normalizePath))) {
		const expected = Buffer.from(computeSignature(secret, path));
		if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
	}
	return matched;
}
