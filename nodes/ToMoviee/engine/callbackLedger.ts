import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { BoundedCache } from '../../shared/helpers/boundedCache';
import { AdaptiveConcurrency } from '../../shared/helpers/concurrency';
import type { Task } from '../../shared/helpers/taskResult';
import { isFinalStatus } from '../../shared/helpers/taskStatus';
import { queryTask } from '../../shared/transport/api';
import type { TransportSettings } from '../../shared/transport/request';
import type { ParkedBatch } from './parkedBatch';

/** The body of the node's own check, posted to the resume URL (see `armCheck`). */
export const LEDGER_CHECK_KEY = 'tomovieeLedgerCheck';
/** The first check comes this long after parking or after a process's last callback... */
export const CHECK_AFTER_MS = 2000;
/** ...and each check that finds a task still running doubles the pause, up to this. */
export const CHECK_AFTER_MAX_MS = 60_000;
const RESUME_GRACE_MS = 15_000;

/**
 * What this n8n process has learned about one parked batch from its callbacks. A callback
 * that reports a task ended is counted at once (a claim) and confirmed with ToMoviee in the
 * background; the batch resumes when every task is known ended, after every claim is confirmed.
 * Callbacks may reach other n8n processes (queue mode, several webhook processes), or be lost
 * while n8n was still running the node: after parking, and when a process has had no callback
 * for a batch for a while, a check is posted to the resume URL; its handler looks up the tasks
 * no callback told it about and, while one is still running, arms the next check with a longer
 * pause (CHECK_AFTER_MS doubling to CHECK_AFTER_MAX_MS), so a check costs a look-up or two.
 */
export class CallbackLedger {
	/** Reported ended by a callback, not yet looked up. */
	readonly claimed = new Set<string>();

	/** Confirmed ended by ToMoviee. */
	readonly ended = new Map<string, Task>();

	private readonly confirming = new Map<string, Promise<void>>();

	/** One pool for every request this process makes for the batch. */
	readonly limiter: AdaptiveConcurrency;

	private checkGeneration = 0;

	private checkDelayMs = CHECK_AFTER_MS;

	/** A call of this process handed n8n the resume. */
	resumed = false;

	/**
	 * When the call resuming the batch in this process returned (Infinity while it runs). n8n 1.x
	 * resumes once per call, so only one call may, and no second call downloads the results
	 * again. The claim lasts while that call runs and RESUME_GRACE_MS after a resume was handed to
	 * n8n, the time n8n takes to mark the execution running (from then on n8n answers 409 itself).
	 * A resume n8n refused (2.x: 500, e.g. during its start-up recovery) is claimed again by the retry.
	 */
	private resumeClaimedAt: number | undefined;

	private taskIds: Set<string> | undefined;

	constructor(maxConcurrency: number) {
		this.limiter = new AdaptiveConcurrency(maxConcurrency);
	}

	/** Whether a task belongs to the batch. */
	includes(batch: ParkedBatch, taskId: string): boolean {
		this.taskIds ??= new Set(batch.items.flatMap((item) => (item.taskId ? [item.taskId] : [])));
		return this.taskIds.has(taskId);
	}

	get isResuming(): boolean {
		return this.resumeClaimedAt !== undefined && Date.now() - this.resumeClaimedAt < RESUME_GRACE_MS;
	}

	/** Claims the resume for this call; false when another call holds it. */
	claimResume(): boolean {
		if (this.isResuming) return false;
		this.resumeClaimedAt = Number.POSITIVE_INFINITY;
		return true;
	}

	/** The claiming call returned: it kept the claim for the grace period only if it handed n8n the resume. */
	releaseResume(handedToN8n: boolean): void {
		this.resumed ||= handedToN8n;
		this.resumeClaimedAt = handedToN8n ? Date.now() : undefined;
	}

	isKnown(taskId: string): boolean {
		return this.ended.has(taskId) || this.claimed.has(taskId);
	}

	/** Counts a reported end now; ToMoviee confirms it in the background (the answer does not wait). */
	claim(context: IWebhookFunctions, taskId: string, transport: TransportSettings): void {
		if (this.ended.has(taskId)) return;
		this.claimed.add(taskId);
		if (!this.confirming.has(taskId)) {
			this.confirming.set(
				taskId,
				this.confirm(context, taskId, transport).finally(() => this.confirming.delete(taskId)),
			);
		}
	}

	/** Looks a task up: an ended task is kept, and its claim is settled either way. Throws when ToMoviee cannot be asked. */
	async lookUp(context: IWebhookFunctions, taskId: string, transport: TransportSettings): Promise<Task> {
		const task = await queryTask(context, taskId, transport);
		if (isFinalStatus(task.statusCode)) this.ended.set(taskId, task);
		this.claimed.delete(taskId);
		return task;
	}

	/** Every claim confirmed or dropped (claims whose background look-up failed are looked up now). */
	async settleClaims(context: IWebhookFunctions, transport: TransportSettings): Promise<void> {
		await Promise.all(this.confirming.values());
		await Promise.all([...this.claimed].map(async (taskId) => await this.lookUp(context, taskId, transport)));
	}

	/** (Re)starts the quiet-period timer: after a callback that left the batch open, or a check that did. */
	armCheck(context: IWebhookFunctions, resumeUrl: string, { afterCheck = false } = {}): void {
		if (afterCheck) this.checkDelayMs = Math.min(CHECK_AFTER_MAX_MS, this.checkDelayMs * 2);
		const generation = ++this.checkGeneration;
		void (async () => {
			await sleep(this.checkDelayMs);
			if (generation !== this.checkGeneration || this.resumed) return;
			await postCheck(context, resumeUrl);
		})();
	}

	private async confirm(context: IWebhookFunctions, taskId: string, transport: TransportSettings): Promise<void> {
		try {
			await this.lookUp(context, taskId, transport);
		} catch {
			// left claimed: looked up again before the batch resumes
		}
	}
}

const ledgers = new BoundedCache<CallbackLedger>(1_000);

export function ledgerOf(executionId: string, batch: ParkedBatch): CallbackLedger {
	let ledger = ledgers.get(executionId);
	if (!ledger) {
		ledger = new CallbackLedger(batch.maxConcurrency);
		ledgers.set(executionId, ledger);
	}
	return ledger;
}

export function isLedgerCheck(body: unknown): boolean {
	return typeof body === 'object' && body !== null && (body as Record<string, unknown>)[LEDGER_CHECK_KEY] === true;
}

/** Posts the node's check to the resume URL; a refusal means the batch resumed or stopped meanwhile. */
async function postCheck(context: IExecuteFunctions | IWebhookFunctions, resumeUrl: string): Promise<void> {
	try {
		await context.helpers.httpRequest({ method: 'POST', url: resumeUrl, body: { [LEDGER_CHECK_KEY]: true }, json: true, timeout: 60_000 });
	} catch {
		// n8n refused it (the batch resumed meanwhile: 409), or the URL is not reachable from here.
	}
}

/** The first check after parking, for a batch whose callbacks all come while n8n is still running the node. */
export function checkAfterParking(context: IExecuteFunctions, resumeUrl: string): void {
	void (async () => {
		await sleep(CHECK_AFTER_MS);
		await postCheck(context, resumeUrl);
	})();
}
