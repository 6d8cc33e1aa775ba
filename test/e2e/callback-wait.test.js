'use strict';
/**
 * Wait Method "Wait for Callback" in a real n8n 2.41.1: the ToMoviee node submits with the
 * execution's resume URL as callback, n8n parks the execution in its database, and the
 * simulator's callbacks resume it once every task has ended.
 */
const { createSimulator } = require('../simulator');
const n8nLib = require('./lib/n8n');
const { ACTION_TYPE, chain, credentialRef, splitOutNode, stagePackage } = require('./lib/fixtures');

jest.setTimeout(600_000);

const APP_KEY = 'cb-key';
const APP_SECRET = 'cb-secret';
let simulator;
let n8n;
let stagedPackage;
let client;
let credential;

function waitWorkflow({ name, webhookPath, timeout = 120, onError, waitMethod = 'callback' }) {
	const nodes = [
		{
			id: `${webhookPath}-in`,
			name: 'Images In',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `${webhookPath}-hook`,
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
		},
		splitOutNode('body.images'),
		{
			id: `${webhookPath}-wait`,
			name: 'Recognize',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			...(onError ? { onError } : {}),
			credentials: credentialRef(credential),
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '2',
				waitForCompletion: true,
				waitMethod,
				options: { timeout, ...(waitMethod === 'poll' ? { pollInterval: 5 } : {}) },
			},
		},
		{ id: `${webhookPath}-done`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
	];
	return { name, nodes, connections: chain(nodes.map((node) => node.name)), settings: { executionOrder: 'v1' } };
}

async function createActiveWorkflow(definition) {
	const created = await client.rest('POST', '/workflows', definition);
	await n8nLib.activateWorkflow(client, created.id);
	return created.id;
}

async function startRun(webhookPath, urls) {
	const url = await n8nLib.waitForWebhook(n8n.baseUrl, webhookPath);
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ images: urls.map((u, i) => ({ id: i, url: u })) }),
	});
	expect(response.status).toBe(200);
}

async function executionsOf(workflowId) {
	return (await n8nLib.listExecutions(client, workflowId)).results;
}

async function waitForStatus(workflowId, statuses, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = await executionsOf(workflowId);
		if (latest && statuses.includes(latest.status)) return latest;
		if (Date.now() > deadline) throw new Error(`execution of ${workflowId} is ${latest?.status}, expected ${statuses}\ncallbacks: ${JSON.stringify(simulator.callbacks.slice(-3))}\n${n8n.logTail(15)}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

function queriesSince(from) {
	return simulator.requests.slice(from).filter((r) => r.path === '/v1/open/pub/task').length;
}

beforeAll(async () => {
	simulator = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, taskDurationMs: 1000, callbackForm: 'envelope' });
	const { url: simulatorUrl } = await simulator.start(0, '127.0.0.1');
	stagedPackage = stagePackage();
	n8n = await n8nLib.startN8n({ packageDir: stagedPackage.dir, env: { NODE_ENV: 'production' } });
	client = await n8nLib.setupOwner(n8n.baseUrl);
	credential = await n8nLib.createCredential(client, {
		name: 'ToMoviee callback e2e',
		type: 'toMovieeApi',
		data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: 578691780, baseUrl: simulatorUrl },
	});
});

afterAll(async () => {
	await n8n?.cleanup();
	await simulator?.stop();
	stagedPackage?.remove();
});

describe('Wait Method: Wait for Callback (real n8n)', () => {
	test('1 item: parks, then resumes on the callback with the polling output shape', async () => {
		const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb one', webhookPath: 'cb-one' }));
		const before = simulator.requests.length;
		await startRun('cb-one', ['https://x.test/one.png?duration=1500']);
		const waiting = await waitForStatus(workflowId, ['waiting', 'success', 'error']);
		expect(waiting.status).toBe('waiting');
		const [submit] = simulator.requests.slice(before).filter((r) => r.path.endsWith('tm_reference_img2mask'));
		expect(submit.body.callback).toMatch(new RegExp(`^${n8n.baseUrl}/webhook-waiting/${waiting.id}\\?signature=`));

		const done = await waitForStatus(workflowId, ['success', 'error']);
		expect(done.status).toBe('success');
		const execution = await n8nLib.getExecution(client, done.id);
		const [item] = n8nLib.nodeOutputJson(execution, 'Recognize');
		expect(item).toMatchObject({ status: 'succeeded', statusCode: 3, controlType: '2', imageUrl: 'https://x.test/one.png?duration=1500' });
		expect(item.resultUrls[0]).toMatch(/\/masks\/tm_\w+\.png$/);
		expect(n8nLib.nodeOutputJson(execution, 'Done')).toHaveLength(1);
		console.log(`1 item: ${simulator.requests.length - before} requests (${queriesSince(before)} task queries)`);
	});

	test('10 items, callbacks out of order, one failing: resumes once, after the last callback', async () => {
		const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb ten', webhookPath: 'cb-ten' }));
		const before = simulator.requests.length;
		const callbacksBefore = simulator.callbacks.length;
		// Durations descend, so ToMoviee calls back in the reverse order of the items.
		const urls = Array.from({ length: 10 }, (_, i) =>
			i === 4 ? `https://x.test/fail-${i}.png?duration=1200` : `https://x.test/ten-${i}.png?duration=${3000 - i * 200}`,
		);
		const started = Date.now();
		await startRun('cb-ten', urls);
		const done = await waitForStatus(workflowId, ['success', 'error']);
		const wall = Date.now() - started;
		expect(done.status).toBe('success');
		const execution = await n8nLib.getExecution(client, done.id);
		const items = n8nLib.nodeOutputJson(execution, 'Recognize');
		expect(items.map((item) => item.imageUrl)).toEqual(urls);
		items.forEach((item, i) => {
			if (i === 4) expect(item).toMatchObject({ status: 'failed', error: expect.stringMatching(/failed.*\[item 4\]/) });
			else expect(item).toMatchObject({ status: 'succeeded' });
		});
		// It resumes at the first callback that finds every task ended; later callbacks find the
		// execution finished.
		const delivered = simulator.callbacks.slice(callbacksBefore).filter((c) => c.status === 200);
		expect(delivered.length).toBeGreaterThanOrEqual(1);
		expect((await executionsOf(workflowId)).length).toBe(1);
		console.log(
			`10 items: wall ${wall} ms, ${simulator.requests.length - before} API requests (${queriesSince(before)} task queries), ${delivered.length} callbacks answered 200`,
		);
	});

	test('the same 10 items with Wait Method "Poll", for comparison', async () => {
		const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'poll ten', webhookPath: 'poll-ten', waitMethod: 'poll' }));
		const before = simulator.requests.length;
		const urls = Array.from({ length: 10 }, (_, i) =>
			i === 4 ? `https://x.test/fail-${i}.png?duration=1200` : `https://x.test/ten-${i}.png?duration=${3000 - i * 200}`,
		);
		const started = Date.now();
		await startRun('poll-ten', urls);
		const done = await waitForStatus(workflowId, ['success', 'error']);
		const wall = Date.now() - started;
		// Without continue-on-fail the failing task fails the node when polling.
		expect(done.status).toBe('error');
		console.log(`poll 10 items: wall ${wall} ms, ${simulator.requests.length - before} API requests (${queriesSince(before)} task queries)`);
	});

	test('a task that never calls back: n8n resumes at the timeout', async () => {
		const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb never', webhookPath: 'cb-never', timeout: 5 }));
		await startRun('cb-never', ['https://x.test/ok.png?duration=300', 'https://x.test/never.png']);
		const waiting = await waitForStatus(workflowId, ['waiting']);
		expect(waiting.status).toBe('waiting');
		// n8n's wait tracker looks for due executions every 60 s.
		const done = await waitForStatus(workflowId, ['success', 'error'], 150_000);
		const execution = await n8nLib.getExecution(client, done.id);
		// n8n resumes a timed-out wait the way it resumes its own Wait node: the node passes its
		// input items through (the documented rule; Task > Get finds the tasks later).
		expect(done.status).toBe('success');
		expect(n8nLib.nodeOutputJson(execution, 'Recognize')).toEqual([
			{ id: 0, url: 'https://x.test/ok.png?duration=300' },
			{ id: 1, url: 'https://x.test/never.png' },
		]);
	});

	test('n8n restarted while waiting: the callback after the restart resumes the execution', async () => {
		const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb restart', webhookPath: 'cb-restart' }));
		simulator.configure({ callbackRetries: 8 });
		await startRun('cb-restart', ['https://x.test/restart.png?duration=6000']);
		const waiting = await waitForStatus(workflowId, ['waiting']);
		await n8n.restart();
		client = await n8nLib.login(n8n.baseUrl);
		const done = await waitForStatus(workflowId, ['success', 'error'], 90_000);
		expect(done.id).toBe(waiting.id);
		expect(done.status).toBe('success');
		const execution = await n8nLib.getExecution(client, done.id);
		expect(n8nLib.nodeOutputJson(execution, 'Recognize')[0]).toMatchObject({ status: 'succeeded' });
	});
});
