import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { answer, OK } from '../../shared/callbacks/webhookAnswers';
import type { TransportSettings } from '../../shared/transport/transportSettings';
import { finishItems } from '../item/finishItems';
import { isOpen, recordTask } from '../item/batchItem';
import type { CallbackLedger } from './confirmReportedEnds';
import type { ParkedBatch } from './parkedRecord';

/**
 * Another call is resuming the execution. Not an OK: that would end ToMoviee's retries, and the
 * other call's resume may still be refused by n8n; once n8n has taken it, n8n answers 409 itself.
 */
export function busy(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 409, 'another callback is resuming this execution; try again');
}

/** This call may be the one that completes the batch: a non-2xx makes ToMoviee call again. */
export function cannotAsk(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 503, 'ToMoviee could not be asked about the tasks of this batch; try again');
}

/** The task was looked up a moment ago: asking again now would only spend the user's quota. */
export function askedRecently(context: IWebhookFunctions): IWebhookResponseData {
	return answer(context, 503, 'this task was looked up a moment ago; try again in a few seconds');
}

/**
 * Where the batch resumes: once every task is known ended and every reported end is confirmed
 * by ToMoviee, one call of this process downloads the result files and hands n8n the node's
 * output (2xx only when n8n has taken the resume).
 */
export async function resumeBatch(context: IWebhookFunctions, batch: ParkedBatch, ledger: CallbackLedger, transport: TransportSettings): Promise<IWebhookResponseData> {
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
			ledger.checks.by(context, batch.resumeUrl, batch.checkToken, Math.max(...[...ledger.claimed].map((taskId) => ledger.nextLookUpAt(taskId))));
			return askedRecently(context);
		}
		for (const item of batch.items.filter(isOpen)) {
			const ended = ledger.ended.get(item.task!.taskId);
			if (ended) recordTask(context.getNode(), item, ended, true);
		}
		// A reported end ToMoviee contradicts: that task's own callback comes later.
		if (batch.items.some(isOpen)) return { webhookResponse: OK };
		const items = await finishItems(context, batch.items, transport, batch.errorShape);
		handedToN8n = true;
		return { workflowData: [items], webhookResponse: OK as IDataObject };
	} finally {
		ledger.releaseResume(handedToN8n);
	}
}
