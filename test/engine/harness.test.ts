import type {
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

import { runWebhook, runWorkflow, startWebhookServer, START_NODE_NAME } from '../harness';

// A tiny API server that answers with what it saw.
interface SeenRequest {
	method?: string;
	url?: string;
	headers: IncomingHttpHeaders;
}
let api: Server;
let apiUrl: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
	api = createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, headers: req.headers });
		if (req.url?.startsWith('/fail')) {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'upstream exploded' }));
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ path: req.url, authorization: req.headers.authorization }));
	});
	await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
	apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
afterAll(async () => {
	api.closeAllConnections();
	await new Promise((resolve) => api.close(resolve));
});
beforeEach(() => {
	seen.length = 0;
});

class TestCred implements ICredentialType {
	name = 'testCred';
	displayName = 'Test Credential';
	properties: ICredentialType['properties'] = [
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Pass', name: 'pass', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: {
			auth: { username: '={{$credentials.user}}', password: '={{$credentials.pass}}' },
			headers: { 'X-Key': '={{$credentials.user}}' },
			qs: { region: '={{$credentials.region}}' },
		},
	};
}

class FunctionCred implements ICredentialType {
	name = 'functionCred';
	displayName = 'Function Credential';
	properties: ICredentialType['properties'] = [
		{ displayName: 'Token', name: 'token', type: 'string', default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
	];
	authenticate = async (credentials: { token?: unknown }, options: IHttpRequestOptions) => ({
		...options,
		headers: { ...options.headers, authorization: `Bearer ${String(credentials.token)}` },
	});
}

const actionDescription = (name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: `Test node ${name}`,
	defaults: { name },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/' }],
	...extra,
});

/** Calls the API once per item through n8n-core's httpRequestWithAuthentication. */
class Caller implements INodeType {
	description = actionDescription('caller', {
		credentials: [
			{ name: 'testCred', required: true },
			{ name: 'functionCred', required: false },
		],
		properties: [
			{ displayName: 'Path', name: 'path', type: 'string', default: '/' },
			{ displayName: 'Credential', name: 'credential', type: 'string', default: 'testCred' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const credentialType = this.getNodeParameter('credential', i) as string;
			const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(credentialType);
			const answer = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'GET',
				url: `${baseUrl}${this.getNodeParameter('path', i) as string}`,
				json: true,
			})) as object;
			out.push({ json: { ...answer }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Fails item 1 the way n8n nodes do: an error item when continuing on fail, else a throw. */
class Picky implements INodeType {
	description = actionDescription('picky');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (const [i, item] of this.getInputData().entries()) {
			try {
				if (item.json.bad) throw new NodeOperationError(this.getNode(), 'Item is bad', { itemIndex: i });
				out.push({ json: { ok: item.json.n }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

/** Throws without looking at continueOnFail. */
class Thrower implements INodeType {
	description = actionDescription('thrower');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'Always fails', { itemIndex: 0 });
	}
}

const creds = {
	testCred: { id: '1', name: 'Test account', data: { user: 'alice', pass: 's3cret' } },
	functionCred: { id: '2', name: 'Token account', data: { token: 'tok-123' } },
};

const callerWorkflow = {
	nodeTypes: { 'test.caller': new Caller() },
	credentialTypes: { testCred: new TestCred(), functionCred: new FunctionCred() },
};

describe('runWorkflow', () => {
	test('applies a generic authenticate block (basic auth, header, query) to real requests', async () => {
		const result = await runWorkflow({
			...callerWorkflow,
			credentials: {
				...creds,
				testCred: { ...creds.testCred, data: { ...creds.testCred.data, baseUrl: apiUrl } },
			},
			items: [{ json: { n: 1 } }, { json: { n: 2 } }],
			node: { type: 'test.caller', parameters: { path: '/tasks' } },
		});

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(seen).toHaveLength(2);
		const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
		for (const req of seen) {
			expect(req.headers.authorization).toBe(basic);
			expect(req.headers['x-key']).toBe('alice');
			// `region` is not stored: the credential type's default was applied, like n8n does.
			expect(req.url).toBe('/tasks?region=eu');
		}
		expect(result.items.map((item) => [item.json.authorization, item.pairedItem])).toEqual([
			[basic, { item: 0 }],
			[basic, { item: 1 }],
		]);
		expect(result.nodeExecutionOrder).toEqual([START_NODE_NAME, 'caller']);
	});

	test('calls a function-typed authenticate', async () => {
		const result = await runWorkflow({
			...callerWorkflow,
			credentials: {
				...creds,
				functionCred: { ...creds.functionCred, data: { ...creds.functionCred.data, baseUrl: apiUrl } },
			},
			node: { type: 'test.caller', parameters: { path: '/fn', credential: 'functionCred' } },
		});

		expect(result.error).toBeUndefined();
		expect(seen.map((req) => req.headers.authorization)).toEqual(['Bearer tok-123']);
	});

	test('reports the NodeApiError instance when the API fails', async () => {
		const result = await runWorkflow({
			...callerWorkflow,
			credentials: {
				...creds,
				testCred: { ...creds.testCred, data: { ...creds.testCred.data, baseUrl: apiUrl } },
			},
			node: { type: 'test.caller', parameters: { path: '/fail' } },
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('500');
		expect(result.items).toEqual([]);
	});

	test('without continueOnFail a thrown NodeOperationError fails the run', async () => {
		const result = await runWorkflow({
			nodeTypes: { 'test.picky': new Picky() },
			items: [{ json: { n: 1 } }, { json: { n: 2, bad: true } }],
			node: { type: 'test.picky' },
		});

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Item is bad');
		expect((result.error as NodeOperationError).context.itemIndex).toBe(1);
		expect(result.items).toEqual([]);
	});

	test('continueOnFail turns the thrown NodeOperationError into an error item', async () => {
		const result = await runWorkflow({
			nodeTypes: { 'test.picky': new Picky() },
			items: [{ json: { n: 1 } }, { json: { n: 2, bad: true } }],
			node: { type: 'test.picky', continueOnFail: true },
		});

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([
			{ json: { ok: 1 }, pairedItem: { item: 0 } },
			{ json: { error: 'Item is bad' }, pairedItem: { item: 1 } },
		]);
	});

	test('abortAfterMs reaches the node through its execution cancel signal', async () => {
		const observed: { aborted?: boolean } = {};
		class Sleeper implements INodeType {
			description = actionDescription('sleeper');

			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const signal = this.getExecutionCancelSignal();
				try {
					await sleep(10_000, signal);
				} finally {
					observed.aborted = signal?.aborted;
				}
				return [[{ json: { slept: true } }]];
			}
		}

		const started = Date.now();
		const result = await runWorkflow({
			nodeTypes: { 'test.sleeper': new Sleeper() },
			node: { type: 'test.sleeper' },
			abortAfterMs: 150,
		});

		expect(Date.now() - started).toBeLessThan(5_000);
		expect(observed.aborted).toBe(true);
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.items).toEqual([]);
		// sleep() rejected with the abort; under jest the DOMException comes from another realm,
		// so n8n's ensureError wraps it and keeps it as the cause.
		expect(result.error).toBeDefined();
	});

	test('runs several connected nodes', async () => {
		const result = await runWorkflow({
			nodeTypes: { 'test.picky': new Picky(), 'test.thrower': new Thrower() },
			items: [{ json: { n: 7 } }],
			nodes: [
				{ id: 'a', name: 'First', type: 'test.picky', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'b',
					name: 'Second',
					type: 'test.thrower',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
					onError: 'continueRegularOutput',
				},
			],
			connections: {
				First: { main: [[{ node: 'Second', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
		});

		expect(result.nodeExecutionOrder).toEqual([START_NODE_NAME, 'First', 'Second']);
		expect(result.resultNode).toBe('Second');
		expect(result.items.map((item) => item.json)).toEqual([{ ok: 7 }]);
	});

	test('$execution.resumeUrl is signed and putExecutionToWait parks the run', async () => {
		const until = new Date(Date.now() + 60_000);
		class Parker implements INodeType {
			description = actionDescription('parker');

			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
				await this.putExecutionToWait(until);
				return [[{ json: { resumeUrl }, pairedItem: { item: 0 } }]];
			}
		}

		const result = await runWorkflow({
			nodeTypes: { 'test.parker': new Parker() },
			node: { type: 'test.parker' },
			executionId: '42',
			baseUrl: 'http://127.0.0.1:5678',
		});

		expect(result.status).toBe('waiting');
		expect(result.waitTill).toEqual(until);
		expect(result.items[0].json.resumeUrl).toMatch(
			/^http:\/\/127\.0\.0\.1:5678\/webhook-waiting\/42\?signature=[0-9a-f]{64}$/,
		);
	});
});

/** Answers 401 itself for a wrong secret, else starts the workflow with the body. */
class Hook implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Hook Trigger',
		name: 'hookTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test webhook trigger',
		defaults: { name: 'Hook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'testCred', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { pass } = await this.getCredentials<{ pass: string }>('testCred');
		const res = this.getResponseObject();
		if (this.getHeaderData()['x-secret'] !== pass) {
			res.status(401).json({ message: 'bad secret' });
			return { noWebhookResponse: true };
		}
		const seenCount = this.getWorkflowStaticData('node');
		seenCount.deliveries = ((seenCount.deliveries as number) ?? 0) + 1;
		const body = this.getBodyData();
		return {
			webhookResponse: { ok: true, url: this.getNodeWebhookUrl('default') },
			workflowData: [this.helpers.returnJsonArray({ ...body, raw: this.getRequestObject().rawBody.toString() })],
		};
	}
}

const hookOptions = {
	nodeType: new Hook(),
	node: { webhookId: 'wh-1' },
	credentialTypes: { testCred: new TestCred() },
	credentials: { testCred: creds.testCred },
};

describe('runWebhook', () => {
	test('runs webhook() through WebhookContext with the request and credentials', async () => {
		const result = await runWebhook({
			...hookOptions,
			request: { method: 'POST', headers: { 'X-Secret': 's3cret' }, body: { taskId: 't1' } },
		});

		expect(result.noWebhookResponse).toBe(false);
		expect(result.webhookResponse).toEqual({
			ok: true,
			url: 'http://localhost:5678/webhook/wh-1/callback',
		});
		expect(result.workflowData).toEqual([[{ json: { taskId: 't1', raw: '{"taskId":"t1"}' } }]]);
		expect(result.staticData).toEqual({ 'node:Hook Trigger': { deliveries: 1 } });
		expect(result.response.ended).toBe(false);
	});

	test('records what the node answered itself', async () => {
		const result = await runWebhook({
			...hookOptions,
			request: { headers: { 'x-secret': 'wrong' }, body: {} },
		});

		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toBeUndefined();
		expect(result.response).toMatchObject({ statusCode: 401, body: { message: 'bad secret' }, ended: true });
	});
});

describe('startWebhookServer', () => {
	test('serves the webhook over real HTTP and counts started executions', async () => {
		const server = await startWebhookServer(hookOptions);
		try {
			const hookUrl = server.getNodeWebhookUrl('default');
			expect(hookUrl).toBe(`${server.url}/webhook/wh-1/callback`);

			const ok = await request(hookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-secret': 's3cret' },
				body: JSON.stringify({ taskId: 't2' }),
			});
			expect(ok.statusCode).toBe(200);
			expect(await ok.body.json()).toEqual({ ok: true, url: hookUrl });

			const denied = await request(hookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-secret': 'nope' },
				body: '{}',
			});
			expect(denied.statusCode).toBe(401);
			expect(await denied.body.json()).toEqual({ message: 'bad secret' });

			const broken = await request(hookUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-secret': 's3cret' },
				body: '{"taskId":',
			});
			expect(broken.statusCode).toBe(422);
			await broken.body.dump();

			const wrongMethod = await request(hookUrl, { method: 'GET' });
			expect(wrongMethod.statusCode).toBe(404);
			expect(((await wrongMethod.body.json()) as { message: string }).message).toContain(
				'Did you mean to make a POST request?',
			);

			expect(server.executions).toHaveLength(1);
			expect(server.executions[0].workflowData[0][0].json).toMatchObject({ taskId: 't2' });
			// n8n 2.41.1 did not keep static data changed by a call that started an execution.
			expect(server.staticData).toEqual({});
		} finally {
			await server.close();
		}
	});
});
