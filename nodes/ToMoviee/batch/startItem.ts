import type { IExecuteFunctions } from 'n8n-workflow';

import type { Task } from '../../shared/task/task';
import { endedWithoutResult } from '../../shared/task/taskStatus';
import type { ItemFailure, ItemPlan } from '../../shared/task/taskJson';
import { queryTask, submitTask } from '../../shared/transport/api';
import { apiCodeOf, toNodeError } from '../../shared/transport/errors';
import type { TransportSettings } from '../../shared/transport/request';
import { ToMovieeRequestFailure } from '../../shared/transport/requestFailure';
import type { Operation, PreparedItem, SubmitRequest } from '../actions/operation';
import { SubmittedTasks } from './retryOnFailMemory';

/** An item whose task ToMoviee has (accepted, or looked up). */
export interface StartedItem {
	prepared: PreparedItem;
	plan: ItemPlan;
	task: Task;
}

/** An item that ended with an error; the task is set when one is known. */
export interface FailedItem {
	plan: ItemPlan;
	failure: ItemFailure;
	task?: Task;
}

export interface StartDependencies {
	operation: Operation;
	transport: TransportSettings;
	memory: SubmittedTasks;
	waited: boolean;
}

export function acceptedTask(taskId: string): Task {
	return { taskId, status: 'queued', statusCode: 1, progress: 0, reason: '', resultUrls: [], result: null };
}

function failed(context: IExecuteFunctions, plan: ItemPlan, error: unknown, action: string, request?: SubmitRequest, taskId?: string): FailedItem {
	const itemError = toNodeError(context.getNode(), error, {
		itemIndex: plan.itemIndex,
		action,
		taskId,
		...(request
			? { submit: { label: request.label, callbackSet: typeof request.body.callback === 'string' }, wsidSent: request.wsidSent }
			: {}),
	});
	return { plan, failure: { error: itemError, errorCode: apiCodeOf(error) } };
}

async function submit(context: IExecuteFunctions, prepared: PreparedItem, request: SubmitRequest, plan: ItemPlan, deps: StartDependencies): Promise<StartedItem | FailedItem> {
	const { memory, transport } = deps;
	const fingerprint = SubmittedTasks.fingerprint(request.body);
	const decision = memory.decide(plan.itemIndex, fingerprint, transport.retryAmbiguousSubmits);
	if (decision.kind === 'reuse') {
		try {
			const task = await queryTask(context, decision.taskId, transport);
			if (!endedWithoutResult(task.status)) return { prepared, plan, task };
			memory.endedBadly(plan.itemIndex);
		} catch (error) {
			return failed(context, plan, error, 'looking up the task of an earlier try', undefined, decision.taskId);
		}
	}
	if (decision.kind === 'ambiguous') {
		const unanswered = new ToMovieeRequestFailure('network', 'Not sent again (an earlier try got no definite answer)', { tries: 1, ambiguous: true });
		return failed(context, plan, unanswered, 'submitting the task', request);
	}
	try {
		const taskId = await submitTask(context, request.capability, request.body, transport);
		memory.accepted(plan.itemIndex, fingerprint, taskId);
		return { prepared, plan, task: acceptedTask(taskId) };
	} catch (error) {
		if (error instanceof ToMovieeRequestFailure && error.details.ambiguous) memory.ambiguous(plan.itemIndex, fingerprint);
		return failed(context, plan, error, 'submitting the task', request);
	}
}

/** Creates the item's task (or, for Task > Get, looks it up). Never throws: failures are returned. */
export async function startItem(context: IExecuteFunctions, prepared: PreparedItem, deps: StartDependencies): Promise<StartedItem | FailedItem> {
	const plan: ItemPlan = { ...prepared.plan, waited: deps.waited };
	const { request } = prepared;
	if (request.kind === 'submit') return await submit(context, prepared, request, plan, deps);
	try {
		const task = await queryTask(context, request.taskId, deps.transport);
		const described = deps.operation.describeTask?.(task);
		return { prepared, plan: described ? { ...plan, ...described } : plan, task };
	} catch (error) {
		return failed(context, plan, error, `looking up task ${request.taskId}`, undefined, request.taskId);
	}
}

export function isStarted(item: StartedItem | FailedItem): item is StartedItem {
	return 'prepared' in item;
}
