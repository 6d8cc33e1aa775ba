import type { IDataObject, IExecuteFunctions, IRunExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import type { DownloadSettings } from '../../shared/parameters/options';
import type { Task } from '../../shared/task/task';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { acceptedTask, type BatchItem } from '../item/batchItem';
import type { ErrorShape } from '../item/itemOutput';

/** A parked batch: its items, and what the resume needs to finish them. */
export interface ParkedBatch {
	errorShape: ErrorShape;
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
	/** The execution's resume URL, for the node's own check when callbacks went elsewhere (none in version 1). */
	resumeUrl?: string;
	/** The random token of the node's own checks (none before version 3). */
	checkToken?: string;
	items: BatchItem[];
}

/** One item as saved: its task id (a task still running), its ended task, or its error. */
interface StoredItem {
	taskId?: string;
	task?: Task;
	error?: { message: string; description?: string; errorCode?: string | number };
}

type ItemLabels = { fileLabel?: string; download?: DownloadSettings };

/**
 * As saved: n8n loads and parses the whole execution for every callback, so the record is kept
 * small: an item without what its position tells (item index), file label and download
 * settings stored once when every item has the same. Version 3 adds `checkToken`; 2 is read the
 * same way without it.
 */
interface StoredBatch extends Omit<ParkedBatch, 'items'> {
	version: 2 | 3;
	common: ItemLabels;
	items: Array<StoredItem & ItemLabels & { inputs: IDataObject }>;
}

/** The record of release 0.1.0, still read for executions it parked. */
interface StoredBatchV1 extends Omit<ParkedBatch, 'items' | 'resumeUrl' | 'checkToken'> {
	version: 1;
	items: Array<StoredItem & { plan: ItemLabels & { itemIndex: number; inputs: IDataObject; fileLabel: string } }>;
}

const CONTEXT_KEY = 'parkedBatch';

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function storedItem({ task, failure }: BatchItem): StoredItem {
	if (failure) {
		const { message, description } = failure.error;
		return { task, error: { message, ...(description ? { description } : {}), ...(failure.errorCode !== undefined ? { errorCode: failure.errorCode } : {}) } };
	}
	return { taskId: task?.taskId, ...(task && isFinalStatus(task.statusCode) ? { task } : {}) };
}

export function writeParkedBatch(context: IExecuteFunctions, batch: ParkedBatch & { resumeUrl: string; checkToken: string }): void {
	const [first] = batch.items;
	const common: ItemLabels = {};
	if (first && batch.items.every((item) => item.fileLabel === first.fileLabel)) common.fileLabel = first.fileLabel;
	if (first?.download && batch.items.every((item) => sameJson(item.download, first.download))) common.download = first.download;
	const { items, ...settings } = batch;
	const stored: StoredBatch = {
		version: 3,
		...settings,
		common,
		items: items.map((item) => ({
			...storedItem(item),
			inputs: item.inputs,
			...(common.fileLabel === undefined ? { fileLabel: item.fileLabel } : {}),
			...(common.download === undefined && item.download ? { download: item.download } : {}),
		})),
	};
	context.getContext('node')[CONTEXT_KEY] = stored as unknown as IDataObject;
}

/** A saved item as the batch item it was (an open task as accepted: a look tells more). */
function itemOf(context: IWebhookFunctions, itemIndex: number, saved: StoredItem, labels: Required<Pick<ItemLabels, 'fileLabel'>> & ItemLabels, inputs: IDataObject): BatchItem {
	const { error, task, taskId } = saved;
	const failure = error
		? { error: new NodeOperationError(context.getNode(), error.message, { itemIndex, description: error.description }), errorCode: error.errorCode }
		: undefined;
	return {
		itemIndex,
		inputs,
		fileLabel: labels.fileLabel,
		...(labels.download ? { download: labels.download } : {}),
		pollIntervalMs: 0,
		timeoutMs: 0,
		...(task ? { task } : taskId ? { task: acceptedTask(taskId) } : {}),
		...(failure ? { failure } : {}),
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
	const stored = NodeHelpers.getContext(runExecutionData, 'node', context.getNode())[CONTEXT_KEY] as StoredBatch | StoredBatchV1 | undefined;
	if (!stored || !Array.isArray(stored.items)) return undefined;
	if (stored.version === 2 || stored.version === 3) {
		const { errorShape, maxConcurrency, maxTries, requestTimeoutMs, resumeUrl, checkToken, common, items } = stored;
		return {
			errorShape,
			maxConcurrency,
			maxTries,
			requestTimeoutMs,
			resumeUrl,
			...(typeof checkToken === 'string' ? { checkToken } : {}),
			items: items.map(({ inputs, fileLabel, download, ...saved }, itemIndex) =>
				itemOf(context, itemIndex, saved, { fileLabel: (fileLabel ?? common.fileLabel) as string, download: download ?? common.download }, inputs),
			),
		};
	}
	if (stored.version === 1) {
		const { errorShape, maxConcurrency, maxTries, requestTimeoutMs, items } = stored;
		return { errorShape, maxConcurrency, maxTries, requestTimeoutMs, items: items.map(({ plan, ...saved }) => itemOf(context, plan.itemIndex, saved, plan, plan.inputs)) };
	}
	return undefined;
}
