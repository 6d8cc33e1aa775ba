/**
 * When an answer of the gateway means "wrong app key/secret". What ToMoviee answers to a wrong
 * pair is not documented: HTTP 401/403, a business code known to mean it, or a non-zero code whose
 * message speaks of the key, secret, signature or authorization.
 */

/** Codes known to mean a rejected key pair (HTTP-like codes in a 200 body, and the gateway's). */
export const AUTH_FAILURE_CODES: readonly number[] = [401, 403, 40101, 40103, 680008];

const REJECTION_WORDS = /app.?key|secret|app_crit|signature|\bauth|credential|unauthori[sz]ed|access.?key|invalid.?key|签名|密钥|秘钥|鉴权|认证|授权/i;
/** Messages about the account behind a valid key ("wsid does not belong to this app key"). */
const ACCOUNT_WORDS = /wsid|user.?id|balance|quota|余额/i;

export const CREDENTIAL_REJECTED = 'ToMoviee rejected the app key/secret';

export const CHECK_CREDENTIAL =
	'Check the app key and the app secret in the ToMoviee API credential (the secret is called app_crit in the ToMoviee console).';

export interface GatewayAnswer {
	httpCode?: number;
	apiCode?: string | number;
	apiMessage?: string;
}

/** A business code ToMoviee means as "failure": anything but 0 (number or text), when present. */
export function isNonZeroCode(code: unknown): boolean {
	return code !== undefined && code !== null && code !== '' && Number(code) !== 0;
}

export function isCredentialRejection({ httpCode, apiCode, apiMessage }: GatewayAnswer): boolean {
	if (httpCode === 401 || httpCode === 403) return true;
	if (!isNonZeroCode(apiCode)) return false;
	const message = apiMessage ?? '';
	return AUTH_FAILURE_CODES.includes(Number(apiCode)) || (REJECTION_WORDS.test(message) && !ACCOUNT_WORDS.test(message));
}

/** "ToMoviee rejected the app key/secret (HTTP 401: invalid app key)" or "(code 680008: …)". */
export function describeRejection({ httpCode, apiCode, apiMessage }: GatewayAnswer): string {
	const what = httpCode !== undefined && (httpCode < 200 || httpCode >= 300) ? `HTTP ${httpCode}` : `code ${String(apiCode)}`;
	return `${CREDENTIAL_REJECTED} (${what}${apiMessage ? `: ${apiMessage}` : ''})`;
}
