import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../../shared/constants';
import { AdaptiveConcurrency, runPooled } from '../../shared/transport/concurrency';
import { isFinalStatus } from '../../shared/task/taskStatus';
import { finishItems } from '../item/finishItems';
import { judged, type ItemPlan, type Outcome } from '../../shared/task/taskJson';
import type { ItemError } from '../../shared/transport/errors';
import { transportWith, type TransportSettings } from '../../shared/transport/request';
import type { Operation, PreparedItem } from '../actions/operation';
import { lookOnce, parkBatch, resumeUrlOf } from '../waitForCallback/parkBatch';
import { BatchWatch } from '../poll/batchWatch';
import { inputErrorToNodeError, readBatchSettings, type BatchSettings } from './settings';
import { isStarted, startItem, type StartedItem } from './startItem';
import { SubmittedTasks } from './retryOnFailMemory';

const LISTED_TASK_IDS = 20;

/** The per-item results of one batch, each written once, plus the rule for failing fast. */
class BatchResults {
	readonly plans: ItemPlan[];

	readonly outcomes: Outcome[];

	firstFailure: ItemError | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		count: number,
		private readonly settings: BatchSettings,
		private readonly memory: SubmittedTasks,
		private readonly stop: AbortController,
	) {
		this.plans = new Array<ItemPlan>(count);
		this.outcomes = new Array<Outcome>(count);
	}

	record(plan: ItemPlan, outcome: Outcome): void {
		const final = judged(this.context.getNode(), plan, outcome);
		this.plans[plan.itemIndex] = plan;
		this.outcomes[plan.itemIndex] = final;
		if (final.task && final.failure && isFinalStatus(final.task.statusCode)) this.memory.endedBadly(plan.itemIndex);
		if (final.failure && !this.settings.continueOnFail && !this.firstFailure) {
			this.firstFailure = final.failure.error;
			this.stop.abort();
		}
	}

	get stopping(): boolean {
		return this.firstFailure !== undefined;
	}

	/** Without Continue On Fail the first failure fails the node, naming the tasks already billed. */
	throwIfFailed(): void {
		const error = this.firstFailure;
		if (!error) return;
		const taskIds = this.outcomes.flatMap((outcome) => (outcome?.task ? [outcome.task.taskId] : []));
		if (taskIds.length > 0) {
			const listed = taskIds.slice(0, LISTED_TASK_IDS).join(', ');
			const more = taskIds.length > LISTED_TASK_IDS ? ` and ${taskIds.length - LISTED_TASK_IDS} more` : '';
			error.description = `${error.description ? `${error.description} ` : ''}ToMoviee had already accepted ${taskIds.length} task(s) of this run, which run (and are billed) anyway: ${listed}${more}. Look them up with Task > Get.`;
		}
		throw error;
	}
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
function validateAll(
	context: IExecuteFunctions,
	operation: Operation,
	settings: BatchSettings,
	results: BatchResults,
	credentials: ICredentialDataDecryptedObject,
	resumeUrl: string | undefined,
): PreparedItem[] {
	const count = results.plans.length;
	const facts = { credentials, parksForCallbacks: settings.parksForCallbacks };
	const ready: PreparedItem[] = [];
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			const prepared = operation.prepare.call(context, itemIndex, facts);
			if (resumeUrl && prepared.request.kind === 'submit') prepared.request.body.callback = resumeUrl;
			ready.push(prepared);
		} catch (error) {
			const itemError = inputErrorToNodeError(context, error, itemIndex);
			if (!settings.continueOnFail) throw itemError;
			results.record({ itemIndex, inputs: {}, fileLabel: 'result', waited: settings.waitForCompletion }, { failure: { error: itemError } });
		}
	}
	return ready;
}

/**
 * The batch engine: validate every item, start every task through one adaptive pool (a polled
 * item starts waiting as soon as its task is accepted), then park until callbacks or finish:
 * judge, download and emit one output item per input item, in input order, paired to it.
 */
export async function runBatch(this: IExecuteFunctions, operation: Operation): Promise<INodeExecutionData[][]> {
	const count = this.getInputData().length;
	if (count === 0) return [[]];
	const settings = readBatchSettings(this, operation, count);
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const transport = transportFor(this, settings, credentials);
	const stop = new AbortController();
	transport.signal?.addEventListener('abort', () => stop.abort(), { once: true });
	const memory = new SubmittedTasks(this, settings.remembersTasks);
	const results = new BatchResults(this, count, settings, memory, stop);
	const resumeUrl = settings.parksForCallbacks ? resumeUrlOf(this) : undefined;
	const ready = validateAll(this, operation, settings, results, credentials, resumeUrl);

	const polls = settings.waitForCompletion && !settings.parksForCallbacks;
	const started: StartedItem[] = [];
	const waits: Array<Promise<void>> = [];
	const deps = { operation, transport, memory, waited: settings.waitForCompletion };
	const watch = polls ? new BatchWatch(this, transport, stop.signal) : undefined;
	try {
		await runPooled(ready.length, transport.limiter.max, async (index) => {
			const item = await startItem(this, ready[index], deps);
			if (!isStarted(item)) return results.record(item.plan, { task: item.task, failure: item.failure });
			if (watch) waits.push(watch.watch(item).then((outcome) => results.record(item.plan, outcome)));
			else if (settings.parksForCallbacks) started.push(item);
			else results.record(item.plan, { task: item.task });
		}, () => results.stopping);
	} finally {
		await watch?.close();
	}
	await Promise.all(waits);
	results.throwIfFailed();

	if (resumeUrl) {
		const seen = await lookOnce(this, started, transport);
		for (const item of seen) results.record(item.plan, { task: item.task });
		results.throwIfFailed();
		if (!seen.every((item) => isFinalStatus(item.task.statusCode))) {
			let longestMs = 0;
			for (const item of seen) longestMs = Math.max(longestMs, item.prepared.timeoutMs);
			return await parkBatch(this, results.plans, results.outcomes, settings, new Date(Date.now() + longestMs), resumeUrl);
		}
	}

	const finished = await finishItems(this, results.plans, results.outcomes, transport, settings.errorShape);
	for (const [index, outcome] of finished.outcomes.entries()) if (outcome.failure) results.record(results.plans[index], outcome);
	results.throwIfFailed();
	if (finished.outcomes.every((outcome) => !outcome.failure)) memory.clear();
	return [finished.items];
}
