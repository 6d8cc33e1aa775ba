import type { IExecuteFunctions } from 'n8n-workflow';

import { endedWithoutResult } from '../../shared/task/taskStatus';
import { queryTask, submitTask } from '../../shared/transport/api';
import { apiCodeOf, toNodeError } from '../../shared/transport/errors';
import type { TransportSettings } from '../../shared/transport/transportSettings';
import { ToMovieeRequestFailure } from '../../shared/transport/requestFailure';
import { acceptedTask, recordFailure, recordTask, type BatchItem, type SubmitRequest } from '../item/batchItem';
import type { RetryOnFailMemory } from './retryOnFailMemory';

/** What starting an item needs from its batch. */
interface StartSettings {
	transport: TransportSettings;
	retryOnFailMemory: RetryOnFailMemory;
	/** Wait for Completion: a task that ended without a result fails the item. */
	waited: boolean;
}

function fail(context: IExecuteFunctions, item: BatchItem, error: unknown, action: string, taskId?: string): void {
	const request = item.request?.kind === 'submit' ? item.request : undefined;
	const itemError = toNodeError(context.getNode(), error, {
		itemIndex: item.itemIndex,
		action,
		taskId,
		...(request && !taskId
			? { submit: { label: request.label, callbackSet: typeof request.body.callback === 'string' }, wsidSent: request.wsidSent }
			: {}),
	});
	// Only a submit can leave a task behind without an answer; a failed look-up leaves what the memory knows.
	const unanswered = request !== undefined && !taskId && error instanceof ToMovieeRequestFailure && error.details.ambiguous === true;
	recordFailure(item, { error: itemError, errorCode: apiCodeOf(error), ...(unanswered ? { unanswered } : {}) });
}

async function submit(context: IExecuteFunctions, item: BatchItem, request: SubmitRequest, settings: StartSettings): Promise<void> {
	const { transport } = settings;
	const decision = settings.retryOnFailMemory.decide(item.itemIndex, request.body, transport.retryAmbiguousSubmits);
	if (decision.kind === 'reuse') {
		try {
			const task = await queryTask(context, decision.taskId, transport);
			// Ended badly at ToMoviee: submitted anew below.
			if (!endedWithoutResult(task.status)) return recordTask(context.getNode(), item, task, settings.waited);
		} catch (error) {
			return fail(context, item, error, 'looking up the task of an earlier try', decision.taskId);
		}
	}
	if (decision.kind === 'ambiguous') {
		const unanswered = new ToMovieeRequestFailure('network', 'Not sent again (an earlier try got no definite answer)', { tries: 1, ambiguous: true });
		return fail(context, item, unanswered, 'submitting the task');
	}
	try {
		const taskId = await submitTask(context, request.capability, request.body, transport);
		recordTask(context.getNode(), item, acceptedTask(taskId), settings.waited);
	} catch (error) {
		fail(context, item, error, 'submitting the task');
	}
}

/** Creates the item's task (or, for Task > Get, looks it up). Never throws: a failure is recorded on the item. */
export async function startItem(context: IExecuteFunctions, item: BatchItem, settings: StartSettings): Promise<void> {
	const { request } = item;
	if (request?.kind === 'submit') return await submit(context, item, request, settings);
	if (request?.kind !== 'lookup') return;
	try {
		recordTask(context.getNode(), item, await queryTask(context, request.taskId, settings.transport), settings.waited);
	} catch (error) {
		fail(context, item, error, `looking up task ${request.taskId}`, request.taskId);
	}
}
