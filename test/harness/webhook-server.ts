import './user-folder';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowExecuteAdditionalData,
	WebhookType,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { deepCopy, NodeHelpers } from 'n8n-workflow';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { TestCredentials } from './credentials';
import { HarnessNodeTypes } from './node-types';
import type { HarnessOptions, TestNodeSpec } from './run-workflow';
import { additionalData, buildNode, createWorkflow, execute, executions } from './run-workflow';

export interface WebhookServerOptions extends HarnessOptions {
	/** A trigger to serve at `/webhook/<webhookId>/<path>`. Resume URLs are served in any case. */
	nodeType?: INodeType | IVersionedNodeType;
	/** Defaults: type `n8n-nodes-tomoviee.<description.name>`, a random webhookId. */
	node?: Partial<TestNodeSpec>;
	/** The first this many trigger deliveries that return workflowData fail to start (n8n answers 500, as when its database or queue refuses the execution). */
	failStarts?: number;
}

/** A trigger delivery for which the node returned workflowData: n8n would start an execution. */
export type StartedExecution = { workflowData: INodeExecutionData[][] };

export interface WebhookServer {
	/** `http://127.0.0.1:<port>`: pass it as `baseUrl` to runWorkflow to make resume URLs reach it. */
	url: string;
	executions: StartedExecution[];
	/** `<url>/webhook/<webhookId>/<path>`, like the trigger's own `this.getNodeWebhookUrl(name)`. */
	getNodeWebhookUrl(name?: WebhookType): string;
	close(): Promise<void>;
}

type Request = IncomingMessage & { body: unknown; rawBody: Buffer; query: IDataObject; params: object; path: string };
type Response = ServerResponse & { status(code: number): Response; json(body: unknown): Response; send(body?: unknown): Response };

interface Target {
	workflow: Workflow;
	node: INode;
	webhook: IWebhookDescription;
	/** Under `/webhook/` (`<webhookId>/<path>`), or a resume URL's suffix. */
	path: string;
}

/** The node's webhook n8n registers (or, `restart`, serves on resume URLs) for a method and path. */
function findWebhook(workflow: Workflow, node: INode, restart: boolean, match: (path: string, methods: string[], name: string) => boolean) {
	const evaluate = (value: unknown, fallback: string | boolean) =>
		workflow.expression.getSimpleParameterValue(node, value as string, 'internal', {}, undefined, fallback);
	const { description } = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	for (const webhook of description.webhooks ?? []) {
		if ((webhook.restartWebhook === true) !== restart) continue;
		const own = String(evaluate(webhook.path, '')).replace(/^\/+|\/+$/g, '');
		const path = restart ? own : NodeHelpers.getNodeWebhookPath(workflow.id, node, own, evaluate(webhook.isFullPath, false) === true, false);
		const methods = String(evaluate(webhook.httpMethod, 'GET')).split(',').map((method) => method.trim());
		if (match(path, methods, webhook.name)) return { workflow, node, webhook, path } satisfies Target;
	}
	return undefined;
}

/** Calls a node's webhook() through n8n-core's WebhookContext, as n8n's WebhookService does. */
async function callWebhook(
	{ workflow, node, webhook, path }: Target,
	extra: IWorkflowExecuteAdditionalData,
	mode: WorkflowExecuteMode,
	runExecutionData: IRunExecutionData | null,
	req: Request,
	res: Response,
): Promise<IWebhookResponseData> {
	Object.assign(extra, { httpRequest: req, httpResponse: res });
	const { webhookId, name } = node;
	const webhookData = { httpMethod: req.method as IHttpRequestMethods, node: name, path, webhookDescription: webhook, workflowId: workflow.id, workflowExecuteAdditionalData: extra, webhookId };
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const context = new WebhookContext(workflow, node, extra, mode, webhookData, [], runExecutionData);
	await workflow.expression.acquireIsolate();
	try {
		return (await nodeType.webhook?.call(context)) as IWebhookResponseData;
	} finally {
		await workflow.expression.releaseIsolate();
	}
}

/** What n8n sends for a webhook() outcome when the node did not answer itself. */
function answer(res: Response, result: IWebhookResponseData, started: boolean): void {
	if (result.noWebhookResponse === true) {
		// n8n leaves the answer to the node; one that never answers would hang the caller.
		if (!res.writableEnded) res.status(500).json({ message: 'The node returned noWebhookResponse without answering' });
	} else if (res.headersSent) {
		return;
	} else if (result.webhookResponse !== undefined) {
		res.status(200).json(result.webhookResponse);
	} else if (started) {
		// What n8n 2.41.1 answers for 'onReceived' without a webhookResponse.
		res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('firstEntryJson');
	} else {
		res.status(200).json({ message: 'Webhook call received' });
	}
}

const fail = (res: Response, statusCode: number, message: string) => res.status(statusCode).json({ code: statusCode, message });

/**
 * A parked execution's resume URL, as n8n's WaitingWebhooks serves it: 401 without its token,
 * 409 unless it waits, then the parked node's webhook() with the run data saved when it parked
 * (the node's execution context included); workflowData resumes the execution with that output.
 */
async function resumeWaiting(executionId: string, suffix: string, req: Request, res: Response): Promise<void> {
	const stored = executions.get(executionId);
	if (!stored) return void fail(res, 404, `The execution "${executionId}" does not exist.`);
	let resumed = false;
	try {
		if (req.query.signature !== stored.resumeToken) return void res.status(401).json({ error: 'Invalid token' });
		if (stored.status !== 'waiting') {
			const state = { running: 'is running already', success: 'has finished already' }[stored.status as string];
			return void fail(res, 409, `The execution "${executionId}" ${state ?? 'has finished with error'}.`);
		}
		const data = JSON.parse(stored.saved!) as IRunExecutionData;
		const workflow = createWorkflow(stored.setup);
		const node = workflow.getNode(data.resultData.lastNodeExecuted ?? '')!;
		const target = findWebhook(workflow, node, true, (path, methods) => path === suffix && methods.includes(req.method!));
		if (!target) return void fail(res, 404, `The execution "${executionId}" has no waiting webhook for ${req.method} "${suffix}".`);
		const extra = additionalData(stored.setup.credentialsHelper, stored.setup.baseUrl, executionId);
		const result = await callWebhook(target, extra, stored.setup.mode, data, req, res);
		// n8n 2.41 resumes an execution once: a concurrent delivery that also returns data is refused.
		if (result.workflowData && stored.status === 'waiting') {
			data.executionData!.nodeExecutionStack[0].data.main = result.workflowData;
			resumed = true;
			void execute(stored, data);
		} else if (result.workflowData && !res.headersSent) {
			return void fail(res, 409, `The execution "${executionId}" is running already.`);
		}
		answer(res, result, resumed);
	} finally {
		stored.deliveries.push({ statusCode: res.statusCode, resumed });
	}
}

async function readRequest(req: IncomingMessage, url: URL): Promise<Request | undefined> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const rawBody = Buffer.concat(chunks);
	let body: unknown = {};
	if (rawBody.length && /^application\/([\w.+-]*\+)?json/.test(req.headers['content-type'] ?? '')) {
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			return undefined;
		}
	}
	const query = Object.fromEntries(url.searchParams);
	return Object.assign(req, { body, rawBody, query, params: {}, path: url.pathname, url: `${url.pathname}${url.search}` });
}

/** The express members nodes use on n8n's response object. */
function expressResponse(res: ServerResponse): Response {
	const response = Object.assign(res, {
		status: (code: number) => Object.assign(response, { statusCode: code }),
		json: (body: unknown) => response.setHeader('content-type', 'application/json; charset=utf-8').end(JSON.stringify(body)),
		send: (body?: unknown) => (typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? response.json(body) : response.end(body)),
	}) as Response;
	return response;
}

/**
 * A real 127.0.0.1 HTTP server in the shape of n8n's webhook endpoints: the trigger's production
 * webhooks (`/webhook/<webhookId>/<path>`: a delivery that returns workflowData is recorded in
 * `executions`, the workflow is not run) and every parked execution's resume URL
 * (`/webhook-waiting/<executionId>`). 422 for unparsable JSON before any node runs, 500 if
 * webhook() throws.
 */
export async function startWebhookServer(options: WebhookServerOptions = {}): Promise<WebhookServer> {
	const started: StartedExecution[] = [];
	const credentialsHelper = new TestCredentials(options.credentialTypes, options.credentials);
	const trigger = options.nodeType && triggerSetup(options.nodeType, options);
	let staticData: IDataObject = {};
	let failedStarts = 0;
	const triggerWebhook = (match: (path: string, methods: string[], name: string) => boolean) => {
		if (!trigger) return undefined;
		const workflow = createWorkflow({ ...trigger, connections: {}, settings: {}, staticData: deepCopy(staticData) }, true);
		return findWebhook(workflow, trigger.nodes[0], false, match);
	};
	let url = '';

	const handle = async (req: IncomingMessage, res: Response) => {
		const parsed = new URL(req.url ?? '/', url);
		const request = await readRequest(req, parsed);
		if (!request) return void fail(res, 422, 'Failed to parse request body');
		const [, root, ...rest] = parsed.pathname.replace(/\/+$/, '').split('/');
		if (root === 'webhook-waiting') return await resumeWaiting(rest[0], rest.slice(1).join('/'), request, res);
		const path = rest.join('/');
		const target = root === 'webhook' ? triggerWebhook((p, methods) => p === path && methods.includes(req.method!)) : undefined;
		if (!target) return void fail(res, 404, `The requested webhook "${req.method} ${path}" is not registered.`);
		const result = await callWebhook(target, additionalData(credentialsHelper, url), 'webhook', null, request, res);
		if (result.workflowData && failedStarts < (options.failStarts ?? 0)) {
			failedStarts++;
			return void fail(res, 500, 'Workflow Webhook Error: Workflow could not be started!');
		}
		if (result.workflowData) started.push({ workflowData: result.workflowData });
		// n8n 2.41.1 was seen to keep static data only from calls that start no execution.
		else staticData = deepCopy(target.workflow.staticData) as IDataObject;
		delete staticData.__dataChanged;
		answer(res, result, result.workflowData !== undefined);
	};

	const server = createServer((req, res) => {
		const response = expressResponse(res);
		handle(req, response).catch(() => {
			if (!res.headersSent) fail(response, 500, 'Workflow Webhook Error: Workflow could not be started!');
			else res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url,
		executions: started,
		getNodeWebhookUrl(name: WebhookType = 'default') {
			const target = triggerWebhook((_path, _methods, webhookName) => webhookName === name);
			if (!target) throw new Error(`The server has no trigger webhook named "${name}"`);
			return `${url}/webhook/${target.path}`;
		},
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** The trigger in a one-node workflow; its type is `n8n-nodes-tomoviee.<name>` unless given. */
function triggerSetup(nodeType: INodeType | IVersionedNodeType, options: WebhookServerOptions) {
	const { name } = NodeHelpers.getVersionedNodeType(nodeType, options.node?.typeVersion).description;
	const type = options.node?.type ?? `n8n-nodes-tomoviee.${name}`;
	const nodeTypes = new HarnessNodeTypes({ [type]: nodeType });
	const webhookId = `hook-${Math.random().toString(36).slice(2)}`;
	return { nodeTypes, nodes: [buildNode({ webhookId, ...options.node, type }, nodeTypes, options.credentials)] };
}
