import type { IDataObject, IExecuteFunctions, IRunExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import type { Task } from '../../shared/task/task';
import type { ErrorShape, ItemPlan, Outcome } from '../../shared/task/taskJson';

/** One input item of a parked batch: its task, or the error it ended with before parking. */
export interface ParkedItem {
	plan: ItemPlan;
	taskId?: string;
	/** Set when the task had already ended before parking. */
	task?: Task;
	error?: { message: string; description?: string; errorCode?: string | number };
}

/** What the resume needs, as the webhook reads it. */
export interface ParkedBatch {
	errorShape: ErrorShape;
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
	/** The execution's resume URL, for the node's own check when callbacks went elsewhere (none in version 1). */
	resumeUrl?: string;
	/** The random token of the node's own checks (none before version 3). */
	checkToken?: string;
	items: ParkedItem[];
}

/**
 * As saved: n8n loads and parses the whole execution for every callback, so the record is kept
 * small: an item's plan without what the position and the batch already tell (item index,
 * "waited"), file label and download settings stored once when every item has the same.
 */
interface StoredBatch {
	/** 3 adds `checkToken`; 2 is read the same way without it. */
	version: 2 | 3;
	errorShape: ErrorShape;
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
	resumeUrl: string;
	checkToken?: string;
	common: Partial<Pick<ItemPlan, 'fileLabel' | 'download'>>;
	items: Array<Omit<ParkedItem, 'plan'> & { inputs: ItemPlan['inputs'] } & Partial<Pick<ItemPlan, 'fileLabel' | 'download'>>>;
}

/** The record of the previous release, still read for executions it parked. */
interface StoredBatchV1 extends Omit<ParkedBatch, 'resumeUrl'> {
	version: 1;
}

const CONTEXT_KEY = 'parkedBatch';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function writeParkedBatch(context: IExecuteFunctions, batch: ParkedBatch & { resumeUrl: string; checkToken: string }): void {
	const first = batch.items[0]?.plan;
	const common: StoredBatch['common'] = {};
	if (first && batch.items.every((item) => item.plan.fileLabel === first.fileLabel)) common.fileLabel = first.fileLabel;
	if (first?.download && batch.items.every((item) => sameJson(item.plan.download, first.download))) common.download = first.download;
	const stored: StoredBatch = {
		version: 3,
		errorShape: batch.errorShape,
		maxConcurrency: batch.maxConcurrency,
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		resumeUrl: batch.resumeUrl,
		checkToken: batch.checkToken,
		common,
		items: batch.items.map(({ plan, ...rest }) => ({
			...rest,
			inputs: plan.inputs,
			...(common.fileLabel === undefined ? { fileLabel: plan.fileLabel } : {}),
			...(common.download === undefined && plan.download ? { download: plan.download } : {}),
		})),
	};
	context.getContext('node')[CONTEXT_KEY] = stored as unknown as IDataObject;
}

function fromStored(stored: StoredBatch): ParkedBatch {
	const { common } = stored;
	return {
		errorShape: stored.errorShape,
		maxConcurrency: stored.maxConcurrency,
		maxTries: stored.maxTries,
		requestTimeoutMs: stored.requestTimeoutMs,
		resumeUrl: stored.resumeUrl,
		...(typeof stored.checkToken === 'string' ? { checkToken: stored.checkToken } : {}),
		items: stored.items.map(({ inputs, fileLabel, download, ...rest }, itemIndex) => ({
			...rest,
			plan: {
				itemIndex,
				inputs,
				fileLabel: (fileLabel ?? common.fileLabel) as string,
				...((download ?? common.download) ? { download: download ?? common.download } : {}),
				waited: true,
			},
		})),
	};
}

/**
 * The parked batch, read in webhook(). n8n gives a waiting execution's data to the webhook
 * context but declares no getter for a node's execution context there, so this is the one
 * place that reads the field; test/engine/resume.test.ts fails if n8n moves it.
 */
export function readParkedBatch(context: IWebhookFunctions): ParkedBatch | undefined {
	const runExecutionData = (context as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	if (!runExecutionData?.executionData) return undefined;
	const stored = NodeHelpers.getContext(runExecutionData, 'node', context.getNode())[CONTEXT_KEY] as Partial<StoredBatch | StoredBatchV1> | undefined;
	if (!stored || !Array.isArray(stored.items)) return undefined;
	if (stored.version === 2 || stored.version === 3) return fromStored(stored as StoredBatch);
	if (stored.version === 1) return stored as StoredBatchV1;
	return undefined;
}

/** The outcome a parked item already has: its error from before parking, or its ended task. */
export function knownOutcome(context: IWebhookFunctions, item: ParkedItem): Outcome | undefined {
	if (item.error) {
		const error = new NodeOperationError(context.getNode(), item.error.message, { itemIndex: item.plan.itemIndex, description: item.error.description });
		return { task: item.task, failure: { error, errorCode: item.error.errorCode } };
	}
	return item.task ? { task: item.task } : undefined;
}
