import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { endedWithoutResult, isFinalStatus } from '../../shared/task/taskStatus';
import type { BatchItem } from '../item/batchItem';

/** What a try knew of one item's task: its id, or that its submit got no definite answer. */
interface Remembered {
	fingerprint: string;
	taskId?: string;
	/** The submit reached ToMoviee without a definite answer: a task may exist. */
	ambiguous?: boolean;
	endedBadly?: boolean;
}

const CONTEXT_KEY = 'submittedTasks';

type SubmitDecision = { kind: 'submit' } | { kind: 'reuse'; taskId: string } | { kind: 'ambiguous' };

/** The same body gives the same fingerprint: a retry of the same item. */
function fingerprintOf(body: IDataObject): string {
	return createHash('sha1').update(JSON.stringify(body)).digest('base64url');
}

/**
 * The tasks ToMoviee accepted in this run of the node, kept in the node's execution context.
 * n8n's Retry On Fail runs the node again with the same run index and the same context, so a
 * retry reuses every accepted task that has not ended badly instead of submitting (and
 * billing) it again. A later run of the node (a loop) has another run index and starts afresh.
 * Read while submitting (`decide`); written once, when the try ends (`remember`).
 */
export class RetryOnFailMemory {
	private readonly entries: Record<string, Remembered>;

	constructor(
		context: IExecuteFunctions,
		private readonly enabled: boolean,
	) {
		const nodeContext = context.getContext('node');
		const runIndex = enabled ? Number(context.getWorkflowDataProxy(0).$runIndex ?? 0) : 0;
		const stored = nodeContext[CONTEXT_KEY] as IDataObject | undefined;
		if (!enabled) {
			delete nodeContext[CONTEXT_KEY];
			this.entries = {};
		} else if (stored && stored.runIndex === runIndex && stored.entries && typeof stored.entries === 'object') {
			this.entries = stored.entries as Record<string, Remembered>;
		} else {
			this.entries = {};
			nodeContext[CONTEXT_KEY] = { runIndex, entries: this.entries };
		}
	}

	/** Submit anew, reuse the task of an earlier try, or refuse a resend that may bill twice. */
	decide(itemIndex: number, body: IDataObject, retryAmbiguous: boolean): SubmitDecision {
		const known = this.entries[itemIndex];
		// The body is hashed only for an item an earlier try left something for.
		if (!known || known.endedBadly || known.fingerprint !== fingerprintOf(body)) return { kind: 'submit' };
		if (known.taskId) return { kind: 'reuse', taskId: known.taskId };
		return known.ambiguous && !retryAmbiguous ? { kind: 'ambiguous' } : { kind: 'submit' };
	}

	/**
	 * What this try leaves for the next: each submitted item's task (and whether it ended without
	 * a result), or that its submit got no definite answer. A try that output every item without
	 * a failure (`succeeded`) leaves nothing: the saved execution stays small.
	 */
	remember(items: BatchItem[], succeeded: boolean): void {
		if (!this.enabled) return;
		if (succeeded) {
			for (const key of Object.keys(this.entries)) delete this.entries[key];
			return;
		}
		for (const item of items) {
			if (item.request?.kind !== 'submit') continue;
			const fingerprint = fingerprintOf(item.request.body);
			const { task, failure } = item;
			if (task) {
				const endedBadly = isFinalStatus(task.statusCode) && endedWithoutResult(task.status);
				this.entries[item.itemIndex] = { fingerprint, taskId: task.taskId, ...(endedBadly ? { endedBadly } : {}) };
			} else if (failure?.unanswered) {
				this.entries[item.itemIndex] = { fingerprint, ambiguous: true };
			}
		}
	}
}
