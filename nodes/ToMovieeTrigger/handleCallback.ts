import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/constants';
import { BoundedCache } from '../shared/callbacks/boundedCache';
import { parseCallbackBody } from '../shared/task/callbackBody';
import { loggableTaskId, requestBodySize } from '../shared/callbacks/callbackLimits';
import { answer, OK } from '../shared/callbacks/webhookAnswers';
import { fileLabelOfTask } from '../shared/task/controlTypes';
import { SIGNATURE_PARAM, verifySignature } from '../shared/callbacks/callbackSignature';
import { AdaptiveConcurrency } from '../shared/transport/concurrency';
import { readBooleanOption, readDownloadSettings, readNumberOption } from '../shared/parameters/options';
import { parseStatusCode, isFinalStatus, FINAL_STATUSES } from '../shared/task/taskStatus';
import type { Task } from '../shared/task/task';
import { taskJson } from '../shared/task/taskJson';
import { downloadTaskFiles } from '../shared/transport/resultFiles';
import { queryTask } from '../shared/transport/api';
import { baseUrlProblem, transportWith, type TransportSettings } from '../shared/transport/transportSettings';
import { CHECK_CREDENTIAL } from '../shared/transport/credentialRejection';
import { ToMovieeRequestFailure } from '../shared/transport/requestFailure';
import { rawRequest } from './rawRequest';

/** Deliveries n8n accepted as executions in this process (see README: what dedupe covers). */
const delivered = new BoundedCache<true>(10_000);

/** Deliveries handed to n8n whose answer is not sent yet: true once n8n accepted the execution. */
const handedOver = new Map<string, Promise<boolean>>();

/** How long a repeat waits for the first delivery's outcome before it is asked to try again. */
const HANDOVER_WAIT_MS = 30_000;

/** Refused calls leave a trace (never the secret or the signature), so a rotation that drops tasks is seen. */
function refuse(context: IWebhookFunctions, status: number, reason: string, taskId?: string): IWebhookResponseData {
	context.logger.warn(`ToMoviee Trigger refused a callback: ${reason}`, {
		workflowId: context.getWorkflow().id,
		node: context.getNode().name,
		...(taskId ? { taskId: loggableTaskId(taskId) } : {}),
	});
	return status === 200 ? { webhookResponse: OK } : answer(context, status, reason);
}

function transportFor(context: IWebhookFunctions, credentials: ICredentialDataDecryptedObject): TransportSettings {
	return transportWith(context, credentials, {
		maxTries: readNumberOption({}, 'maxTries'),
		requestTimeoutMs: readNumberOption({}, 'requestTimeout') * 1000,
		limiter: new AdaptiveConcurrency(1),
		retryAmbiguousSubmits: false,
	});
}

/**
 * The same on every n8n process for the same task, final status and trigger node: downstream
 * de-duplication (queue mode: several processes receive ToMoviee's repeats) keys on it.
 */
function deliveryKeyOf(context: IWebhookFunctions, task: Task): string {
	const node = context.getNode();
	return createHash('sha256').update(`${context.getWorkflow().id ?? ''}:${node.id ?? node.name}:${task.taskId}:${String(task.statusCode)}`).digest('base64url');
}

/**
 * The delivery counts as done only once n8n has accepted the execution: with `onReceived` n8n
 * answers 2xx after it started the run, and an error status when starting failed (then a
 * repeat may start it). Repeats arriving meanwhile wait for this answer.
 */
function handOver(context: IWebhookFunctions, deliveryKey: string): void {
	const response = context.getResponseObject();
	const accepted = new Promise<boolean>((resolve) => {
		response.once('finish', () => resolve(response.statusCode >= 200 && response.statusCode < 300));
		response.once('close', () => resolve(false));
	});
	handedOver.set(deliveryKey, accepted);
	void accepted.then((ok) => {
		handedOver.delete(deliveryKey);
		if (ok) delivered.set(deliveryKey, true);
	});
}

/**
 * A ToMoviee callback: signature checked against this trigger's own public URL, the outcome
 * looked up at ToMoviee (unless Verify With ToMoviee is off), then filtered, de-duplicated and
 * emitted, with the result files when asked for.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const statuses = this.getNodeParameter('statuses', FINAL_STATUSES) as string[];
	const maxBytes = readNumberOption(options, 'maxBodySizeKb') * 1024;
	const download = readDownloadSettings(options);
	if (requestBodySize(this) > maxBytes) return refuse(this, 413, `the callback body is larger than ${maxBytes / 1024} KB`);

	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const query = this.getQueryData() as IDataObject;
	const signature = query[SIGNATURE_PARAM];
	const unsignedAllowed = readBooleanOption(options, 'allowUnsigned', 'Allow Unsigned Callbacks', false) && (signature === undefined || signature === '');
	const secret = typeof credentials.appSecret === 'string' ? credentials.appSecret : '';
	if (!unsignedAllowed && !verifySignature(secret, signature, this.getNodeWebhookUrl('default') ?? '')) {
		return refuse(this, 401, signature ? 'the callback signature is wrong' : 'the callback URL is not signed');
	}

	const parsed = parseCallbackBody(this.getBodyData());
	if (!parsed.ok) return refuse(this, 400, parsed.reason);
	let task: Task = parsed.task;
	// A Base URL the node refuses: answered retryably, the repeat gets through once the credential is fixed.
	const baseUrlRefused = baseUrlProblem(credentials);
	if (baseUrlRefused) return refuse(this, 503, baseUrlRefused);
	const transport = transportFor(this, credentials);
	const verified = readBooleanOption(options, 'verifyWithApi', 'Verify With ToMoviee', true);
	if (verified) {
		const taskId = loggableTaskId(parsed.task.taskId);
		try {
			// Only ToMoviee's answer: nothing of the body (params included) reaches the output.
			task = await queryTask(this, parsed.task.taskId, transport);
		} catch (error) {
			if (error instanceof ToMovieeRequestFailure && error.kind === 'credential') {
				// Answered retryably: ToMoviee's repeat gets through once the credential is fixed.
				return refuse(this, 503, `${error.message}. ${CHECK_CREDENTIAL}`, parsed.task.taskId);
			}
			if (error instanceof ToMovieeRequestFailure && error.kind === 'api') {
				// Not known yet (replication lag) or never: a repeat is asked for, nothing is dropped.
				return refuse(this, 503, `ToMoviee does not know task ${taskId} yet (${error.message}); try again`, parsed.task.taskId);
			}
			return answer(this, 503, 'ToMoviee could not be asked about the task; try again');
		}
		const reportedCode = parseStatusCode(parsed.reportedStatus);
		// A reported end ToMoviee does not show yet: ToMoviee's repeat, once it does, starts the run.
		if (!isFinalStatus(task.statusCode) && (reportedCode === undefined || isFinalStatus(reportedCode))) {
			return refuse(this, 503, `ToMoviee does not show task ${taskId} as ended yet (${task.status}); try again`, parsed.task.taskId);
		}
	}
	if (!statuses.includes(task.status)) return { webhookResponse: OK };

	const deliveryKey = deliveryKeyOf(this, task);
	for (;;) {
		if (delivered.has(deliveryKey)) return { webhookResponse: OK };
		const pending = handedOver.get(deliveryKey);
		if (!pending) break;
		// Another call is handing this delivery to n8n: its outcome decides whether this one runs it.
		const outcome = await Promise.race([pending, sleep(HANDOVER_WAIT_MS).then(() => 'waited' as const)]);
		if (outcome === 'waited') return answer(this, 503, 'the same delivery is being started; try again');
	}
	handOver(this, deliveryKey);

	const json: IDataObject = { ...taskJson(task, {}), deliveryKey, receivedAt: new Date().toISOString() };
	if (readBooleanOption(options, 'includeRaw', 'Include Raw Request', false)) {
		json.raw = rawRequest(this.getBodyData(), this.getHeaderData() as IDataObject, query);
	}
	const item: INodeExecutionData = { json };
	if (download && task.status === 'succeeded') {
		try {
			// URLs from an unverified body may point anywhere: n8n's enforced egress filter decides.
			item.binary = await downloadTaskFiles(this, task, { fileLabel: fileLabelOfTask(task.taskId, task.result), download }, { ...transport, egress: verified ? 'safe' : 'enforced' });
		} catch (error) {
			// The callback is not repeated: start the workflow anyway and say why the file is missing.
			json.downloadError = error instanceof Error ? error.message : String(error);
		}
	}
	return { workflowData: [[item]], webhookResponse: OK };
}
