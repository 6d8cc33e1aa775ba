import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { runPooled, type AdaptiveConcurrency } from '../helpers/adaptiveConcurrency';
import { nextPollDelayMs } from '../helpers/pollingSchedule';
import { isFinalStatus } from '../helpers/taskStatus';
import { toNodeError } from '../transport/errorMapping';
import type { TransportSettings } from '../transport/request';
import type { Job } from './job';
import { queryTask } from './task/queryTask';

type ItemError = ReturnType<typeof toNodeError>;

interface PendingTask {
	job: Job;
	queries: number;
	nextCheckAt: number;
	deadline: number;
}

function timeoutError(context: IExecuteFunctions, job: Job): NodeOperationError {
	const seconds = Math.round((job.wait?.timeoutMs ?? 0) / 1000);
	const task = job.task;
	return new NodeOperationError(
		context.getNode(),
		`ToMoviee task ${task?.taskId} was still ${task?.status ?? 'running'} when the ${seconds} s timeout passed [item ${job.itemIndex}]`,
		{
			itemIndex: job.itemIndex,
			description:
				'The task may still finish: look it up later with Task > Get, receive it with a ToMoviee Trigger, or raise the Timeout option.',
		},
	);
}

/**
 * One polling loop for every waiting task: each task is checked on its own backoff schedule,
 * finished tasks leave at once, and the loop ends at each task's deadline or on cancel.
 * Returns the items that failed while waiting (timeout, query error, cancel).
 */
export async function waitForTasks(
	this: IExecuteFunctions,
	jobs: Job[],
	transport: TransportSettings,
	limiter: AdaptiveConcurrency,
): Promise<Map<number, ItemError>> {
	const failures = new Map<number, ItemError>();
	const startedAt = Date.now();
	let pending: PendingTask[] = jobs.map((job) => ({
		job,
		queries: 0,
		nextCheckAt: startedAt + nextPollDelayMs(0, job.wait!.pollIntervalMs),
		deadline: startedAt + job.wait!.timeoutMs,
	}));
	for (const entry of pending) entry.nextCheckAt = Math.min(entry.nextCheckAt, entry.deadline);

	while (pending.length > 0) {
		if (transport.signal?.aborted) {
			for (const { job } of pending) {
				failures.set(job.itemIndex, toNodeError(this.getNode(), new Error('The execution was cancelled'), {
					itemIndex: job.itemIndex,
					action: 'waiting for the task',
					taskId: job.task?.taskId,
				}));
			}
			break;
		}
		const now = Date.now();
		const due = pending.filter((entry) => entry.nextCheckAt <= now);
		if (due.length === 0) {
			const wakeAt = Math.min(...pending.map((entry) => entry.nextCheckAt));
			try {
				await sleep(Math.max(1, wakeAt - now), transport.signal);
			} catch {
				// Cancelled: the next turn of the loop reports it.
			}
			continue;
		}

		const finished = new Set<PendingTask>();
		await runPooled(due.length, limiter, async (index) => {
			const entry = due[index];
			const { job } = entry;
			try {
				job.task = await queryTask.call(this, job.task!.taskId, transport);
				entry.queries++;
			} catch (error) {
				failures.set(job.itemIndex, toNodeError(this.getNode(), error, {
					itemIndex: job.itemIndex,
					action: `querying task ${job.task?.taskId}`,
					taskId: job.task?.taskId,
				}));
				finished.add(entry);
				return;
			}
			const checkedAt = Date.now();
			if (isFinalStatus(job.task.statusCode ?? undefined)) {
				finished.add(entry);
			} else if (checkedAt >= entry.deadline) {
				failures.set(job.itemIndex, timeoutError(this, job));
				finished.add(entry);
			} else {
				entry.nextCheckAt = Math.min(checkedAt + nextPollDelayMs(entry.queries, job.wait!.pollIntervalMs), entry.deadline);
			}
		});
		pending = pending.filter((entry) => !finished.has(entry));
	}
	return failures;
}
