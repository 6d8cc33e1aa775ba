import { timingSafeEqual, createHash, randomBytes } from 'crypto';
import type { IExecuteFunctions, IWebhookFunctions, Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { BoundedCache } from '../../shared/callbacks/boundedCache';

/** The body of the node's own check, posted to the resume URL: `{ [LEDGER_CHECK_KEY]: <the batch's token> }`. */
export const LEDGER_CHECK_KEY = 'tomovieeLedgerCheck';

/** n8n answers 409 "running already" until the parked run is saved: the check tries again this often, doubling. */
const RUNNING_ALREADY_RETRIES = 5;
const RUNNING_ALREADY_FIRST_PAUSE_MS = 1000;

/** A fresh random token for a batch's checks, kept in its parked record. */
export function newCheckToken(): string {
	return randomBytes(24).toString('base64url');
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether a check body comes from this batch's own node: its token, compared in constant time.
 * Records of earlier versions have no token; their checks carried `true`.
 */
export function checkTokenMatches(expected: string | undefined, given: unknown): boolean {
	if (expected === undefined) return given === true;
	return typeof given === 'string' && timingSafeEqual(digest(expected), digest(given));
}

/** The check's value in a body, or undefined when the body is not a check. */
export function checkValueOf(body: unknown): { value: unknown } | undefined {
	if (typeof body !== 'object' || body === null || !(LEDGER_CHECK_KEY in body)) return undefined;
	return { value: (body as Record<string, unknown>)[LEDGER_CHECK_KEY] };
}

type HttpRequest = IWebhookFunctions['helpers']['httpRequest'];

/** What a pending check keeps: n8n's request helper and logger, not the request that armed it. */
export interface CheckPoster {
	httpRequest: HttpRequest;
	logger: Logger;
	executionId: string;
	resumeUrl: string;
	token: string | undefined;
}

export function checkPosterOf(context: IExecuteFunctions | IWebhookFunctions, resumeUrl: string, token: string | undefined): CheckPoster {
	const { httpRequest } = context.helpers;
	return { httpRequest, logger: context.logger, executionId: context.getExecutionId(), resumeUrl, token };
}

/** Batches whose failing checks were already reported in this process. */
const warned = new BoundedCache<true>(1_000);

function warnOnce(poster: CheckPoster, what: string): void {
	if (warned.has(poster.executionId)) return;
	warned.set(poster.executionId, true);
	const url = new URL(poster.resumeUrl);
	poster.logger.warn(
		`ToMoviee: the check of a parked batch through its resume URL ${url.origin}${url.pathname} failed (${what}). ` +
			'Callbacks that reached another n8n process, or came while the node was still running, are then seen only at the next callback or at the Timeout. ' +
			'Make sure n8n can reach its own webhook URL (WEBHOOK_URL) from this process.',
		{ executionId: poster.executionId },
	);
}

function messageOf(body: unknown): string {
	if (typeof body === 'string') return body;
	const message = (body as { message?: unknown } | null)?.message;
	return typeof message === 'string' ? message : '';
}

/**
 * Posts the node's check to the resume URL. n8n's 409 "running already" (the parked run is not
 * saved yet, or another call resumes it) is tried again with back-off; 409 "finished" and 404
 * mean the batch resumed or ended; any other failure is logged once per batch.
 */
export async function postCheck(poster: CheckPoster): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		let statusCode: number;
		let body: unknown;
		try {
			const response = (await poster.httpRequest({
				method: 'POST',
				url: poster.resumeUrl,
				body: { [LEDGER_CHECK_KEY]: poster.token ?? true },
				json: true,
				timeout: 60_000,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number; body: unknown };
			({ statusCode, body } = response);
		} catch (error) {
			return warnOnce(poster, error instanceof Error ? error.message : String(error));
		}
		if (statusCode < 300 || statusCode === 404) return;
		const running = statusCode === 409 && /running/i.test(messageOf(body));
		if (!running) return statusCode === 409 ? undefined : warnOnce(poster, `HTTP ${statusCode} ${messageOf(body)}`.trim());
		// Still running after the retries: another call resumed the batch and the run goes on.
		if (attempt >= RUNNING_ALREADY_RETRIES) return;
		await sleep(RUNNING_ALREADY_FIRST_PAUSE_MS * 2 ** attempt);
	}
}
