import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../../shared/constants';
import { BoundedCache } from '../../shared/helpers/boundedCache';
import { parseCallbackBody } from '../../shared/helpers/callbackPayload';
import { isFinalStatus, parseStatusCode } from '../../shared/helpers/taskStatus';
import { finishItems } from '../../shared/results/finishItems';
import type { Outcome } from '../../shared/results/itemBuilder';
import { credentialOf, type TransportSettings } from '../../shared/transport/request';
import { isLedgerCheck, ledgerOf, type CallbackLedger } from './callbackLedger';
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

function transportOf(context: IWebhookFunctions, batch: ParkedBatch, credentials: ICredentialDataDecryptedObject, ledger: CallbackLedger): TransportSettings {
	const { baseUrl } = credentials;
	return {
		baseUrl: typeof baseUrl === 'string' && baseUrl !== '' ? baseUrl : DEFAULT_BASE_URL,
		credential: credentialOf(context, credentials),
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		limiter: ledger.limiter,
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

function cannotAsk(context: IWebhookFunctions): IWebhookResponseData {
	// This call may be the one that completes the batch: a non-2xx makes ToMoviee call again.
	return answer(context, 503, 'ToMoviee could not be asked about the tasks of this batch; try again');
}

/** The outcome of every item as far as this process knows, in item order (undefined: still open). */
function outcomesOf(context: IWebhookFunctions, batch: ParkedBatch, ledger: CallbackLedger): Array<Outcome | undefined> {
	return batch.items.map((item) => {
		const known = knownOutcome(context, item);
		if (known) return known;
		const task = item.taskId ? ledger.ended.get(item.taskId) : undefined;
		return task ? { task } : undefined;
	});
}

/** The tasks no callback to this process has reported ended (nor the parked record). */
function openTaskIds(batch: ParkedBatch, ledger: CallbackLedger): string[] {
	return batch.items.flatMap((item) => (item.taskId && !item.task && !item.error && !ledger.isKnown(item.taskId) ? [item.taskId] : []));
}

/**
 * Looks up open tasks, a few at a time, doubling while they have ended, until one is still
 * running (the batch stays parked) or none is left. Throws when ToMoviee cannot be asked.
 */
async function lookUpOpenTasks(context: IWebhookFunctions, taskIds: string[], ledger: CallbackLedger, transport: TransportSettings): Promise<boolean> {
	for (let from = 0, width = 1; from < taskIds.length; from += width, width *= 2) {
		const tasks = await Promise.all(taskIds.slice(from, from + width).map(async (taskId) => await ledger.lookUp(context, taskId, transport)));
		if (tasks.some((task) => !isFinalStatus(task.statusCode))) return false;
	}
	return true;
}

/**
 * A callback for one task of a parked batch. A reported end is counted at once and confirmed
 * with ToMoviee in the background, so a callback that does not complete the batch is answered
 * at once without waiting for ToMoviee; a callback without a known status has its task looked
 * up. The callback that leaves no task open resumes the execution, once every reported end is
 * confirmed (with n8n's answer: 2xx only when n8n has taken the resume). The node's own check
 * (posted by this or another n8n process after a quiet period) looks up the open tasks.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const body = this.getBodyData();
	const check = isLedgerCheck(body);
	const parsed = check ? undefined : parseCallbackBody(body);
	if (parsed && !parsed.ok) return answer(this, 400, parsed.reason);
	const batch = readParkedBatch(this);
	const executionId = this.getExecutionId();
	// Callbacks arriving while one of them resumes need no look-ups.
	if (isClaimed(executionId)) return busy(this);
	const reportedId = parsed?.ok ? parsed.task.taskId : undefined;
	const ledger = batch ? ledgerOf(executionId, batch) : undefined;
	if (!batch || !ledger || (reportedId !== undefined && ledger.indexOf(batch, reportedId) < 0)) {
		this.logger.warn('ToMoviee callback for a task that is not part of this waiting batch: ignored', { executionId, taskId: reportedId });
		return { webhookResponse: OK };
	}
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const transport = transportOf(this, batch, credentials, ledger);
	if (parsed?.ok && reportedId !== undefined && !ledger.ended.has(reportedId)) {
		const reported = parseStatusCode(parsed.reportedStatus);
		if (reported === undefined) {
			try {
				await ledger.lookUp(this, reportedId, transport);
			} catch {
				return cannotAsk(this);
			}
		} else if (isFinalStatus(reported)) {
			ledger.claim(this, reportedId, transport);
		}
	}
	const open = openTaskIds(batch, ledger);
	if (open.length > 0) {
		// Callbacks to other processes, or lost ones: the check asks ToMoviee, and so does a
		// batch parked by the previous release (no resume URL in its record).
		if (check || !batch.resumeUrl) {
			let allEnded = false;
			try {
				allEnded = await lookUpOpenTasks(this, open, ledger, transport);
			} catch {
				// A ToMoviee callback (a batch of the previous release) is asked to try again.
				if (!check) return cannotAsk(this);
			}
			if (!allEnded) {
				if (check && batch.resumeUrl) ledger.armCheck(this, batch.resumeUrl, { afterCheck: true });
				return { webhookResponse: OK };
			}
		} else {
			ledger.armCheck(this, batch.resumeUrl);
			return { webhookResponse: OK };
		}
	}
	return await resumeIfAllEnded(this, batch, ledger, transport, executionId);
}

async function resumeIfAllEnded(
	context: IWebhookFunctions,
	batch: ParkedBatch,
	ledger: CallbackLedger,
	transport: TransportSettings,
	executionId: string,
): Promise<IWebhookResponseData> {
	if (!claimResume(executionId)) return busy(context);
	let resumes = false;
	try {
		try {
			await ledger.settleClaims(context, transport);
		} catch {
			return cannotAsk(context);
		}
		const outcomes = outcomesOf(context, batch, ledger);
		// A reported end ToMoviee contradicts: that task's own callback comes later.
		if (outcomes.some((outcome) => outcome === undefined)) return { webhookResponse: OK };
		const plans = batch.items.map((item) => item.plan);
		const { items } = await finishItems(context, plans, outcomes as Outcome[], transport, batch.errorShape);
		ledger.resumed = true;
		resumes = true;
		return { workflowData: [items as INodeExecutionData[]], webhookResponse: OK as IDataObject };
	} finally {
		// Only a call that handed n8n the resume keeps the claim for the grace period.
		if (resumes) resuming.set(executionId, Date.now());
		else resuming.delete(executionId);
	}
}
