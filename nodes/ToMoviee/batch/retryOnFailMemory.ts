import { createHash } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** What a run knew of one item's task: its id, and how it ended when it ended badly. */
interface Remembered {
	fingerprint: string;
	taskId?: string;
	/** The submit reached ToMoviee without a definite answer: a task may exist. */
	ambiguous?: boolean;
	endedBadly?: boolean;
}

const CONTEXT_KEY = 'submittedTasks';

export type Reuse = { kind: 'submit' } | { kind: 'reuse'; taskId: string } | { kind: 'ambiguous' };

/**
 * The tasks ToMoviee accepted in this run of the node, kept in the node's execution context.
 * n8n's Retry On Fail runs the node again with the same run index and the same context, so a
 * retry reuses every accepted task that has not ended badly instead of submitting (and
 * billing) it again. A later run of the node (a loop) has another run index and starts afresh.
 */
export class SubmittedTasks {
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

	static fingerprint(body: IDataObject): string {
		return createHash('sha1').update(JSON.stringify(body)).digest('base64url');
	}

	/** Submit anew, reuse the task of an earlier try, or refuse a resend that may bill twice. */
	decide(itemIndex: number, fingerprint: string, retryAmbiguous: boolean): Reuse {
		const known = this.entries[itemIndex];
		if (!known || known.fingerprint !== fingerprint || known.endedBadly) return { kind: 'submit' };
		if (known.taskId) return { kind: 'reuse', taskId: known.taskId };
		return known.ambiguous && !retryAmbiguous ? { kind: 'ambiguous' } : { kind: 'submit' };
	}

	accepted(itemIndex: number, fingerprint: string, taskId: string): void {
		if (this.enabled) this.entries[itemIndex] = { fingerprint, taskId };
	}

	ambiguous(itemIndex: number, fingerprint: string): void {
		if (this.enabled) this.entries[itemIndex] = { fingerprint, ambiguous: true };
	}

	/** A run without failures leaves nothing for a retry: keep the saved execution small. */
	clear(): void {
		for (const key of Object.keys(this.entries)) delete this.entries[key];
	}

	endedBadly(itemIndex: number): void {
		const known = this.entries[itemIndex];
		if (known) known.endedBadly = true;
	}
}
