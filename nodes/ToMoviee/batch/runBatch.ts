import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../../shared/constants';
import { AdaptiveConcurrency, runPooled } from '../../shared/transport/concurrency';
import type { ItemError } from '../../shared/transport/errors';
import { transportWith, type TransportSettings } from '../../shared/transport/transportSettings';
import type { Operation } from '../actions/operation';
import { finishItems } from '../item/finishItems';
import { invalidItem, isOpen, newItem, type BatchItem } from '../item/batchItem';
import { BatchWatch } from '../poll/batchWatch';
import { lookOnce, parkBatch, resumeUrlOf } from '../waitForCallback/parkBatch';
import { RetryOnFailMemory } from './retryOnFailMemory';
import { inputErrorToNodeError, readBatchSettings, type BatchSettings } from './settings';
import { startItem } from './startItem';

const LISTED_TASK_IDS = 20;

/** The first failure fails the node (without Continue On Fail), naming the tasks already billed. */
function throwFirstFailure(items: BatchItem[], firstFailure: ItemError | undefined): void {
	if (!firstFailure) return;
	const taskIds = items.flatMap((item) => (item.task ? [item.task.taskId] : []));
	if (taskIds.length > 0) {
		const listed = taskIds.slice(0, LISTED_TASK_IDS).join(', ');
		const more = taskIds.length > LISTED_TASK_IDS ? ` and ${taskIds.length - LISTED_TASK_IDS} more` : '';
		firstFailure.description = `${firstFailure.description ? `${firstFailure.description} ` : ''}ToMoviee had already accepted ${taskIds.length} task(s) of this run, which run (and are billed) anyway: ${listed}${more}. Look them up with Task > Get.`;
	}
	throw firstFailure;
}

function transportFor(context: IExecuteFunctions, settings: BatchSettings, credentials: ICredentialDataDecryptedObject): TransportSettings {
	return transportWith(context, credentials, {
		maxTries: settings.maxTries,
		requestTimeoutMs: settings.requestTimeoutMs,
		limiter: new AdaptiveConcurrency(settings.maxConcurrency),
		retryAmbiguousSubmits: settings.retryAmbiguousSubmits,
		signal: context.getExecutionCancelSignal?.(),
	});
}

/** Phase 1: every item is validated before any request; a bad item fails alone or fails the node. */
function validateAll(context: IExecuteFunctions, operation: Operation, settings: BatchSettings, credentials: ICredentialDataDecryptedObject, resumeUrl: string | undefined): BatchItem[] {
	const count = context.getInputData().length;
	const items: BatchItem[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			items.push(newItem(itemIndex, operation.prepare.call(context, itemIndex, { credentials, resumeUrl })));
		} catch (error) {
			const itemError = inputErrorToNodeError(context, error, itemIndex);
			if (!settings.continueOnFail) throw itemError;
			items.push(invalidItem(itemIndex, itemError));
		}
	}
	return items;
}

/**
 * The batch: validate every item, start every task through one adaptive pool (a polled item
 * starts waiting as soon as its task is accepted), then park until callbacks or finish:
 * download and emit one output item per input item, in input order, paired to it. Without
 * Continue On Fail the first failed item stops the rest and fails the node.
 */
export async function runBatch(this: IExecuteFunctions, operation: Operation): Promise<INodeExecutionData[][]> {
	const count = this.getInputData().length;
	if (count === 0) return [[]];
	const settings = readBatchSettings(this, operation, count);
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const transport = transportFor(this, settings, credentials);
	const resumeUrl = settings.parksForCallbacks ? resumeUrlOf(this) : undefined;
	const items = validateAll(this, operation, settings, credentials, resumeUrl);
	const retryOnFailMemory = new RetryOnFailMemory(this, settings.remembersTasks);
	const stop = new AbortController();
	transport.signal?.addEventListener('abort', () => stop.abort(), { once: true });
	let firstFailure: ItemError | undefined;
	let succeeded = false;
	const failFast = (item: BatchItem) => {
		if (!item.failure || settings.continueOnFail || firstFailure) return;
		firstFailure = item.failure.error;
		stop.abort();
	};

	try {
		const waited = settings.waitForCompletion;
		const watch = waited && !settings.parksForCallbacks ? new BatchWatch(this, transport, stop.signal) : undefined;
		const waits: Array<Promise<void>> = [];
		const ready = items.filter((item) => !item.failure);
		try {
			await runPooled(ready.length, transport.limiter.max, async (index) => {
				const item = ready[index];
				await startItem(this, item, { transport, retryOnFailMemory, waited });
				if (watch && isOpen(item)) waits.push(watch.watch(item).then(() => failFast(item)));
				else failFast(item);
			}, () => firstFailure !== undefined);
		} finally {
			await watch?.close();
		}
		await Promise.all(waits);
		throwFirstFailure(items, firstFailure);

		if (resumeUrl) {
			await lookOnce(this, items.filter(isOpen), transport);
			for (const item of items) failFast(item);
			throwFirstFailure(items, firstFailure);
			if (items.some(isOpen)) return await parkBatch(this, items, settings, resumeUrl);
		}

		const output = await finishItems(this, items, transport, settings.errorShape);
		for (const item of items) failFast(item);
		throwFirstFailure(items, firstFailure);
		succeeded = items.every((item) => !item.failure);
		return [output];
	} finally {
		retryOnFailMemory.remember(items, succeeded);
	}
}
