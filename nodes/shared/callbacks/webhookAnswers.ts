import type { IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/** What ToMoviee takes as "received": its own envelope with code 0. */
export const OK = { code: 0, msg: 'ok' };

/** An answer other than OK, in ToMoviee's envelope; a non-2xx makes ToMoviee call again. */
export function answer(context: IWebhookFunctions, status: number, msg: string): IWebhookResponseData {
	context.getResponseObject().status(status).json({ code: status, msg });
	return { noWebhookResponse: true };
}

/**
 * The POST webhook both nodes receive callbacks on. With onReceived n8n answers once it has
 * accepted the execution (2.x), and an empty responseData makes it answer the webhookResponse
 * as JSON rather than the text "firstEntryJson".
 */
export function callbackWebhook(path: string, more: Partial<IWebhookDescription> = {}): IWebhookDescription {
	return { name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path, ...more };
}
