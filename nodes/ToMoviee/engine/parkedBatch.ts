import type { IDataObject, IExecuteFunctions, IRunExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import type { Task } from '../../shared/helpers/taskResult';
import type { ErrorShape, ItemPlan, Outcome } from '../../shared/results/itemBuilder';

/** One input item of a parked batch: its task, or the error it ended with before parking. */
export interface ParkedItem {
	plan: ItemPlan;
	taskId?: string;
	/** Set when the task had already ended before parking. */
	task?: Task;
	error?: { message: string; description?: string; errorCode?: string | number };
}

/** What the resume needs, saved with the waiting execution in the node's execution context. */
export interface ParkedBatch {
	version: 1;
	errorShape: ErrorShape;
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
	items: ParkedItem[];
}

const CONTEXT_KEY = 'parkedBatch';

export function writeParkedBatch(context: IExecuteFunctions, batch: ParkedBatch): void {
	context.getContext('node')[CONTEXT_KEY] = batch as unknown as IDataObject;
}

/**
 * The parked batch, read in webhook(). n8n gives a waiting execution's data to the webhook
 * context but declares no getter for a node's execution context there, so this is the one
 * place that reads the field; test/engine/resume.test.ts fails if n8n moves it.
 */
export function readParkedBatch(context: IWebhookFunctions): ParkedBatch | undefined {
	const runExecutionData = (context as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	if (!runExecutionData?.executionData) return undefined;
	const stored = NodeHelpers.getContext(runExecutionData, 'node', context.getNode())[CONTEXT_KEY] as Partial<ParkedBatch> | undefined;
	return stored?.version === 1 && Array.isArray(stored.items) ? (stored as ParkedBatch) : undefined;
}

/** The outcome a parked item already has: its error from before parking, or its ended task. */
export function knownOutcome(context: IWebhookFunctions, item: ParkedItem): Outcome | undefined {
	if (item.error) {
		const error = new NodeOperationError(context.getNode(), item.error.message, { itemIndex: item.plan.itemIndex, description: item.error.description });
		return { task: item.task, failure: { error, errorCode: item.error.errorCode } };
	}
	return item.task ? { task: item.task } : undefined;
}
