import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { taskJson } from '../../shared/task/taskJson';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { runPooled } from '../../shared/transport/concurrency';
import { queryTask } from '../../shared/transport/api';
import type { TransportSettings } from '../../shared/transport/transportSettings';
import { recordTask, type BatchItem } from '../item/batchItem';
import { errorJson, type ErrorShape } from '../item/itemOutput';
import { writeParkedBatch } from './parkedRecord';
import { checkAfterParking, newCheckToken } from './selfCheck';

/** The resume URL ToMoviee calls back: this execution's, evaluated once for the batch. */
export function resumeUrlOf(context: IExecuteFunctions): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
}

/**
 * One look at every open task before parking: tasks that ended while the batch was being
 * submitted are known now, so no callback of theirs can be lost to the moment n8n refuses
 * calls to an execution that is still being parked. Failed looks leave the task as it was.
 */
export async function lookOnce(context: IExecuteFunctions, items: BatchItem[], transport: TransportSettings): Promise<void> {
	await runPooled(items.length, transport.limiter.max, async (index) => {
		const item = items[index];
		try {
			recordTask(context.getNode(), item, await queryTask(context, item.task!.taskId, transport), true);
		} catch {
			// The callback (or the look at resume) tells the outcome.
		}
	});
}

/** What the parked execution shows per item: n8n stores it, and loads it for every callback. */
function parkedJson(item: BatchItem): IDataObject {
	const { task, failure, inputs } = item;
	if (failure) return errorJson(failure, task, inputs, 'main');
	// A task still running shows its id, status and inputs only.
	if (task && isFinalStatus(task.statusCode)) return taskJson(task, inputs);
	return { taskId: task?.taskId, status: task?.status, ...inputs };
}

/**
 * Parks the execution until the last task calls back, or until the longest item Timeout. The
 * parked record holds the items for the resume. n8n resumes a timed-out wait by passing the
 * node's input items through, so each input item also gets its task's id and status written
 * into it (all fields when the task has ended).
 */
export async function parkBatch(
	context: IExecuteFunctions,
	items: BatchItem[],
	settings: { errorShape: ErrorShape; maxConcurrency: number; maxTries: number; requestTimeoutMs: number },
	resumeUrl: string,
): Promise<INodeExecutionData[][]> {
	// Only the node's own checks know it: a caller who holds the resume URL cannot make them.
	const checkToken = newCheckToken();
	const { errorShape, maxConcurrency, maxTries, requestTimeoutMs } = settings;
	writeParkedBatch(context, { errorShape, maxConcurrency, maxTries, requestTimeoutMs, resumeUrl, checkToken, items });
	// A copy of this node's input with the task fields, not a change of the shared input objects
	// (they are also the upstream node's saved output). The output while parked is the same
	// objects, which n8n then stores once.
	const executeData = context.getExecuteData();
	const input = executeData.data.main[0] ?? [];
	const passedOn = input.map((inputItem, itemIndex): INodeExecutionData => {
		const item = items[itemIndex];
		return item ? { ...inputItem, json: { ...inputItem.json, ...parkedJson(item) }, pairedItem: { item: itemIndex } } : inputItem;
	});
	executeData.data.main[0] = passedOn;
	// Until the longest Timeout of the items whose task was accepted.
	let longestTimeoutMs = 0;
	for (const item of items) if (item.task) longestTimeoutMs = Math.max(longestTimeoutMs, item.timeoutMs);
	await context.putExecutionToWait(new Date(Date.now() + longestTimeoutMs));
	checkAfterParking(context, resumeUrl, checkToken);
	return [passedOn];
}
