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
	/** Reported ended by a callback, not yet confirmed. */
	readonly claimed = new Set<string>();

	/** Confirmed ended by ToMoviee. */
	readonly ended = new Map<string, Task>();

	private readonly confirming = new Map<string, Promise<void>>();

	/** One pool for every request this process makes for the batch. */
	readonly limiter: AdaptiveConcurrency;

	private checkGeneration = 0;

	private checkDelayMs = CHECK_AFTER_MS;

	resumed = false;

	private indexes: Map<string, number> | undefined;

	constructor(maxConcurrency: number) {
		this.limiter = new AdaptiveConcurrency(maxConcurrency);
	}

	/** The item index of a task of the batch, or -1. */
	indexOf(batch: ParkedBatch, taskId: string): number {
		if (!this.indexes || this.indexes.size === 0) {
			this.indexes = new Map();
			batch.items.forEach((item, index) => item.taskId && this.indexes?.set(item.taskId, index));
		}
		return this.indexes.get(taskId) ?? -1;
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

	/** Looks a task up; an ended task is kept, a claim ToMoviee contradicts is dropped. Throws when ToMoviee cannot be asked. */
	async lookUp(context: IWebhookFunctions, taskId: string, transport: TransportSettings): Promise<Task> {
		const task = await queryTask(context, taskId, transport);
		if (isFinalStatus(task.statusCode)) this.ended.set(taskId, task);
		else this.claimed.delete(taskId);
		return task;
	}

	/** Every claim confirmed or dropped (claims whose background look-up failed are looked up now). */
	async settleClaims(context: IWebhookFunctions, transport: TransportSettings): Promise<void> {
		await Promise.all(this.confirming.values());
		const open = [...this.claimed].filter((taskId) => !this.ended.has(taskId));
		await Promise.all(open.map(async (taskId) => await this.lookUp(context, taskId, transport)));
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
