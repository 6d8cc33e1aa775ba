import type { INodeCredentialTestResult } from 'n8n-workflow';

const REJECTION_WORDS = /app.?key|secret|signature|sign|auth|credential|unauthori[sz]ed|forbidden|permission|access.?key|invalid.?key|token|签名|密钥|秘钥|鉴权|认证|授权/i;
const REJECTED = 'ToMoviee rejected the app key/secret';
const CHECK_BOTH = 'Check both values (the secret is called app_crit in the ToMoviee console).';

/**
 * What the gateway's answer to a look-up of a task that cannot exist says about the key pair:
 * 401/403, or a code whose message speaks of the key, secret, signature or authorization, is a
 * rejection; "task not found" (or any answer past the gateway's check) shows it accepted them.
 */
export function credentialVerdict(statusCode: number, body: unknown): INodeCredentialTestResult {
	const { code, msg } = body && typeof body === 'object' ? (body as { code?: unknown; msg?: unknown }) : {};
	const message = typeof msg === 'string' ? msg : '';
	if (statusCode === 401 || statusCode === 403) {
		return { status: 'Error', message: `${REJECTED} (HTTP ${statusCode}${message ? `: ${message}` : ''}). ${CHECK_BOTH}` };
	}
	if (statusCode >= 300 && statusCode < 400) {
		return { status: 'Error', message: `The Base URL answered with a redirect (HTTP ${statusCode}): set it to the address the gateway answers on.` };
	}
	if (statusCode >= 400) {
		return { status: 'Error', message: `ToMoviee answered HTTP ${statusCode}${message ? `: ${message}` : ''}; the credential could not be checked. Try again later.` };
	}
	const nonZero = code !== undefined && code !== null && code !== '' && Number(code) !== 0;
	if (nonZero && REJECTION_WORDS.test(message)) {
		return { status: 'Error', message: `${REJECTED}: ${message} (code ${String(code)}). ${CHECK_BOTH}` };
	}
	return { status: 'OK', message: 'ToMoviee accepted the app key and secret' };
}
