import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { AdaptiveConcurrency, runPooled } from '../helpers/adaptiveConcurrency';
import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../helpers/constants';
import { taskFailureMessage, toOutputJson } from '../helpers/outputItem';
import { isFinalStatus } from '../helpers/taskStatus';
import { hintForApiMessage, toNodeError } from '../transport/errorMapping';
import { downloadMasks } from '../transport/downloadMasks';
import type { TransportSettings } from '../transport/request';
import { InputError } from '../helpers/validation';
import * as imageRecognition from './imageRecognition';
import { readBatchSettings, readOptions, type Job, type OperationHandler, type RunContext } from './job';
import * as task from './task';
import { parkUntilCallbacks } from './callbackWait';
import { waitForTasks } from './waitForTasks';

type ItemError = NodeApiError | NodeOperationError;

const handlers: Record<string, Record<string, OperationHandler>> = {
	imageRecognition: imageRecognition.operations,
	task: task.operations,
};

function inputError(context: IExecuteFunctions, error: unknown, itemIndex: number): ItemError {
	if (error instanceof InputError) {
		return new NodeOperationError(context.getNode(), `${error.message} [item ${itemIndex}, field "${error.field}"]`, {
			itemIndex,
			description: error.hint,
		});
	}
	return toNodeError(context.getNode(), error, { itemIndex, action: 'reading the parameters' });
}

/** A task that ended without success is an error for an item that waited for it. */
function endedBadly(context: IExecuteFunctions, job: Job): ItemError | undefined {
	const ended = job.task;
	if (!job.wait || !ended || !isFinalStatus(ended.statusCode ?? undefined) || ended.status === 'succeeded') {
		return undefined;
	}
	const message = taskFailureMessage(ended, job.itemIndex);
	if (!message) return undefined;
	return new NodeApiError(
		context.getNode(),
		{ message, taskId: ended.taskId, status: ended.status, reason: ended.reason },
		{ message, description: hintForApiMessage(ended.reason), itemIndex: job.itemIndex },
	);
}

/** Result images of the succeeded tasks that asked for them, through the same pool. */
async function downloadResults(
	context: IExecuteFunctions,
	jobs: Job[],
	errors: Map<number, ItemError>,
	transport: TransportSettings,
	limiter: AdaptiveConcurrency,
): Promise<Map<number, IBinaryKeyData>> {
	const binaries = new Map<number, IBinaryKeyData>();
	const wanted = jobs.filter((job) => job.download && job.task?.status === 'succeeded' && !errors.has(job.itemIndex));
	await runPooled(wanted.length, limiter, async (index) => {
		const job = wanted[index];
		try {
			binaries.set(
				job.itemIndex,
				await downloadMasks(context, job.task!, job.context.controlType, {
					...job.download!,
					timeoutMs: transport.requestTimeoutMs,
					signal: transport.signal,
				}),
			);
		} catch (error) {
			errors.set(
				job.itemIndex,
				toNodeError(context.getNode(), error, {
					itemIndex: job.itemIndex,
					action: 'downloading the result image',
					taskId: job.task?.taskId,
				}),
			);
		}
	});
	return binaries;
}

function errorJson(error: ItemError, job: Job | undefined): IDataObject {
	const known = job?.task ? toOutputJson(job.task, job.context) : job ? { ...job.context } : {};
	return { ...known, error: error.message, ...(error.description ? { errorDescription: error.description } : {}) };
}

/**
 * Runs one resource/operation over all input items: validate every item before any request,
 * submit through one adaptive pool, wait for all tasks in one polling loop, then emit exactly
 * one output item per input item, in input order, paired to it.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = handlers[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const continueOnFail = this.continueOnFail();
	const errors = new Map<number, ItemError>();
	const jobs = new Map<number, Job>();

	let batch;
	try {
		batch = readBatchSettings(items.length > 0 ? readOptions(this, 0) : {});
	} catch (error) {
		throw inputError(this, error, 0);
	}
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const limiter = new AdaptiveConcurrency(batch.maxConcurrency);
	const transport: TransportSettings = {
		baseUrl: String(credentials.baseUrl || DEFAULT_BASE_URL),
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		retryBaseMs: 500,
		signal: this.getExecutionCancelSignal?.(),
		limiter,
	};
	const run: RunContext = { credentials, transport };

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			jobs.set(itemIndex, handler.prepare.call(this, itemIndex, run));
		} catch (error) {
			const itemError = inputError(this, error, itemIndex);
			if (!continueOnFail) throw itemError;
			errors.set(itemIndex, itemError);
		}
	}

	const started = [...jobs.values()];
	let stop = false;
	await runPooled(
		started.length,
		limiter,
		async (index) => {
			const job = started[index];
			try {
				job.task = await handler.start.call(this, job, run);
			} catch (error) {
				errors.set(job.itemIndex, toNodeError(this.getNode(), error, { itemIndex: job.itemIndex, action: job.action }));
				if (!continueOnFail) stop = true;
			}
		},
		() => stop,
	);
	// Without Continue On Fail, the first failing item (in input order) fails the node.
	const failOnFirstError = () => {
		if (!continueOnFail && errors.size > 0) throw errors.get(Math.min(...errors.keys()))!;
	};
	const outputItems = (binaries: Map<number, IBinaryKeyData>): INodeExecutionData[] =>
		items.map((_, itemIndex) => {
			const job = jobs.get(itemIndex);
			const error = errors.get(itemIndex);
			const json = error ? errorJson(error, job) : toOutputJson(job!.task!, job!.context);
			const binary = error ? undefined : binaries.get(itemIndex);
			return { json, ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
		});
	failOnFirstError();

	const parked = started.filter((job) => job.parkForCallback && job.task && !errors.has(job.itemIndex));
	if (parked.length > 0) {
		const deadline = Date.now() + Math.max(...parked.map((job) => job.wait?.timeoutMs ?? 0));
		return await parkUntilCallbacks.call(this, outputItems(new Map()), deadline);
	}

	const waiting = started.filter((job) => job.task && job.wait && !isFinalStatus(job.task.statusCode ?? undefined));
	const waitFailures = await waitForTasks.call(this, waiting, transport, limiter);
	for (const [itemIndex, error] of waitFailures) errors.set(itemIndex, error);
	for (const job of started) {
		const error = errors.has(job.itemIndex) ? undefined : endedBadly(this, job);
		if (error) errors.set(job.itemIndex, error);
	}
	failOnFirstError();

	const binaries = await downloadResults(this, started, errors, transport, limiter);
	failOnFirstError();
	return [outputItems(binaries)];
}
