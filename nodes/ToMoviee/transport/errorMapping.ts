import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { MaskDownloadError } from './downloadMasks';
import { ToMovieeRequestFailure } from './requestFailure';

export interface FailureContext {
	itemIndex: number;
	/** What was being done, e.g. "submitting the task" or "querying task tm_1". */
	action: string;
	taskId?: string;
}

const BALANCE_PATTERN = /balance|insufficient|quota|credit|余额/i;

export function hintForApiMessage(message: string | undefined): string | undefined {
	if (message && BALANCE_PATTERN.test(message)) {
		return 'Your ToMoviee account balance looks too low: top it up in the ToMoviee console, then run again.';
	}
	return undefined;
}

function hintForHttp(status: number | undefined, tries: number): string | undefined {
	switch (status) {
		case 401:
		case 403:
			return 'ToMoviee rejected the app key/secret. Check the ToMoviee API credential (the secret is called app_crit in the console).';
		case 413:
			return 'The image is too large for ToMoviee. Use a smaller jpg or png.';
		case 422:
			return 'ToMoviee could not read the image. Use a jpg or png that is reachable by URL.';
		case 429:
			return `ToMoviee kept rate limiting after ${tries} tries. Lower "Max Concurrency" in the node options or run fewer items at a time.`;
		case 400:
			return 'ToMoviee rejected the request parameters. Check the image URL, control type and wsid.';
		default:
			return status !== undefined && status >= 500
				? `ToMoviee had a server problem (gave up after ${tries} tries). Try again later.`
				: undefined;
	}
}

function taskSuffix(context: FailureContext): string {
	return context.taskId ? ` (task ${context.taskId})` : '';
}

/** Never passes the raw HTTP error along: it holds the request's Authorization header. */
export function toNodeError(node: INode, error: unknown, context: FailureContext): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof MaskDownloadError) {
		const message = `${error.message} [item ${context.itemIndex}]`;
		const httpCode = error.httpCode ? String(error.httpCode) : undefined;
		return new NodeApiError(
			node,
			{ message, taskId: context.taskId ?? '', ...(httpCode ? { httpCode } : {}) },
			{ message, description: error.hint, httpCode, itemIndex: context.itemIndex },
		);
	}
	if (!(error instanceof ToMovieeRequestFailure)) {
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(node, `${message} while ${context.action}${taskSuffix(context)} [item ${context.itemIndex}]`, {
			itemIndex: context.itemIndex,
		});
	}
	const { kind, details } = error;
	const tried = details.tries > 1 ? ` after ${details.tries} tries` : '';
	const where = `while ${context.action}${taskSuffix(context)} [item ${context.itemIndex}]`;
	if (kind === 'cancelled') {
		return new NodeOperationError(node, `Stopped ${where}: the execution was cancelled`, { itemIndex: context.itemIndex });
	}
	let message: string;
	let description: string | undefined;
	if (kind === 'api') {
		message = `ToMoviee error ${String(details.apiCode ?? '')}: ${details.apiMessage ?? error.message} ${where}`;
		description = hintForApiMessage(details.apiMessage);
	} else if (kind === 'http') {
		const said = details.apiMessage ? `: ${details.apiMessage}` : '';
		message = `ToMoviee answered HTTP ${details.httpCode ?? '?'}${said} ${where}${tried}`;
		description = hintForHttp(details.httpCode, details.tries) ?? hintForApiMessage(details.apiMessage);
	} else if (kind === 'network') {
		// NodeApiError would replace the message with a generic text for connection error codes.
		return new NodeOperationError(node, `${error.message} ${where}${tried}`, {
			itemIndex: context.itemIndex,
			description: 'Check the Base URL in the ToMoviee API credential and the network between n8n and ToMoviee.',
		});
	} else {
		message = `${error.message} ${where}`;
	}
	const response: JsonObject = {
		message,
		...(details.apiCode !== undefined ? { code: details.apiCode } : {}),
		...(details.apiMessage !== undefined ? { msg: details.apiMessage } : {}),
		...(kind === 'http' && details.httpCode !== undefined ? { httpCode: String(details.httpCode) } : {}),
		...(context.taskId ? { taskId: context.taskId } : {}),
		tries: details.tries,
	};
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: kind === 'http' && details.httpCode !== undefined ? String(details.httpCode) : undefined,
		itemIndex: context.itemIndex,
	});
}
