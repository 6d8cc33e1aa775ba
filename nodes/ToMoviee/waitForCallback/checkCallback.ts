import type { ICredentialDataDecryptedObject, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../../shared/constants';
import { loggableTaskId, readCallbackHeader, requestBodySize } from '../../shared/callbacks/callbackLimits';
import { answer, callbackWebhook, OK } from '../../shared/callbacks/webhookAnswers';
import { isFinalStatus, parseStatusCode } from '../../shared/task/taskStatus';
import { transportWith, type TransportSettings } from '../../shared/transport/transportSettings';
import { isOpen } from '../item/batchItem';
import { ledgerOf, type CallbackLedger } from './confirmReportedEnds';
import { readParkedBatch, type ParkedBatch } from './parkedRecord';
import { askedRecently, busy, cannotAsk, resumeBatch } from './resumeBatch';
import { checkTokenMatches, checkValueOf } from './selfCheck';

/** A ToMoviee callback is a few hundred bytes: anything much larger is refused before it is read. */
const RESUME_BODY_MAX_BYTES = 64 * 1024;

/** The node's one webhook: n8n routes POSTs to a waiting execution's resume URL to it. */
export const resumeWebhooks: IWebhookDescription[] = [callbackWebhook('', { isFullPath: true, restartWebhook: true })];

function transportOf(context: IWebhookFunctions, batch: ParkedBatch, credentials: ICredentialDataDecryptedObject, ledger: CallbackLedger): TransportSettings {
	return transportWith(context, credentials, {
		maxTries: batch.maxTries,
		requestTimeoutMs: batch.requestTimeoutMs,
		limiter: ledger.limiter,
		retryAmbiguousSubmits: false,
	});
}

function ignored(context: IWebhookFunctions, executionId: string, taskId: string | undefined): IWebhookResponseData {
	context.logger.warn('ToMoviee callback for a task that is not part of this waiting batch: ignored', {
		executionId,
		...(taskId !== undefined ? { taskId: loggableTaskId(taskId) } : {}),
	});
	return { webhookResponse: OK };
}

/** The tasks no callback to this process has reported ended (nor the parked record). */
function openTaskIds(batch: ParkedBatch, ledger: CallbackLedger): string[] {
	return batch.items.flatMap((item) => (isOpen(item) && !ledger.isKnown(item.task!.taskId) ? [item.task!.taskId] : []));
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
 * Where a callback to a parked batch is checked. Before anything else: the body's size
 * (capped), then only its task id and status, or the check's token. A reported end is counted
 * at once and confirmed with ToMoviee in the background (confirmReportedEnds.ts), so a callback
 * that does not complete the batch is answered at once without waiting for ToMoviee; a callback
 * without a known status has its task looked up. A task is looked up at most once per few
 * seconds, whatever callers send. The callback that leaves no task open resumes the batch
 * (resumeBatch.ts). The node's own check (selfCheck.ts) looks up the open tasks.
 */
export async function checkCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
			ledger.checks.by(this, batch.resumeUrl, batch.checkToken, ledger.nextLookUpAt(reportedId));
			return askedRecently(this);
		}
	}
	const open = openTaskIds(batch, ledger);
	if (open.length > 0 && !check && batch.resumeUrl) {
		ledger.checks.afterQuiet(this, batch.resumeUrl, batch.checkToken);
		return { webhookResponse: OK };
	}
	// Callbacks to other processes, or lost ones: the check asks ToMoviee, and so does a callback
	// for a batch parked by 0.1.0 (no resume URL in its record).
	if (open.length > 0) {
		let allEnded = false;
		try {
			allEnded = await lookUpOpenTasks(this, open, ledger, transport);
		} catch {
			// A ToMoviee callback (a batch of 0.1.0) is asked to try again.
			if (!check) return cannotAsk(this);
		}
		if (!allEnded) {
			if (check) ledger.checks.afterRunning(this, batch.resumeUrl, batch.checkToken, ledger.nextLookUpAt(open[0]));
			return { webhookResponse: OK };
		}
	}
	return await resumeBatch(this, batch, ledger, transport);
}
