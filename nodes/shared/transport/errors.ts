import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CHECK_CREDENTIAL } from './credentialRejection';
import { ResultDownloadError } from './download';
import { ToMovieeRequestFailure } from './requestFailure';

export type ItemError = NodeApiError | NodeOperationError;

interface FailureContext {
	itemIndex: number;
	/** What was being done, e.g. "submitting the task" or "looking up task tm_1". */
	action: string;
	taskId?: string;
	/** For submits: what the task was for (e.g. `image https://…`) and whether a callback was set. */
	submit?: { label: string; callbackSet: boolean };
	/** False when the body carried no wsid: an error about it then says where to set one. */
	wsidSent?: boolean;
}

const BALANCE_PATTERN = /balance|insufficient|quota|credit|余额/i;
const WSID_PATTERN = /wsid|user ?id/i;

export function hintForApiMessage(message: string | undefined, wsidSent = true): string | undefined {
	if (message && BALANCE_PATTERN.test(message)) {
		return 'Your ToMoviee account balance looks too low: top it up in the ToMoviee console, then run again.';
	}
	if (message && !wsidSent && WSID_PATTERN.test(message)) {
		return 'Set the Workspace User ID in the credential (or in the node\'s "Workspace User ID" option).';
	}
	return undefined;
}

function hintForHttp(status: number | undefined, tries: number): string | undefined {
	switch (status) {
		case 413:
			return 'The input file is too large for ToMoviee. Use a smaller file.';
		case 429:
			return `ToMoviee kept rate limiting after ${tries} tries. Lower "Max Concurrency" in the node options or run fewer items at a time.`;
		case 400:
		case 422:
			return 'ToMoviee rejected the request parameters. Check the input URLs and values.';
		default:
			return status !== undefined && status >= 500 ? 'ToMoviee had a server problem. Try again later.' : undefined;
	}
}

function where(context: FailureContext): string {
	return `while ${context.action}${context.taskId ? ` (task ${context.taskId})` : ''} [item ${context.itemIndex}]`;
}

/** A submit that reached ToMoviee without a definite answer: the task may exist and be billed. */
function ambiguousSubmit(node: INode, failure: ToMovieeRequestFailure, context: FailureContext): NodeOperationError {
	const submit = context.submit!;
	const got = failure.kind === 'http' ? `HTTP ${failure.details.httpCode}` : failure.message.replace(/^.*\((.*)\)$/, '$1');
	return new NodeOperationError(
		node,
		`ToMoviee may have created (and billed) a task for ${submit.label}: the request was sent but no definite answer came (${got}) [item ${context.itemIndex}]`,
		{
			itemIndex: context.itemIndex,
			description: `It was not sent again, so that no second task is created.${
				submit.callbackSet ? ' The Callback URL will still receive the outcome if the task exists.' : ''
			} Look for the task in the ToMoviee console before running this item again, or turn on "Retry Ambiguous Submits" to accept the risk of a duplicate.`,
		},
	);
}

/** Never passes the raw HTTP error along: it holds the request's Authorization header. */
export function toNodeError(node: INode, error: unknown, context: FailureContext): ItemError {
	const { itemIndex } = context;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ResultDownloadError) {
		const message = `Could not download the result file of task ${context.taskId ?? '?'}: ${error.message} [item ${itemIndex}]`;
		const httpCode = error.httpCode ? String(error.httpCode) : undefined;
		return new NodeApiError(node, { message, taskId: context.taskId ?? '', ...(httpCode ? { httpCode } : {}) }, { message, description: error.hint, httpCode, itemIndex });
	}
	if (!(error instanceof ToMovieeRequestFailure)) {
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(node, `${message} ${where(context)}`, { itemIndex });
	}
	const { kind, details } = error;
	if (context.submit && details.ambiguous && (kind === 'network' || kind === 'http' || kind === 'response')) {
		return ambiguousSubmit(node, error, context);
	}
	const tried = details.tries > 1 ? ` after ${details.tries} tries` : '';
	if (kind === 'cancelled') return new NodeOperationError(node, `Stopped ${where(context)}: the execution was stopped`, { itemIndex });
	if (kind === 'redirect') {
		return new NodeOperationError(node, `${error.message} ${where(context)}`, {
			itemIndex,
			description: 'Set the Base URL in the ToMoviee API credential to the address the gateway answers on (e.g. https://open-api.wondershare.cc).',
		});
	}
	if (kind === 'network') {
		// NodeApiError would replace the message with a generic text for connection error codes.
		return new NodeOperationError(node, `${error.message} ${where(context)}${tried}`, {
			itemIndex,
			description: 'Check the Base URL in the ToMoviee API credential and the network between n8n and ToMoviee.',
		});
	}
	let message: string;
	let description: string | undefined;
	if (kind === 'credential') {
		const notSent = details.tries === 0 ? ' (not sent: an earlier request of this run was rejected)' : '';
		message = `${error.message} ${where(context)}${notSent}`;
		description = CHECK_CREDENTIAL;
	} else if (kind === 'api') {
		message = `ToMoviee error ${String(details.apiCode ?? '')}: ${details.apiMessage ?? error.message} ${where(context)}`;
		description = hintForApiMessage(details.apiMessage, context.wsidSent);
	} else if (kind === 'http') {
		message = `ToMoviee answered HTTP ${details.httpCode ?? '?'}${details.apiMessage ? `: ${details.apiMessage}` : ''} ${where(context)}${tried}`;
		description = hintForHttp(details.httpCode, details.tries) ?? hintForApiMessage(details.apiMessage, context.wsidSent);
	} else {
		message = `${error.message} ${where(context)}`;
	}
	const httpCode = (kind === 'http' || kind === 'credential') && details.httpCode !== undefined && details.httpCode >= 300 ? String(details.httpCode) : undefined;
	const response: JsonObject = {
		message,
		...(details.apiCode !== undefined ? { code: details.apiCode } : {}),
		...(details.apiMessage !== undefined ? { msg: details.apiMessage } : {}),
		...(httpCode ? { httpCode } : {}),
		...(context.taskId ? { taskId: context.taskId } : {}),
		tries: details.tries,
	};
	return new NodeApiError(node, response, { message, description, httpCode, itemIndex });
}

/** The ToMoviee `code` a failed call carried (e.g. 680001), for the output item. */
export function apiCodeOf(error: unknown): string | number | undefined {
	return error instanceof ToMovieeRequestFailure ? error.details.apiCode : undefined;
}
