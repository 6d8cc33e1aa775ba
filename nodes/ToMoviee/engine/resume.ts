import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../../shared/constants';
import { BoundedCache } from '../../shared/helpers/boundedCache';
import { parseCallbackBody } from '../../shared/helpers/callbackPayload';
import { AdaptiveConcurrency } from '../../shared/helpers/concurrency';
import type { Task } from '../../shared/helpers/taskResult';
import { isFinalStatus } from '../../shared/helpers/taskStatus';
import { finishItems } from '../../shared/results/finishItems';
import type { Outcome } from '../../shared/results/itemBuilder';
import { queryTask } from '../../shared/transport/api';
import { credentialOf, type TransportSettings } from '../../shared/transport/request';
import { knownOutcome, readParkedBatch, type ParkedBatch } from './parkedBatch';

const OK = { code: 0, msg: 'ok' };

/** The node's one webhook: n8n routes POSTs to a waiting execution's resume URL to it. */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		// With onReceived n8n 2.x answers only once it has accepted the resume, and an empty
		// responseData makes it answer the webhookResponse as JSON (not "firstEntryJson").
		responseMode: 'onReceived',
		responseData: '',
		path: '',
		isFullPath: true,
		restartWebhook: true,
	},
];

/**
 * Tasks seen ended, per execution, in this process: later callbacks of the batch need not
 * look them up again. Ended tasks never change, so an entry cannot mislead.
 */
const endedTasks = new BoundedCache<Task>(50_000);
/**
 * Executions this process is resuming, with the time the resuming call returned (Infinity while
 * it runs): n8n 1.x resumes once per call, so only one call may, and no second call downloads
 * the results again. The claim lasts while that call runs and RESUME_GRACE_MS after, the time
 * n8n takes to mark the execution running (from then on n8n itself answers 409). A resume that
 * n8n refused (2.x: 500, e.g. during its start-up recovery) can then be claimed by the retry.
 */
const resuming = new BoundedCache<number>(1_000);
const RESUME_GRACE_MS = 15_000;

function answer(context: IWebhookFunctions, status: number, msg: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ code: status, msg });
	return { noWebhookResponse: true };
}

function transportOf(context: IWebhookFunctions, batch: ParkedBatch, credentials: ICredentialDataDecryptedObject): TransportSettings {
	const { baseUrl } = credentials;
	return {
		baseUrl: typeof baseUrl === 'string' && baseUrl !== '' ? baseUrl : DEFAULT_BASE_URL,
		credential: credentialOf(context, credentials),
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		limiter: new AdaptiveConcurrency(batch.maxConcurrency),
		retryAmbiguousSubmits: false,
	};
}

function isClaimed(executionId: string): boolean {
	const returnedAt = resuming.get(executionId);
	return returnedAt !== undefined && Date.now() - returnedAt < RESUME_GRACE_MS;
}

/** Claims the resume of an execution for this call; false when another call holds it. */
function claimResume(executionId: string): boolean {
	if (isClaimed(executionId)) return false;
	resuming.set(executionId, Number.POSITIVE_INFINITY);
	return true;
}

/**
 * Another call is resuming the execution. Not an OK: that would end ToMoviee's retries, and the
 * other call's resume may still be refused by n8n; once n8n has taken it, n8n answers 409 itself.
 */
function busy(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 409, 'another callback is resuming this execution; try again');
}

/**
 * A callback for one task of a parked batch. The reported task is always looked up (the body
 * is not believed). The execution resumes only when every task has ended: the other tasks are
 * looked up in turn, stopping at the first still running, so a callback that does not end the
 * batch costs one or two look-ups and is answered at once.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const parsed = parseCallbackBody(this.getBodyData());
	if (!parsed.ok) return answer(this, 400, parsed.reason);
	const batch = readParkedBatch(this);
	const executionId = this.getExecutionId();
	// Callbacks arriving while one of them resumes need no look-ups.
	if (isClaimed(executionId)) return busy(this);
	const reportedId = parsed.task.taskId;
	const reportedIndex = batch ? batch.items.findIndex((item) => item.taskId === reportedId) : -1;
	if (!batch || reportedIndex < 0) {
		this.logger.warn('ToMoviee callback for a task that is not part of this waiting batch: ignored', { executionId, taskId: reportedId });
		return { webhookResponse: OK };
	}
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const transport = transportOf(this, batch, credentials);
	const outcomes = new Map<number, Outcome>();
	const order = [...batch.items.keys()];
	const checkOrder = [...order.slice(reportedIndex), ...order.slice(0, reportedIndex)];
	for (const index of checkOrder) {
		const item = batch.items[index];
		const known = knownOutcome(this, item) ?? (item.taskId ? cachedOutcome(executionId, item.taskId) : undefined);
		if (known && index !== reportedIndex) {
			outcomes.set(index, known);
			continue;
		}
		let task: Task;
		try {
			task = await queryTask(this, item.taskId ?? reportedId, transport);
		} catch {
			// A task cannot be looked up now, so this callback may be the one that completes the
			// batch: a non-2xx makes ToMoviee call again (an OK could leave the batch parked).
			return answer(this, 503, 'ToMoviee could not be asked about the tasks of this batch; try again');
		}
		if (!isFinalStatus(task.statusCode)) return { webhookResponse: OK };
		endedTasks.set(`${executionId}:${task.taskId}`, task);
		outcomes.set(index, { task });
	}
	if (!claimResume(executionId)) return busy(this);
	try {
		const plans = batch.items.map((item) => item.plan);
		const all = batch.items.map((_, index) => outcomes.get(index) as Outcome);
		const { items } = await finishItems(this, plans, all, transport, batch.errorShape);
		return { workflowData: [items as INodeExecutionData[]], webhookResponse: OK as IDataObject };
	} finally {
		resuming.set(executionId, Date.now());
	}
}

function cachedOutcome(executionId: string, taskId: string): Outcome | undefined {
	const task = endedTasks.get(`${executionId}:${taskId}`);
	return task ? { task } : undefined;
}
