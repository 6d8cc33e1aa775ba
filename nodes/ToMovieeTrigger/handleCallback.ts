import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/constants';
import { BoundedCache } from '../shared/helpers/boundedCache';
import { parseCallbackBody } from '../shared/helpers/callbackPayload';
import { fileLabelOfTask } from '../shared/helpers/controlTypes';
import { SIGNATURE_PARAM, verifySignature } from '../shared/helpers/callbackSignature';
import { AdaptiveConcurrency } from '../shared/helpers/concurrency';
import { readBooleanOption, readDownloadSettings, readNumberOption } from '../shared/helpers/options';
import { parseStatusCode, isFinalStatus, FINAL_STATUSES } from '../shared/helpers/taskStatus';
import type { Task } from '../shared/helpers/taskResult';
import { taskJson } from '../shared/results/itemBuilder';
import { downloadTaskFiles } from '../shared/results/resultFiles';
import { queryTask } from '../shared/transport/api';
import { transportWith, type TransportSettings } from '../shared/transport/request';
import { CHECK_CREDENTIAL } from '../shared/transport/credentialRejection';
import { ToMovieeRequestFailure } from '../shared/transport/requestFailure';
import { rawRequest } from './rawRequest';

const OK = { code: 0, msg: 'ok' };

/** Deliveries already turned into executions in this process (see README: what dedupe covers). */
const delivered = new BoundedCache<true>(10_000);

function reply(context: IWebhookFunctions, status: number, msg: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ code: status, msg });
	return { noWebhookResponse: true };
}

/** Refused calls leave a trace (never the secret or the signature), so a rotation that drops tasks is seen. */
function refuse(context: IWebhookFunctions, status: number, reason: string, taskId?: string): IWebhookResponseData {
	context.logger.warn(`ToMoviee Trigger refused a callback: ${reason}`, {
		workflowId: context.getWorkflow().id,
		node: context.getNode().name,
		...(taskId ? { taskId } : {}),
	});
	return status === 200 ? { webhookResponse: OK } : reply(context, status, reason);
}

function bodySize(context: IWebhookFunctions): number {
	const request = context.getRequestObject();
	const declared = Number(request.headers['content-length']);
	if (Number.isFinite(declared) && declared > 0) return declared;
	const raw = (request as { rawBody?: { length: number } }).rawBody;
	return raw?.length ?? JSON.stringify(context.getBodyData() ?? {}).length;
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
 * A ToMoviee callback: signature checked against this trigger's own public URL, the outcome
 * looked up at ToMoviee (unless Verify With ToMoviee is off), then filtered, de-duplicated and
 * emitted, with the result files when asked for.
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const statuses = this.getNodeParameter('statuses', FINAL_STATUSES) as string[];
	const maxBytes = readNumberOption(options, 'maxBodySizeKb') * 1024;
	const download = readDownloadSettings(options);
	if (bodySize(this) > maxBytes) return refuse(this, 413, `the callback body is larger than ${maxBytes / 1024} KB`);

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
	const transport = transportFor(this, credentials);
	if (readBooleanOption(options, 'verifyWithApi', 'Verify With ToMoviee', true)) {
		try {
			const known = await queryTask(this, parsed.task.taskId, transport);
			task = known.params === undefined && parsed.task.params !== undefined ? { ...known, params: parsed.task.params } : known;
		} catch (error) {
			if (error instanceof ToMovieeRequestFailure && error.kind === 'credential') {
				// Answered retryably: ToMoviee's repeat gets through once the credential is fixed.
				return refuse(this, 503, `${error.message}. ${CHECK_CREDENTIAL}`, parsed.task.taskId);
			}
			if (error instanceof ToMovieeRequestFailure && error.kind === 'api') {
				return refuse(this, 200, `ToMoviee does not know task ${parsed.task.taskId} (${error.message})`, parsed.task.taskId);
			}
			return reply(this, 503, 'ToMoviee could not be asked about the task; try again');
		}
		const reportedCode = parseStatusCode(parsed.reportedStatus);
		if (isFinalStatus(reportedCode) && reportedCode !== task.statusCode) {
			return refuse(this, 200, `the reported status ${String(reportedCode)} of task ${task.taskId} is not what ToMoviee says (${task.status})`, task.taskId);
		}
	}
	if (!statuses.includes(task.status)) return { webhookResponse: OK };

	const node = this.getNode();
	const key = createHash('sha256').update(`${this.getWorkflow().id ?? ''}:${node.id ?? node.name}:${task.taskId}:${String(task.statusCode)}`).digest('base64url');
	if (delivered.has(key)) return { webhookResponse: OK };
	delivered.set(key, true);

	const json: IDataObject = { ...taskJson(task, {}), receivedAt: new Date().toISOString() };
	if (readBooleanOption(options, 'includeRaw', 'Include Raw Request', false)) {
		json.raw = rawRequest(this.getBodyData(), this.getHeaderData() as IDataObject, query);
	}
	const item: INodeExecutionData = { json };
	if (download && task.status === 'succeeded') {
		try {
			item.binary = await downloadTaskFiles(this, task, { fileLabel: fileLabelOfTask(task.taskId, task.result), download }, transport);
		} catch (error) {
			// The callback is not repeated: start the workflow anyway and say why the file is missing.
			json.downloadError = error instanceof Error ? error.message : String(error);
		}
	}
	return { workflowData: [[item]], webhookResponse: OK };
}
