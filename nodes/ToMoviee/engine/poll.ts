import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pause } from '../../shared/helpers/pause';
import { nextPollDelayMs } from '../../shared/helpers/pollingSchedule';
import { isFinalStatus } from '../../shared/helpers/taskStatus';
import type { Outcome } from '../../shared/results/itemBuilder';
import { queryTask } from '../../shared/transport/api';
import { toNodeError } from '../../shared/transport/errors';
import type { TransportSettings } from '../../shared/transport/request';
import type { StartedItem } from './startTasks';

function timedOut(context: IExecuteFunctions, item: StartedItem, lastFailure: string | undefined): Outcome {
	const { task, plan, prepared } = item;
	const seconds = Math.round(prepared.timeoutMs / 1000);
	const lastLook = lastFailure ? ` The last status look-up failed: ${lastFailure}.` : '';
	const error = new NodeOperationError(
		context.getNode(),
		`ToMoviee task ${task.taskId} was still ${task.status} when the ${seconds} s timeout passed [item ${plan.itemIndex}]`,
		{
			itemIndex: plan.itemIndex,
			description: `The task may still finish: look it up later with Task > Get, receive it with a ToMoviee Trigger, or raise the Timeout option.${lastLook}`,
		},
	);
	return { task, failure: { error } };
}

/**
 * Looks at one task until it ends: a quick first look, then backing off to the Poll Interval.
 * A look-up that fails (after its own tries) is tried again at the next poll, so an outage
 * shorter than the Timeout loses nothing; only the Timeout or Stop end the wait.
 */
export async function pollUntilEnded(
	context: IExecuteFunctions,
	item: StartedItem,
	transport: TransportSettings,
	stopSignal: AbortSignal,
): Promise<Outcome> {
	const { pollIntervalMs, timeoutMs } = item.prepared;
	const deadline = Date.now() + timeoutMs;
	let { task } = item;
	let looks = 0;
	let lastFailure: string | undefined;
	while (!isFinalStatus(task.statusCode)) {
		const now = Date.now();
		if (now >= deadline) return timedOut(context, { ...item, task }, lastFailure);
		if (await pause(Math.min(nextPollDelayMs(looks, pollIntervalMs), deadline - now), stopSignal)) {
			const error = toNodeError(context.getNode(), new Error('The execution was stopped'), {
				itemIndex: item.plan.itemIndex,
				action: 'waiting for the task',
				taskId: task.taskId,
			});
			return { task, failure: { error } };
		}
		looks++;
		try {
			task = await queryTask(context, task.taskId, transport);
			lastFailure = undefined;
		} catch (error) {
			if (stopSignal.aborted) continue;
			lastFailure = toNodeError(context.getNode(), error, { itemIndex: item.plan.itemIndex, action: 'looking up the task', taskId: task.taskId }).message;
		}
	}
	return { task };
}
