import type { IDataObject, IHttpRequestMethods, INode, INodeExecutionData, WebhookType } from 'n8n-workflow';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { RegisteredWebhook, WebhookTargetOptions } from './run-webhook';
import { plainStaticData, WebhookTarget } from './run-webhook';
import { BodyParseError, decorateRequest, parseBody, parseQuery, WebhookResponseRecorder } from './webhook-http';

export interface WebhookServerOptions extends WebhookTargetOptions {
	/**
	 * n8n 2.41.1 was seen not to keep static data changed in a `webhook()` call that starts an
	 * execution (see /work/shared/real-n8n.md); the server does the same unless this is true.
	 * Changes from calls that start nothing are kept, as n8n's LiveWebhooks saves them.
	 */
	saveStaticDataWhenExecutionStarts?: boolean;
}

/** A delivery for which the node returned workflowData: n8n would have started an execution. */
export interface StartedExecution {
	workflowData: INodeExecutionData[][];
	request: { method: string; path: string; headers: IncomingHttpHeaders; query: IDataObject; body: unknown };
}

export interface WebhookServer {
	/** `http://127.0.0.1:<port>` */
	url: string;
	executions: StartedExecution[];
	node: INode;
	/** The workflow's stored static data. */
	readonly staticData: IDataObject;
	/** `<url>/webhook/<webhookId>/<path>`, like the node's own `this.getNodeWebhookUrl(name)`. */
	getNodeWebhookUrl(name?: WebhookType): string;
	close(): Promise<void>;
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
	res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/**
 * Serves a trigger node's webhooks on a real 127.0.0.1 HTTP server the way n8n's production
 * webhook endpoint does: `/webhook/<webhookId>/<path>`, 404 for an unknown path or method,
 * 422 for unparsable JSON (before the node runs), 500 if `webhook()` throws, the node's own
 * answer with `noWebhookResponse`, else `webhookResponse` as JSON. The workflow itself is
 * not run: a delivery that returns `workflowData` is recorded in `executions`.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
	const target = new WebhookTarget(options);
	const executions: StartedExecution[] = [];
	let baseUrl = '';

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const url = new URL(req.url ?? '/', baseUrl);
		const method = (req.method ?? 'GET').toUpperCase() as IHttpRequestMethods;
		const requestPath = url.pathname.replace(/\/+$/, '');
		const workflow = target.createWorkflow();
		const webhooks = target.getWebhooks(workflow);
		const onPath = webhooks.filter((w) => `/webhook/${w.path}` === requestPath);
		if (!onPath.length) {
			sendJson(res, 404, {
				code: 404,
				message: `The requested webhook "${method} ${requestPath.replace(/^\/webhook\//, '')}" is not registered.`,
			});
			return;
		}
		const webhook: RegisteredWebhook | undefined = onPath.find((w) => w.methods.includes(method));
		if (!webhook) {
			const allowed = [...new Set(onPath.flatMap((w) => w.methods))].join(' or ');
			sendJson(res, 404, {
				code: 404,
				message: `This webhook is not registered for ${method} requests. Did you mean to make a ${allowed} request?`,
			});
			return;
		}

		const rawBody = await readBody(req);
		let body: unknown;
		try {
			body = parseBody(rawBody, req.headers);
		} catch (error) {
			if (!(error instanceof BodyParseError)) throw error;
			sendJson(res, 422, { code: 422, message: 'Failed to parse request body', hint: error.message });
			return;
		}
		const query = parseQuery(url.searchParams);
		const request = decorateRequest(req, {
			method,
			url: `${url.pathname}${url.search}`,
			headers: req.headers,
			body,
			rawBody,
			query,
		});
		const recorder = new WebhookResponseRecorder(res);

		let result;
		try {
			result = await target.invoke(workflow, webhook, request, recorder, baseUrl);
		} catch {
			if (!recorder.headersSent) {
				sendJson(res, 500, { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' });
			}
			return;
		}

		const started = result.workflowData !== undefined;
		if (!started || options.saveStaticDataWhenExecutionStarts) {
			target.staticData = plainStaticData(workflow);
		}
		if (started) {
			executions.push({
				workflowData: result.workflowData as INodeExecutionData[][],
				request: { method, path: url.pathname, headers: req.headers, query, body },
			});
		}

		if (result.noWebhookResponse === true) {
			// n8n leaves the answer to the node; one that never answers would hang the caller.
			if (!recorder.writableEnded) {
				recorder.status(500).json({
					message: 'The node returned noWebhookResponse without answering the request',
				});
			}
			return;
		}
		if (recorder.headersSent) return;
		if (result.webhookResponse !== undefined) {
			sendJson(res, 200, result.webhookResponse);
		} else if (!started) {
			sendJson(res, 200, { message: 'Webhook call received' });
		} else {
			// What n8n 2.41.1 answers for 'onReceived' without a webhookResponse (real-n8n.md).
			res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
			res.end('firstEntryJson');
		}
	};

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) sendJson(res, 500, { code: 500, message: (error as Error).message });
			else res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url: baseUrl,
		executions,
		node: target.node,
		get staticData() {
			return target.staticData;
		},
		getNodeWebhookUrl(name: WebhookType = 'default') {
			const webhook = target.getWebhooks().find((w) => w.description.name === name);
			if (!webhook) throw new Error(`The node has no webhook named "${name}"`);
			return `${baseUrl}/webhook/${webhook.path}`;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
