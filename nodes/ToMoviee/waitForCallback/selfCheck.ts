import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import type { IExecuteFunctions, IWebhookFunctions, Logger } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { BoundedCache } from '../../shared/callbacks/boundedCache';

/**
 * The node's own check of a parked batch: a POST to the batch's resume URL with its token, so
 * that the process n8n routes it to looks up the tasks no callback told it about (callbacks
 * that reached another process, or came while the node was still running).
 */

/** The body of the node's own check: `{ [SELF_CHECK_KEY]: <the batch's token> }`. */
const SELF_CHECK_KEY = 'tomovieeLedgerCheck';

/** The first check comes this long after parking or after a process's last callback... */
const CHECK_AFTER_MS = 2000;
/** ...and each check that finds a task still running doubles the pause, up to this. */
const CHECK_AFTER_MAX_MS = 60_000;

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
	if (typeof body !== 'object' || body === null || !(SELF_CHECK_KEY in body)) return undefined;
	return { value: (body as Record<string, unknown>)[SELF_CHECK_KEY] };
}

/** What a pending check keeps: n8n's request helper and logger, not the request that armed it. */
interface CheckPoster {
	httpRequest: IWebhookFunctions['helpers']['httpRequest'];
	logger: Logger;
	executionId: string;
	resumeUrl: string;
	token: string | undefined;
}

function checkPosterOf(context: IExecuteFunctions | IWebhookFunctions, resumeUrl: string, token: string | undefined): CheckPoster {
	return { httpRequest: context.helpers.httpRequest, logger: context.logger, executionId: context.getExecutionId(), resumeUrl, token };
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
 * Posts the check to the resume URL. n8n's 409 "running already" (the parked run is not saved
 * yet, or another call resumes it) is tried again with back-off; 409 "finished" and 404 mean
 * the batch resumed or ended; any other failure is logged once per batch.
 */
async function postCheck(poster: CheckPoster): Promise<void> {
	for (let attempt = 0; ; attempt++) {
		let statusCode: number;
		let body: unknown;
		try {
			({ statusCode, body } = (await poster.httpRequest({
				method: 'POST',
				url: poster.resumeUrl,
				body: { [SELF_CHECK_KEY]: poster.token ?? true },
				json: true,
				timeout: 60_000,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number; body: unknown });
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

/** The first check after parking, for a batch whose callbacks all come while n8n is still running the node. */
export function checkAfterParking(context: IExecuteFunctions, resumeUrl: string, token: string): void {
	const poster = checkPosterOf(context, resumeUrl, token);
	void (async () => {
		await sleep(CHECK_AFTER_MS);
		await postCheck(poster);
	})();
}

/**
 * When this process posts its next check of one batch: after a quiet period with no callback,
 * or by a time a reported end can be looked up; one timer per batch, holding no request.
 */
export class CheckSchedule {
	private delayMs = CHECK_AFTER_MS;

	/** When the quiet period ends (pushed back by each callback)... */
	private quietUntil: number | undefined;

	/** ...and when a check is due at the latest (a claim that could not be looked up yet). */
	private checkBy: number | undefined;

	private running = false;

	private poster: CheckPoster | undefined;

	/** @param resumed whether the batch resumed meanwhile (no check then) */
	constructor(private readonly resumed: () => boolean) {}

	/** After a callback that left the batch open: a check once no callback came for the quiet period. */
	afterQuiet(context: IWebhookFunctions, resumeUrl: string | undefined, token: string | undefined): void {
		this.quietUntil = Date.now() + this.delayMs;
		this.start(context, resumeUrl, token);
	}

	/** After a check that found a task still running: the next after twice the pause, not before `notBefore`. */
	afterRunning(context: IWebhookFunctions, resumeUrl: string | undefined, token: string | undefined, notBefore: number): void {
		this.delayMs = Math.min(CHECK_AFTER_MAX_MS, this.delayMs * 2);
		this.quietUntil = Math.max(Date.now() + this.delayMs, notBefore);
		this.start(context, resumeUrl, token);
	}

	/** A check no later than `at` (a reported end that can be looked up only then). */
	by(context: IWebhookFunctions, resumeUrl: string | undefined, token: string | undefined, at: number): void {
		this.checkBy = Math.min(this.checkBy ?? Number.POSITIVE_INFINITY, at);
		this.start(context, resumeUrl, token);
	}

	private start(context: IWebhookFunctions, resumeUrl: string | undefined, token: string | undefined): void {
		if (!resumeUrl) return;
		this.poster = checkPosterOf(context, resumeUrl, token);
		if (this.running) return;
		this.running = true;
		void this.run();
	}

	private async run(): Promise<void> {
		for (;;) {
			const due = Math.min(this.quietUntil ?? Number.POSITIVE_INFINITY, this.checkBy ?? Number.POSITIVE_INFINITY);
			const wait = due - Date.now();
			if (wait <= 0) break;
			await sleep(Math.min(wait, CHECK_AFTER_MAX_MS));
		}
		const poster = this.poster;
		this.quietUntil = this.checkBy = this.poster = undefined;
		this.running = false;
		if (poster && !this.resumed()) await postCheck(poster);
	}
}
