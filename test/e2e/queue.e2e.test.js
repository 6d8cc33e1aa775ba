'use strict';
/**
 * The package in n8n 2.41.1 queue mode: one main, one worker (concurrency 10, n8n's default), two
 * webhook processes, PostgreSQL + Redis (test/tools/ensure-services.sh), binary data in the
 * database, and a load balancer of the test's own (test/e2e/lib/queue.js) in front of the webhook
 * processes: N8N_WEBHOOK_URL points at it, so the trigger's URL and every resume URL do, and the
 * simulator's callbacks reach the webhook processes in turn (or, for the dedupe case, both).
 *
 * Runs as its own stage: `npx jest --selectProjects e2e-queue --runInBand --forceExit`.
 * Each case prints its measured figures; afterAll prints the whole summary (stage time, peak
 * memory of the n8n processes, counts). No assertion is about wall-clock time.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const queue = require('./lib/queue');
const { createSimulator } = require('../simulator');

jest.setTimeout(600_000); // generous: a loaded 2-core machine; no assertion is about time

const APP_KEY = 'queue-key';
const APP_SECRET = 'queue-secret';
const WSID = 4343;
const TASK_QUERY_PATH = '/v1/open/pub/task';
const EXAMPLE_FILE = path.join(fx.REPO_ROOT, 'examples/queue-mode-dedupe.workflow.json');
const EXAMPLE = JSON.parse(fs.readFileSync(EXAMPLE_FILE, 'utf8'));
const DEDUPE_WEBHOOK_ID = EXAMPLE.nodes.find((node) => node.webhookId).webhookId;
const BINARY_TRIGGER_WEBHOOK_ID = '5b8e2d1c-4a3f-4e6b-9d7c-00000000b1b1';
const APP_DATABASE = 'tomoviee_app';
const CALLBACK_TIMEOUT_MS = 30_000;
// extra environment for every n8n process, e.g. '{"N8N_EXPRESSION_ENGINE":"legacy"}' to compare
const EXTRA_N8N_ENV = JSON.parse(process.env.TOMOVIEE_QUEUE_N8N_ENV || '{}');

const state = { figures: {} };
const startedAt = Date.now();

function report(name, figures) {
	state.figures[name] = figures;
	process.stdout.write(`[queue e2e] ${name}: ${JSON.stringify(figures)}\n`);
}

/** Adds the ends of the n8n logs to a failing case's error. */
function withLogs(run) {
	return async () => {
		try {
			await run();
		} catch (error) {
			if (state.q) {
				for (const p of state.q.processes) {
					error.message += `\n\n--- end of the ${p.name} log ---\n${state.q.logTail(p.name, 25)}`;
				}
			}
			throw error;
		}
	};
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, check, { timeoutMs = 120_000, intervalMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(intervalMs);
	}
}

async function postJson(url, body) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: response.status, text: await response.text() };
}

function taskQueries(fromIndex = 0) {
	return state.sim.requests.slice(fromIndex).filter((request) => request.path === TASK_QUERY_PATH).length;
}

// ---------------------------------------------------------------- workflows

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

function webhookIn(webhookPath) {
	return node(
		'Images In',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
		{ webhookId: crypto.randomUUID() },
	);
}

/** Set node that records which n8n process ran it (TOMOVIEE_E2E_PROCESS), keeping the item. */
function whereNode() {
	return node('Where', 'n8n-nodes-base.set', 3.4, {
		mode: 'manual',
		includeOtherFields: true,
		assignments: {
			assignments: [{ id: crypto.randomUUID(), name: 'ranOn', value: '={{ $env.TOMOVIEE_E2E_PROCESS }}', type: 'string' }],
		},
		options: {},
	});
}

/** HTTP Request node: POSTs the item's binary `data` (or its JSON) to the counting sink. */
function sinkNode(name, sinkPath, { binary = false } = {}) {
	const parameters = {
		method: 'POST',
		url: `${state.sink.url}${sinkPath}`,
		sendQuery: true,
		queryParameters: {
			parameters: [
				{ name: 'task', value: '={{ $json.taskId }}' },
				{ name: 'execution', value: '={{ $execution.id }}' },
				{ name: 'ranOn', value: '={{ $env.TOMOVIEE_E2E_PROCESS }}' },
			],
		},
		sendBody: true,
		options: {},
	};
	if (binary) Object.assign(parameters, { contentType: 'binaryData', inputDataFieldName: 'data' });
	else Object.assign(parameters, { specifyBody: 'json', jsonBody: '={{ JSON.stringify({ taskId: $json.taskId }) }}' });
	return node(name, 'n8n-nodes-base.httpRequest', 4.2, parameters);
}

function recognizeNode({ waitMethod, options = {}, waitForCompletion = true }) {
	return node(
		'Recognize',
		fx.ACTION_TYPE,
		1,
		{
			resource: 'imageRecognition',
			operation: 'recognize',
			imageUrl: '={{ $json.url }}',
			controlType: '2',
			waitForCompletion,
			...(waitForCompletion ? { waitMethod } : {}),
			options,
		},
		{ credentials: fx.credentialRef(state.credential) },
	);
}

function linear(name, nodes) {
	nodes.forEach((entry, index) => (entry.position = [index * 220, 0]));
	return { name, nodes, connections: fx.chain(nodes.map((entry) => entry.name)), settings: { executionOrder: 'v1' } };
}

async function createActive(workflow) {
	const created = await state.client.rest('POST', '/workflows', workflow);
	await n8nLib.activateWorkflow(state.client, created.id);
	return created.id;
}

/** Creates and activates a Webhook-started workflow; resolves to { id, url } (url via the balancer). */
async function webhookWorkflow(name, webhookPath, tail) {
	const id = await createActive(linear(name, [webhookIn(webhookPath), fx.splitOutNode('body.images'), ...tail]));
	const url = await queue.waitForWebhookEverywhere(state.q, webhookPath);
	return { id, url };
}

/** Starts a batch through the balancer; resolves to the execution id it started. */
async function startBatch(workflow, images, extra = {}) {
	const before = new Set((await state.q.executions(workflow.id)).map((execution) => execution.id));
	const response = await postJson(workflow.url, { images, ...extra });
	expect(response.status).toBe(200);
	const execution = await waitFor('the batch execution', async () =>
		(await state.q.executions(workflow.id)).find((e) => !before.has(e.id)),
	);
	return execution.id;
}

async function finished(workflowId, executionId, timeoutMs = 180_000) {
	return waitFor(
		`execution ${executionId} to finish`,
		async () => {
			const execution = (await state.q.executions(workflowId)).find((e) => e.id === executionId);
			return execution && !['new', 'running', 'waiting'].includes(execution.status) ? execution : undefined;
		},
		{ timeoutMs },
	);
}

function imagesOf(count, label, durationOf) {
	return Array.from({ length: count }, (_, i) => ({
		id: `${label}-${i}`,
		url: `https://images.example/${label}-${i}.jpg${durationOf ? `?duration=${durationOf(i)}` : ''}`,
	}));
}

/**
 * Waits until the simulator has a 2xx answer for every task's callback, or has used up its tries on
 * it (no new try for longer than one try may take); never throws. Resolves to { accepted, tries, notAccepted }.
 */
async function settleCallbacks(taskIds, fromIndex, { timeoutMs = 150_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	const wanted = new Set(taskIds);
	let lastCount = -1;
	let quietSince = Date.now();
	for (;;) {
		const tries = state.sim.callbacks.slice(fromIndex).filter((c) => wanted.has(c.task_id));
		const accepted = new Set(tries.filter((c) => c.status >= 200 && c.status < 300).map((c) => c.task_id));
		if (tries.length !== lastCount) {
			lastCount = tries.length;
			quietSince = Date.now();
		}
		const done = accepted.size === wanted.size || Date.now() - quietSince > CALLBACK_TIMEOUT_MS + 5_000 || Date.now() > deadline;
		if (done) {
			const statuses = tries.reduce((acc, c) => ({ ...acc, [c.status ?? c.error]: (acc[c.status ?? c.error] ?? 0) + 1 }), {});
			return { accepted: accepted.size, tries: tries.length, statuses, notAccepted: [...wanted].filter((id) => !accepted.has(id)).length };
		}
		await sleep(250);
	}
}

/** Task ids of a batch: from the node's output, else the callbacks of tasks submitted since `fromRequest`. */
function batchTaskIds(items, fromRequest) {
	const ids = items.map((item) => item.taskId).filter(Boolean);
	if (ids.length > 0) return ids;
	const callbackUrls = new Set(state.sim.requests.slice(fromRequest).map((r) => r.body?.callback).filter(Boolean));
	return [...new Set(state.sim.callbacks.filter((c) => callbackUrls.has(c.url)).map((c) => c.task_id))];
}

/** A balancer record without bodies, for assertion messages. */
function brief(record) {
	return { path: record.path, status: record.status, index: record.index, ms: record.ms, targets: record.targets.map((t) => ({ index: t.index, status: t.status, error: t.error, ms: t.ms })) };
}

/** Map task id -> status of the simulator's last callback try for it. */
function lastTryStatuses(tries) {
	const last = new Map();
	for (const attempt of tries) last.set(attempt.task_id, attempt.status);
	return last;
}

function callbackRecords(executionId) {
	return state.q.balancer.records.filter((record) => record.path === `/webhook-waiting/${executionId}`);
}

function latencyFigures(records) {
	const summary = queue.summarizeRecords(records);
	return {
		callbacks: summary.count,
		p50Ms: summary.p50,
		p99Ms: summary.p99,
		maxMs: summary.max,
		atProcessP50Ms: summary.serviceP50,
		atProcessP99Ms: summary.serviceP99,
		statuses: summary.byStatus,
		perProcess: summary.byTarget,
	};
}

/** The task id a callback body names (bare, {code,msg,data} envelope or camelCase). */
function callbackTaskId(bodyText) {
	try {
		const body = JSON.parse(bodyText);
		const task = body && typeof body.data === 'object' && body.data !== null ? body.data : body;
		return String(task.task_id ?? task.taskId ?? '');
	} catch {
		return '';
	}
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	// A callback answered after the simulator's 5 s default is tried again: the stage measures the
	// answer times instead (callbackAnswer), so slow answers do not multiply the load here.
	state.sim = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, taskDurationMs: [300, 1200], callbackTimeoutMs: CALLBACK_TIMEOUT_MS });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.sink = await queue.startSink();
	state.q = await queue.startQueueMode({
		packageDir: state.pkg.dir,
		env: EXTRA_N8N_ENV,
		maxInFlightPerWebhookProcess: Number(process.env.TOMOVIEE_QUEUE_MAX_IN_FLIGHT || 5),
		// the dedupe case: every callback to its trigger goes to both webhook processes at once
		mirror: ({ path: requestPath }) => requestPath.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`),
	});
	state.client = await n8nLib.setupOwner(state.q.main.baseUrl);
	state.credential = await n8nLib.createCredential(state.client, {
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: state.simUrl },
	});
	const { pg } = state.q.services;
	await state.q.services.psql(`CREATE DATABASE ${APP_DATABASE}`, { database: 'postgres' });
	state.postgresCredential = await n8nLib.createCredential(state.client, {
		name: 'Postgres (dedupe table)',
		type: 'postgres',
		data: { host: pg.host, port: pg.port, database: APP_DATABASE, user: pg.user, password: pg.password, ssl: 'disable' },
	});
	// One submit workflow for every callback case: the callback URL comes with the request.
	state.submit = await webhookWorkflow('queue submit with callback', 'q-submit', [
		recognizeNode({
			waitForCompletion: false,
			options: {
				callbackUrl: "={{ $('Images In').item.json.body.callbackUrl }}",
				passThrough: '={{ JSON.stringify({ imageId: $json.id }) }}',
			},
		}),
	]);
}, 1_500_000); // a first run installs Node 24 + n8n (minutes) and PostgreSQL/Redis (about a minute)

afterAll(async () => {
	if (state.q) {
		const memory = state.q.peakMemory();
		const mb = (bytes) => Math.round(bytes / 1024 / 1024);
		report('stage', {
			seconds: Math.round((Date.now() - startedAt) / 1000),
			startSeconds: Math.round(state.q.startSeconds),
			peakRssMb: { total: mb(memory.total), ...Object.fromEntries(Object.entries(memory.byName).map(([name, bytes]) => [name, mb(bytes)])) },
		});
	}
	process.stdout.write(`[queue e2e] summary ${JSON.stringify(state.figures, null, 2)}\n`);
	await state.q?.cleanup();
	await state.sink?.stop();
	await state.sim?.stop();
	state.pkg?.remove();
});

// ---------------------------------------------------------------- cases

describe('n8n queue mode: main + worker + 2 webhook processes, PostgreSQL, Redis', () => {
	test(
		'Recognize with Poll, 200 items: runs on the worker and gives 200 outputs in input order',
		withLogs(async () => {
			const workflow = await webhookWorkflow('queue poll 200', 'q-poll', [
				recognizeNode({ waitMethod: 'poll', options: { pollInterval: 1, timeout: 180 } }),
				whereNode(),
			]);
			const images = imagesOf(200, 'poll');
			const fromRequest = state.sim.requests.length;
			// 50 ms per API answer, so the simulator's peak in-flight count shows the worker's concurrency
			state.sim.configure({ latencyMs: 50 });
			const peakBefore = state.sim.stats.maxInFlight;
			const started = Date.now();
			let done;
			let executionId;
			try {
				executionId = await startBatch(workflow, images);
				done = await finished(workflow.id, executionId);
			} finally {
				state.sim.configure({ latencyMs: 0 });
			}
			const seconds = (Date.now() - started) / 1000;
			expect(done.status).toBe('success');

			const execution = await n8nLib.getExecution(state.client, executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			expect(items).toHaveLength(200);
			expect(items.map((item) => item.imageUrl)).toEqual(images.map((image) => image.url));
			expect(items.filter((item) => item.status !== 'succeeded')).toEqual([]);
			const where = n8nLib.nodeOutputJson(execution, 'Where');
			expect(new Set(where.map((item) => item.ranOn))).toEqual(new Set(['worker']));
			expect(state.q.jobStarts('worker').get(executionId)).toBe(1);
			for (const other of ['main', 'webhook-1', 'webhook-2']) expect(state.q.jobStarts(other).size).toBe(0);

			const submits = state.sim.requests.slice(fromRequest).filter((r) => r.path.endsWith('/tm_reference_img2mask')).length;
			report('poll 200 items', { seconds, outputs: items.length, ranOn: [...new Set(where.map((i) => i.ranOn))], submits, taskQueries: taskQueries(fromRequest), peakRequestsInFlight: Math.max(peakBefore, state.sim.stats.maxInFlight) });
		}),
	);

	test(
		'trigger round trip, 50 tasks, each callback delivered to both webhook processes: the dedupe example runs its downstream step exactly once per task at worker concurrency 10',
		withLogs(async () => {
			// the shipped example, with this run's credentials and two counting steps added
			const createTable = EXAMPLE.nodes.find((entry) => entry.name === 'Create table').parameters.query;
			await state.q.services.psql(createTable, { database: APP_DATABASE });
			const workflow = JSON.parse(JSON.stringify(EXAMPLE));
			delete workflow.id;
			workflow.name = 'queue dedupe (example)';
			for (const entry of workflow.nodes) {
				if (entry.credentials?.toMovieeApi) entry.credentials = fx.credentialRef(state.credential);
				if (entry.credentials?.postgres) {
					entry.credentials = { postgres: { id: state.postgresCredential.id, name: state.postgresCredential.name } };
				}
			}
			const downstream = sinkNode('Count downstream run', '/downstream');
			const removeDuplicates = node('Remove Duplicates', 'n8n-nodes-base.removeDuplicates', 2, {
				operation: 'removeItemsSeenInPreviousExecutions',
				logic: 'removeItemsWithAlreadySeenKeyValues',
				dedupeValue: '={{ $json.taskId }}',
				options: {},
			});
			const afterRemoveDuplicates = sinkNode('Count Remove Duplicates run', '/remove-duplicates');
			workflow.nodes.push(downstream, removeDuplicates, afterRemoveDuplicates);
			workflow.connections['Mask ready'] = { main: [[{ node: downstream.name, type: 'main', index: 0 }]] };
			// for comparison only: n8n's Remove Duplicates on a second branch of the same trigger
			workflow.connections['ToMoviee Trigger'].main[0].push({ node: removeDuplicates.name, type: 'main', index: 0 });
			workflow.connections[removeDuplicates.name] = { main: [[{ node: afterRemoveDuplicates.name, type: 'main', index: 0 }]] };
			const workflowId = await createActive(workflow);
			const callbackUrl = await queue.waitForWebhookEverywhere(state.q, `${DEDUPE_WEBHOOK_ID}/callback`);

			const images = imagesOf(50, 'dedupe');
			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const recordsBefore = state.q.balancer.records.length;
			await startBatch(state.submit, images, { callbackUrl });
			const taskIds = await waitFor('50 submitted tasks', async () => {
				const submitExecution = (await state.q.executions(state.submit.id)).at(-1);
				if (!submitExecution || submitExecution.status !== 'success') return undefined;
				const details = await n8nLib.getExecution(state.client, submitExecution.id);
				return n8nLib.nodeOutputJson(details, 'Recognize').map((item) => item.taskId);
			});
			expect(new Set(taskIds).size).toBe(50);
			const callbacks = await settleCallbacks(taskIds, callbacksBefore);
			const executions = await state.q.settledExecutions(workflowId, { count: 1, settleMs: 3_000 });

			const deliveries = state.q.balancer.records.slice(recordsBefore).filter((r) => r.path === `/webhook/${DEDUPE_WEBHOOK_ID}/callback`);
			const downstreamTasks = state.sink.on('/downstream').map((request) => request.query.task);
			const removeDuplicatesTasks = state.sink.on('/remove-duplicates').map((request) => request.query.task);
			const claimed = await state.q.services.psql('SELECT count(*) FROM tomoviee_seen', { database: APP_DATABASE });
			report('trigger round trip 50 tasks x 2 deliveries', {
				taskQueries: taskQueries(fromRequest),
				deliveries: deliveries.length * 2,
				triggerExecutions: executions.length,
				executionStatuses: executions.reduce((acc, e) => ({ ...acc, [e.status]: (acc[e.status] ?? 0) + 1 }), {}),
				downstreamRuns: downstreamTasks.length,
				removeDuplicatesDownstreamRuns: removeDuplicatesTasks.length,
				rowsClaimed: Number(claimed[0][0]),
				callbacks,
				callbackAnswer: latencyFigures(deliveries),
				forwardsPerProcess: deliveries.flatMap((d) => d.targets).reduce((acc, t) => ({ ...acc, [`webhook-${t.index + 1}:${t.status ?? t.error}`]: (acc[`webhook-${t.index + 1}:${t.status ?? t.error}`] ?? 0) + 1 }), {}),
			});
			// every task's callback reached each webhook process and was accepted by both
			const acceptedBy = new Map(taskIds.map((id) => [id, new Set()]));
			for (const delivery of deliveries) {
				expect(delivery.mirrored).toBe(true);
				for (const attempt of delivery.targets) {
					if (attempt.status === 200) acceptedBy.get(callbackTaskId(delivery.body))?.add(attempt.index);
				}
			}
			expect([...acceptedBy.values()].filter((processes) => processes.size !== 2)).toEqual([]);
			// (whether the simulator saw the 200 before its own timeout is reported, not asserted: that
			// is a matter of answer time, see callbackAnswer)
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
			expect(executions.length).toBeGreaterThanOrEqual(50);
			expect(downstreamTasks.sort()).toEqual([...taskIds].sort());
			expect(new Set(state.sink.on('/downstream').map((r) => r.query.ranOn))).toEqual(new Set(['worker']));

			// For comparison with the burst: the same callbacks again, one at a time, straight to webhook-1
			// (every task is in its duplicate window by now, so nothing starts).
			const sequential = [];
			for (const delivery of deliveries.slice(0, 10)) {
				const started = Date.now();
				const response = await fetch(`${state.q.webhooks[0].baseUrl}${delivery.url}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: delivery.body,
				});
				await response.text();
				sequential.push({ ms: Date.now() - started, status: response.status });
			}
			const ms = sequential.map((entry) => entry.ms);
			report('trigger callback answered one at a time (duplicates)', {
				p50Ms: queue.percentile(ms, 50),
				maxMs: Math.max(...ms),
				statuses: [...new Set(sequential.map((entry) => entry.status))],
			});
		}),
	);

	test(
		'Wait for Callback, 20 items, callbacks alternating between the webhook processes: one resume, on the worker, 20 items in input order',
		withLogs(async () => {
			const workflow = await webhookWorkflow('queue wait 20', 'q-wait', [
				recognizeNode({ waitMethod: 'callback', options: { timeout: 180 } }),
				whereNode(),
				node('Done', 'n8n-nodes-base.noOp', 1, {}),
			]);
			// callbacks spread over about 4 s, in a shuffled order of the items
			const images = imagesOf(20, 'wait', (i) => 1000 + ((i * 7) % 20) * 150);
			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const executionId = await startBatch(workflow, images);
			const done = await finished(workflow.id, executionId);
			const execution = await n8nLib.getExecution(state.client, executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			const callbacks = await settleCallbacks(batchTaskIds(items, fromRequest), callbacksBefore, { timeoutMs: 30_000 });
			const records = callbackRecords(executionId);
			const simCallbacks = state.sim.callbacks.slice(callbacksBefore);
			report('wait for callback 20 items', {
				status: done.status,
				callbacks,
				items: items.length,
				jobsOnWorker: state.q.jobStarts('worker').get(executionId),
				taskQueries: taskQueries(fromRequest),
				callbackTries: simCallbacks.length,
				callbackAnswer: latencyFigures(records),
			});
			expect(done.status).toBe('success');
			expect(items).toHaveLength(20);
			expect(items.map((item) => item.imageUrl)).toEqual(images.map((image) => image.url));
			expect(items.filter((item) => item.status !== 'succeeded')).toEqual([]);
			expect(new Set(n8nLib.nodeOutputJson(execution, 'Where').map((item) => item.ranOn))).toEqual(new Set(['worker']));
			expect(n8nLib.nodeOutputJson(execution, 'Done')).toHaveLength(20);
			// one job to start, one to resume: exactly one resume
			expect(state.q.jobStarts('worker').get(executionId)).toBe(2);
			expect((await state.q.executions(workflow.id)).length).toBe(1);
			// both webhook processes took callbacks of this batch, and every try got an answer from n8n
			const perProcess = queue.summarizeRecords(records).byTarget;
			expect(perProcess['webhook-1']).toBeGreaterThan(0);
			expect(perProcess['webhook-2']).toBeGreaterThan(0);
			expect(records.filter((record) => record.status === 502 || record.status === undefined).map(brief)).toEqual([]);
			// each task was called back (what the simulator saw of the answers is reported above)
			expect(lastTryStatuses(simCallbacks).size).toBe(20);
		}),
	);

	test(
		'Download Result Images with database binary mode: the binary reaches the next node on the worker intact (trigger and Wait for Callback)',
		withLogs(async () => {
			const triggerWorkflowId = await createActive(
				linear('queue binary trigger', [
					{
						...node('ToMoviee Trigger', fx.TRIGGER_TYPE, 1, { options: { download: true } }),
						webhookId: BINARY_TRIGGER_WEBHOOK_ID,
						credentials: fx.credentialRef(state.credential),
					},
					sinkNode('Post binary', '/binary-trigger', { binary: true }),
				]),
			);
			const triggerUrl = await queue.waitForWebhookEverywhere(state.q, `${BINARY_TRIGGER_WEBHOOK_ID}/callback`);
			const waitWorkflow = await webhookWorkflow('queue binary wait', 'q-binary-wait', [
				recognizeNode({ waitMethod: 'callback', options: { timeout: 120, download: true } }),
				sinkNode('Post binary', '/binary-wait', { binary: true }),
			]);

			await startBatch(state.submit, imagesOf(3, 'bin-trigger'), { callbackUrl: triggerUrl });
			const waitExecutionId = await startBatch(waitWorkflow, imagesOf(3, 'bin-wait'));
			const triggerExecutions = await state.q.settledExecutions(triggerWorkflowId, { count: 3, settleMs: 1_000 });
			const waitDone = await finished(waitWorkflow.id, waitExecutionId);
			expect(triggerExecutions.map((e) => e.status)).toEqual(['success', 'success', 'success']);
			expect(waitDone.status).toBe('success');

			const checked = {};
			for (const [label, sinkPath, executionIds, nodeName] of [
				['trigger', '/binary-trigger', triggerExecutions.map((e) => e.id), 'ToMoviee Trigger'],
				['wait for callback', '/binary-wait', [waitExecutionId], 'Recognize'],
			]) {
				const received = state.sink.on(sinkPath);
				expect(received).toHaveLength(3);
				const metadata = [];
				for (const id of executionIds) {
					const execution = await n8nLib.getExecution(state.client, id);
					const runs = execution.data.resultData.runData[nodeName];
					for (const item of runs[runs.length - 1].data.main[0]) metadata.push({ json: item.json, binary: item.binary?.data });
				}
				expect(metadata).toHaveLength(3);
				for (const { json, binary } of metadata) {
					expect(binary).toEqual(expect.objectContaining({ mimeType: 'image/png', id: expect.stringMatching(/^database:/) }));
					const original = Buffer.from(await (await fetch(json.resultUrls[0])).arrayBuffer());
					const request = received.find((r) => r.query.task === json.taskId);
					expect(request).toBeDefined();
					expect(request.query.ranOn).toBe('worker');
					expect(request.headers['content-type']).toMatch(/^image\/png/);
					expect(request.body.length).toBe(original.length);
					expect(request.body.equals(original)).toBe(true);
				}
				checked[label] = { files: metadata.length, bytes: metadata.map((m) => m.binary.fileSize), storedAs: metadata[0].binary.id.split(':')[0] };
			}
			report('binary in database mode', checked);
		}),
	);

	test(
		'a webhook process killed in the middle of a Wait for Callback batch: callbacks go to the other one, nothing is lost',
		withLogs(async () => {
			const workflow = await webhookWorkflow('queue wait kill', 'q-wait-kill', [
				recognizeNode({ waitMethod: 'callback', options: { timeout: 180 } }),
				node('Done', 'n8n-nodes-base.noOp', 1, {}),
			]);
			const images = imagesOf(20, 'kill', (i) => 1500 + i * 300);
			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const executionId = await startBatch(workflow, images);
			await waitFor('5 callbacks of the batch', () => (callbackRecords(executionId).length >= 5 ? true : undefined), { intervalMs: 50 });
			const killedAt = Date.now();
			await state.q.kill('webhook-2');
			const done = await finished(workflow.id, executionId);
			const execution = await n8nLib.getExecution(state.client, executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			const callbacks = await settleCallbacks(batchTaskIds(items, fromRequest), callbacksBefore, { timeoutMs: 30_000 });
			const records = callbackRecords(executionId);
			const after = records.filter((record) => record.at > killedAt);
			const simCallbacks = state.sim.callbacks.slice(callbacksBefore);
			report('webhook process killed mid-batch', {
				status: done.status,
				callbacks,
				callbacksBeforeKill: records.length - after.length,
				callbacksAfterKill: after.length,
				balancerSkips: [...state.q.balancer.down].map((index) => `webhook-${index + 1}`),
				jobsOnWorker: state.q.jobStarts('worker').get(executionId),
				taskQueries: taskQueries(fromRequest),
				callbackAnswer: latencyFigures(records),
			});
			expect(done.status).toBe('success');
			expect(items.map((item) => item.imageUrl)).toEqual(images.map((image) => image.url));
			expect(items.filter((item) => item.status !== 'succeeded')).toEqual([]);
			expect(n8nLib.nodeOutputJson(execution, 'Done')).toHaveLength(20);
			expect(state.q.jobStarts('worker').get(executionId)).toBe(2);
			expect(after.length).toBeGreaterThan(0);
			// after the kill every callback was answered by webhook-1 (whatever n8n answered: 200, 409 once
			// the execution had resumed, 500 when two callbacks raced to resume it, 503 when the node had
			// looked that task up less than 5 s before: the sender's retry gets it through)
			expect(after.filter((record) => record.index !== 0 || !(record.status < 502 || record.status === 503)).map(brief)).toEqual([]);
			// every try got an answer from a live webhook process, and the execution has every result
			expect(records.filter((record) => record.status === 502 || record.status === undefined).map(brief)).toEqual([]);
			expect(lastTryStatuses(simCallbacks).size).toBe(20);
		}),
	);
});
