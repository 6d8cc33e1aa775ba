import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runPooled } from '../../shared/transport/concurrency';
import type { Task } from '../../shared/task/task';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { errorJson, taskJson, type ItemPlan, type Outcome } from '../../shared/task/taskJson';
import { queryTask } from '../../shared/transport/api';
import type { TransportSettings } from '../../shared/transport/request';
import { checkAfterParking } from './confirmReportedEnds';
import { writeParkedBatch, type ParkedItem } from './parkedRecord';
import { newCheckToken } from './selfCheck';
import type { BatchSettings } from '../batch/settings';
import type { StartedItem } from '../batch/startItem';

/** The resume URL ToMoviee calls back: this execution's, evaluated once for the batch. */
export function resumeUrlOf(context: IExecuteFunctions): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0));
}

/**
 * One look at every accepted task before parking: tasks that ended while the batch was being
 * submitted are known now, so no callback of theirs can be lost to the moment n8n refuses
 * calls to an execution that is still being parked. Failed looks leave the task as it was.
 */
export async function lookOnce(context: IExecuteFunctions, started: StartedItem[], transport: TransportSettings): Promise<StartedItem[]> {
	const seen = [...started];
	await runPooled(started.length, transport.limiter.max, async (index) => {
		const item = started[index];
		if (isFinalStatus(item.task.statusCode)) return;
		try {
			seen[index] = { ...item, task: await queryTask(context, item.task.taskId, transport) };
		} catch {
			// The callback (or the look at resume) tells the outcome.
		}
	});
	return seen;
}

/** While parked, a task still running shows its id, status and inputs only (n8n stores this output, and loads it for every callback). */
function parkedJson(task: Task, inputs: IDataObject): IDataObject {
	return { taskId: task.taskId, status: task.status, ...inputs };
}

/**
 * Parks the execution until the last task calls back, or until the longest item Timeout. The
 * batch record holds what the resume needs. n8n resumes a timed-out wait by passing the node's
 * input items through, so each input item also gets its task's id and status written into it
 * (all fields when the task has ended). n8n loads the whole execution for every callback: what
 * is saved here is kept to what the resume and a Timeout need.
 */
export async function parkBatch(
	context: IExecuteFunctions,
	plans: ItemPlan[],
	outcomes: Outcome[],
	settings: BatchSettings,
	until: Date,
	resumeUrl: string,
): Promise<INodeExecutionData[][]> {
	const items: ParkedItem[] = plans.map((plan, index) => {
		const { task, failure } = outcomes[index];
		if (failure) {
			const { message, description } = failure.error;
			return { plan, task, error: { message, ...(description ? { description } : {}), ...(failure.errorCode !== undefined ? { errorCode: failure.errorCode } : {}) } };
		}
		return { plan, taskId: task.taskId, ...(isFinalStatus(task.statusCode) ? { task } : {}) };
	});
	// Only the node's own checks know it: a caller who holds the resume URL cannot make them.
	const checkToken = newCheckToken();
	writeParkedBatch(context, {
		errorShape: settings.errorShape,
		maxConcurrency: settings.maxConcurrency,
		maxTries: settings.maxTries,
		requestTimeoutMs: settings.requestTimeoutMs,
		resumeUrl,
		checkToken,
		items,
	});
	const shown = plans.map((plan, index): IDataObject => {
		const { task, failure } = outcomes[index];
		if (failure) return errorJson(failure, task, plan.inputs, 'main');
		return isFinalStatus(task.statusCode) ? taskJson(task, plan.inputs) : parkedJson(task, plan.inputs);
	});
	// A copy of this node's input with the task fields, not a change of the shared input objects
	// (they are also the upstream node's saved output). The output while parked is the same
	// objects, which n8n then stores once.
	const executeData = context.getExecuteData();
	const input = executeData.data.main[0] ?? [];
	// Plans are in input order, one per input item.
	const passedOn = input.map((item, itemIndex): INodeExecutionData =>
		shown[itemIndex] ? { ...item, json: { ...item.json, ...shown[itemIndex] }, pairedItem: { item: itemIndex } } : item,
	);
	executeData.data.main[0] = passedOn;
	await context.putExecutionToWait(until);
	checkAfterParking(context, resumeUrl, checkToken);
	return [passedOn];
}
