import type { IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { BoundedCache } from '../../shared/callbacks/boundedCache';
import { AdaptiveConcurrency } from '../../shared/transport/concurrency';
import type { Task } from '../../shared/task/task';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { queryTask } from '../../shared/transport/api';
import type { TransportSettings } from '../../shared/transport/transportSettings';
import type { ParkedBatch } from './parkedRecord';
import { CheckSchedule } from './selfCheck';

/** A task is looked up at most once in this long, whatever callers post to the resume URL. */
const LOOK_UP_EVERY_MS = 5000;
const RESUME_GRACE_MS = 15_000;

/**
 * What this n8n process has learned about one parked batch from its callbacks. A callback
 * that reports a task ended is counted at once (a claim) and confirmed with ToMoviee in the
 * background; the batch resumes when every task is known ended, after every claim is confirmed.
 * A task is looked up at most once per LOOK_UP_EVERY_MS: callers cannot turn posts into
 * look-ups on the user's key. Callbacks may reach other n8n processes (queue mode, several
 * webhook processes), or be lost while n8n was still running the node: after parking, and when
 * a process has had no callback for a batch for a while, a check is posted to the resume URL
 * (`checks`, selfCheck.ts); its handler looks up the tasks no callback told it about.
 */
export class CallbackLedger {
	/** Reported ended by a callback, not yet confirmed. */
	readonly claimed = new Set<string>();

	/** Confirmed ended by ToMoviee. */
	readonly ended = new Map<string, Task>();

	private readonly lookingUp = new Map<string, Promise<Task>>();

	private readonly lookedUpAt = new Map<string, number>();

	/** One pool for every request this process makes for the batch. */
	readonly limiter: AdaptiveConcurrency;

	/** When this process posts its next check of the batch. */
	readonly checks = new CheckSchedule(() => this.resumed);

	/** A call of this process handed n8n the resume. */
	private resumed = false;

	/**
	 * When the call resuming the batch in this process returned (Infinity while it runs). n8n 1.x
	 * resumes once per call, so only one call may, and no second call downloads the results
	 * again. The claim lasts while that call runs and RESUME_GRACE_MS after a resume was handed to
	 * n8n, the time n8n takes to mark the execution running (from then on n8n answers 409 itself);
	 * the ledger is then forgotten. A resume n8n refused (2.x: 500, e.g. during its start-up
	 * recovery) is claimed again by the retry.
	 */
	private resumeClaimedAt: number | undefined;

	private taskIds: Set<string> | undefined;

	constructor(
		maxConcurrency: number,
		private readonly forget: () => void,
	) {
		this.limiter = new AdaptiveConcurrency(maxConcurrency);
	}

	/** Whether a task belongs to the batch. */
	includes(batch: ParkedBatch, taskId: string): boolean {
		this.taskIds ??= new Set(batch.items.flatMap((item) => (item.task && !item.failure ? [item.task.taskId] : [])));
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

	/** The claiming call returned: it kept the claim for the grace period only if it handed n8n the resume, then the ledger goes. */
	releaseResume(handedToN8n: boolean): void {
		this.resumed ||= handedToN8n;
		this.resumeClaimedAt = handedToN8n ? Date.now() : undefined;
		if (!handedToN8n) return;
		void (async () => {
			await sleep(RESUME_GRACE_MS);
			if (!this.isResuming) this.forget();
		})();
	}

	isKnown(taskId: string): boolean {
		return this.ended.has(taskId) || this.claimed.has(taskId);
	}

	/** Whether a look-up of this task may be sent now. */
	mayLookUp(taskId: string): boolean {
		const at = this.lookedUpAt.get(taskId);
		return at === undefined || Date.now() - at >= LOOK_UP_EVERY_MS;
	}

	/** When the next look-up of this task may be sent. */
	nextLookUpAt(taskId: string): number {
		return (this.lookedUpAt.get(taskId) ?? 0) + LOOK_UP_EVERY_MS;
	}

	/**
	 * Counts a reported end now; ToMoviee confirms it in the background (the answer does not
	 * wait). False when the task was looked up too recently to ask again: nothing is counted.
	 */
	claim(context: IWebhookFunctions, taskId: string, transport: TransportSettings): boolean {
		if (this.ended.has(taskId)) return true;
		if (!this.lookingUp.has(taskId) && !this.mayLookUp(taskId)) return false;
		this.claimed.add(taskId);
		// Left claimed when ToMoviee cannot be asked: looked up again before the batch resumes.
		this.lookUp(context, taskId, transport).catch(() => {});
		return true;
	}

	/**
	 * Looks a task up (joining a look-up under way): an ended task is kept, and its claim is
	 * settled. Undefined when the task was looked up less than LOOK_UP_EVERY_MS ago and is not
	 * known ended. Throws when ToMoviee cannot be asked.
	 */
	async lookUp(context: IWebhookFunctions, taskId: string, transport: TransportSettings): Promise<Task | undefined> {
		const known = this.ended.get(taskId);
		if (known) return known;
		const underWay = this.lookingUp.get(taskId);
		if (underWay) return await underWay;
		if (!this.mayLookUp(taskId)) return undefined;
		this.lookedUpAt.set(taskId, Date.now());
		const looking = (async () => {
			try {
				const task = await queryTask(context, taskId, transport);
				if (isFinalStatus(task.statusCode)) this.ended.set(taskId, task);
				this.claimed.delete(taskId);
				return task;
			} finally {
				this.lookingUp.delete(taskId);
			}
		})();
		this.lookingUp.set(taskId, looking);
		return await looking;
	}

	/** Every claim confirmed or dropped; false when a claim could not be looked up yet (it stays claimed). */
	async settleClaims(context: IWebhookFunctions, transport: TransportSettings): Promise<boolean> {
		await Promise.allSettled(this.lookingUp.values());
		const tasks = await Promise.all([...this.claimed].map(async (taskId) => await this.lookUp(context, taskId, transport)));
		return tasks.every((task) => task !== undefined);
	}
}

const ledgers = new BoundedCache<CallbackLedger>(1_000, (ledger) => ledger.isResuming);

export function ledgerOf(executionId: string, batch: ParkedBatch): CallbackLedger {
	let ledger = ledgers.get(executionId);
	if (!ledger) {
		const created = new CallbackLedger(batch.maxConcurrency, () => {
			if (ledgers.has(executionId) && ledgers.get(executionId) === created) ledgers.delete(executionId);
		});
		ledger = created;
		ledgers.set(executionId, ledger);
	}
	return ledger;
}
