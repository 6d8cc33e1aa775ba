import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../../shared/constants';
import { loggableTaskId, readCallbackHeader, requestBodySize } from '../../shared/callbacks/callbackLimits';
import { isFinalStatus, parseStatusCode } from '../../shared/task/taskStatus';
import { finishItems } from '../item/finishItems';
import type { Outcome } from '../../shared/task/taskJson';
import { transportWith, type TransportSettings } from '../../shared/transport/request';
import { ledgerOf, type CallbackLedger } from './confirmReportedEnds';
import { knownOutcome, readParkedBatch, type ParkedBatch } from './parkedRecord';
import { checkTokenMatches, checkValueOf } from './selfCheck';

const OK = { code: 0, msg: 'ok' };

/** A ToMoviee callback is a few hundred bytes: anything much larger is refused before it is read. */
export const RESUME_BODY_MAX_BYTES = 64 * 1024;

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

function answer(context: IWebhookFunctions, status: number, msg: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ code: status, msg });
	return { noWebhookResponse: true };
}

function transportOf(context: IWebhookFunctions, batch: ParkedBatch, credentials: ICredentialDataDecryptedObject, ledger: CallbackLedger): TransportSettings {
	return transportWith(context, credentials, {
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		limiter: ledger.limiter,
		retryAmbiguousSubmits: false,
	});
}

/**
 * Another call is resuming the execution. Not an OK: that would end ToMoviee's retries, and the
 * other call's resume may still be refused by n8n; once n8n has taken it, n8n answers 409 itself.
 */
function busy(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 409, 'another callback is resuming this execution; try again');
}

function ignored(context: IWebhookFunctions, executionId: string, taskId: string | undefined): IWebhookResponseData {
	context.logger.warn('ToMoviee callback for a task that is not part of this waiting batch: ignored', {
		executionId,
		...(taskId !== undefined ? { taskId: loggableTaskId(taskId) } : {}),
	});
	return { webhookResponse: OK };
}

function cannotAsk(context: IWebhookFunctions): IWebhookResponseData {
	// This call may be the one that completes the batch: a non-2xx makes ToMoviee call again.
	return answer(context, 503, 'ToMoviee could not be asked about the tasks of this batch; try again');
}

/** The task was looked up a moment ago: asking again now would only spend the user's quota. */
function askedRecently(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 503, 'this task was looked up a moment ago; try again in a few seconds');
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
 * running or was looked up a moment ago (the batch stays parked) or none is left. Throws when
 * ToMoviee cannot be asked.
 */
async function lookUpOpenTasks(context: IWebhookFunctions, taskIds: string[], ledger: CallbackLedger, transport: TransportSettings): Promise<boolean> {
	for (let from = 0, width = 1; from < taskIds.length; from += width, width *= 2) {
		const tasks = await Promise.all(taskIds.slice(from, from + width).map(async (taskId) => await ledger.lookUp(context, taskId, transport)));
		if (tasks.some((task) => !task || !isFinalStatus(task.statusCode))) return false;
	}
	return true;
}

/**
 * A callback for one task of a parked batch. Before anything else: the body's size (capped),
 * then only its task id and status, or the check's token. A reported end is counted at once
 * and confirmed with ToMoviee in the background, so a callback that does not complete the batch
 * is answered at once without waiting for ToMoviee; a callback without a known status has its
 * task looked up. A task is looked up at most once per few seconds, whatever callers send. The
 * callback that leaves no task open resumes the execution, once every reported end is confirmed
 * (with n8n's answer: 2xx only when n8n has taken the resume). The node's own check (posted by
 * this or another n8n process after a quiet period, with the batch's token) looks up the open tasks.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	if (requestBodySize(this) > RESUME_BODY_MAX_BYTES) {
		return answer(this, 413, `the callback body is larger than ${RESUME_BODY_MAX_BYTES / 1024} KB`);
	}
	const body = this.getBodyData() as unknown;
	const batch = readParkedBatch(this);
	const executionId = this.getExecutionId();
	const check = checkValueOf(body);
	if (check && !checkTokenMatches(batch?.checkToken, check.value)) return answer(this, 403, 'not a check of this batch');
	const header = check ? undefined : readCallbackHeader(body);
	if (header && !header.ok) return answer(this, 400, header.reason);
	const reportedId = header?.ok ? header.taskId : undefined;
	if (!batch) return ignored(this, executionId, reportedId);
	const ledger = ledgerOf(executionId, batch);
	// Callbacks arriving while one of them resumes need no look-ups.
	if (ledger.isResuming) return busy(this);
	if (reportedId !== undefined && !ledger.includes(batch, reportedId)) return ignored(this, executionId, reportedId);
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const transport = transportOf(this, batch, credentials, ledger);
	if (header?.ok && reportedId !== undefined && !ledger.ended.has(reportedId)) {
		const reported = parseStatusCode(header.reportedStatus);
		if (reported === undefined) {
			try {
				if (!(await ledger.lookUp(this, reportedId, transport))) return askedRecently(this);
			} catch {
				return cannotAsk(this);
			}
		} else if (isFinalStatus(reported) && !ledger.claim(this, reportedId, transport)) {
			// Counted once the task may be asked about again: by a check, or by this call's repeat.
			ledger.armCheckBy(this, batch, ledger.nextLookUpAt(reportedId));
			return askedRecently(this);
		}
	}
	const open = openTaskIds(batch, ledger);
	if (open.length > 0 && !check && batch.resumeUrl) {
		ledger.armQuietCheck(this, batch);
		return { webhookResponse: OK };
	}
	// Callbacks to other processes, or lost ones: the check asks ToMoviee, and so does a callback
	// for a batch parked by the previous release (no resume URL in its record).
	if (open.length > 0) {
		let allEnded = false;
		try {
			allEnded = await lookUpOpenTasks(this, open, ledger, transport);
		} catch {
			// A ToMoviee callback (a batch of the previous release) is asked to try again.
			if (!check) return cannotAsk(this);
		}
		if (!allEnded) {
			if (check) ledger.armNextCheck(this, batch, open[0]);
			return { webhookResponse: OK };
		}
	}
	return await resumeIfAllEnded(this, batch, ledger, transport);
}

async function resumeIfAllEnded(context: IWebhookFunctions, batch: ParkedBatch, ledger: CallbackLedger, transport: TransportSettings): Promise<IWebhookResponseData> {
	if (!ledger.claimResume()) return busy(context);
	let handedToN8n = false;
	try {
		let settled: boolean;
		try {
			settled = await ledger.settleClaims(context, transport);
		} catch {
			return cannotAsk(context);
		}
		if (!settled) {
			ledger.armCheckBy(context, batch, Math.max(...[...ledger.claimed].map((taskId) => ledger.nextLookUpAt(taskId))));
			return askedRecently(context);
		}
		const outcomes = outcomesOf(context, batch, ledger);
		// A reported end ToMoviee contradicts: that task's own callback comes later.
		if (outcomes.some((outcome) => outcome === undefined)) return { webhookResponse: OK };
		const plans = batch.items.map((item) => item.plan);
		const { items } = await finishItems(context, plans, outcomes as Outcome[], transport, batch.errorShape);
		handedToN8n = true;
		return { workflowData: [items as INodeExecutionData[]], webhookResponse: OK as IDataObject };
	} finally {
		ledger.releaseResume(handedToN8n);
	}
}
