'use strict';
/**
 * The package in n8n 2.41.1 queue mode: one main, one worker (concurrency 10, n8n's default), two
 * webhook processes, PostgreSQL + Redis, binary data in the database, and the test's own load
 * balancer (lib/balancer.js) in front of the webhook processes: N8N_WEBHOOK_URL points at it, so
 * the trigger's URL and every resume URL do, and the simulator's callbacks reach the webhook
 * processes in turn (or, for the dedupe case, both).
 *
 * Runs as its own stage: `npx jest --selectProjects e2e-queue --runInBand --forceExit`.
 * Each case prints its measured figures; afterAll prints the whole summary (stage time, peak
 * memory of the n8n processes, counts). No assertion is about wall-clock time.
 */
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const { until, megabytes } = require('./lib/process');
const { startRecorder } = require('./lib/probes');
const { startQueueMode, DEDUPE_WEBHOOK_ID, APP_DATABASE, mirrorDedupeCallbacks, dedupeExample, ranOnNode } = require('./lib/queue');
const { summarizeRecords } = require('./lib/balancer');
const { APP_KEY, APP_SECRET, WSID, isSubmit, isQuery } = require('./lib/stack');
const { createSimulator } = require('../simulator');

jest.setTimeout(600_000); // generous: a loaded 2-core machine; no assertion is about time

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
const withLogs = (run) => async () => {
	try {
		await run();
	} catch (error) {
		for (const p of state.q?.processes ?? []) error.message += `\n\n--- end of the ${p.name} log ---\n${state.q.logTail(p.name, 25)}`;
		throw error;
	}
};

const taskQueries = (from = 0) => state.sim.requests.slice(from).filter(isQuery).length;
const count = (values) => values.reduce((acc, value) => ({ ...acc, [value]: (acc[value] ?? 0) + 1 }), {});

/** Creates and activates an image batch workflow; resolves to { id, url } (url via the balancer). */
async function batchWorkflow(name, webhookPath, nodes) {
	const id = await state.client.createActive(fx.imageBatch(name, webhookPath, nodes));
	return { id, url: await state.q.waitForWebhook(webhookPath) };
}

/** Starts a batch through the balancer; resolves to the execution id it started. */
async function startBatch(workflow, images, extra = {}) {
	const before = new Set((await state.q.executions(workflow.id)).map((execution) => execution.id));
	expect((await n8nLib.postJson(workflow.url, { images, ...extra })).status).toBe(200);
	const execution = await until('the batch execution', async () => (await state.q.executions(workflow.id)).find((e) => !before.has(e.id)));
	return execution.id;
}

const finished = (workflowId, executionId) =>
	until(`execution ${executionId} to finish`, async () => {
		const execution = (await state.q.executions(workflowId)).find((e) => e.id === executionId);
		return n8nLib.FINISHED(execution) && execution;
	}, { timeoutMs: 180_000 });

const imagesOf = (n, label, durationOf) =>
	Array.from({ length: n }, (_, i) => ({ id: `${label}-${i}`, url: `https://images.example/${label}-${i}.jpg${durationOf ? `?duration=${durationOf(i)}` : ''}` }));

/** HTTP Request node: POSTs the item's binary `data` (or its task id as JSON) to the recorder at `sinkPath`. */
function sinkNode(name, sinkPath, { binary = false } = {}) {
	const query = [['task', '={{ $json.taskId }}'], ['execution', '={{ $execution.id }}'], ['ranOn', '={{ $env.TOMOVIEE_E2E_PROCESS }}']];
	const body = binary ? { contentType: 'binaryData', inputDataFieldName: 'data' } : { specifyBody: 'json', jsonBody: '={{ JSON.stringify({ taskId: $json.taskId }) }}' };
	const parameters = { method: 'POST', url: `${state.sink.url}${sinkPath}`, sendQuery: true, sendBody: true, ...body, options: {} };
	parameters.queryParameters = { parameters: query.map(([queryName, value]) => ({ name: queryName, value })) };
	return fx.node(name, 'n8n-nodes-base.httpRequest', parameters);
}

/**
 * Waits until the simulator has a 2xx answer for every task's callback, or has used up its tries
 * (no new try for longer than one may take); never throws: { accepted, tries, statuses, notAccepted }.
 */
async function settleCallbacks(taskIds, fromIndex, { timeoutMs = 150_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	const wanted = new Set(taskIds);
	let lastCount = -1;
	let quietSince = Date.now();
	for (;;) {
		const tries = state.sim.callbacks.slice(fromIndex).filter((c) => wanted.has(c.task_id));
		const accepted = new Set(tries.filter((c) => c.status >= 200 && c.status < 300).map((c) => c.task_id));
		if (tries.length !== lastCount) [lastCount, quietSince] = [tries.length, Date.now()];
		if (accepted.size === wanted.size || Date.now() - quietSince > CALLBACK_TIMEOUT_MS + 5_000 || Date.now() > deadline) {
			return { accepted: accepted.size, tries: tries.length, statuses: count(tries.map((c) => c.status ?? c.error)), notAccepted: wanted.size - accepted.size };
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
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
const brief = ({ path: recordPath, status, index, ms, targets }) => ({ path: recordPath, status, index, ms, targets });
const callbackRecords = (executionId) => state.q.balancer.records.filter((record) => record.path === `/webhook-waiting/${executionId}`);
/** Every try got an answer from a live webhook process. */
const unanswered = (records) => records.filter((record) => record.status === 502 || record.status === undefined).map(brief);
const calledBackTasks = (tries) => new Set(tries.map((attempt) => attempt.task_id)).size;

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	// A callback answered after the simulator's 5 s default is tried again: the stage measures the
	// answer times instead (callbackAnswer), so slow answers do not multiply the load here.
	state.sim = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, taskDurationMs: [300, 1200], callbackTimeoutMs: CALLBACK_TIMEOUT_MS });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.sink = await startRecorder();
	state.q = await startQueueMode({
		packageDir: state.pkg.dir,
		env: EXTRA_N8N_ENV,
		maxInFlightPerWebhookProcess: Number(process.env.TOMOVIEE_QUEUE_MAX_IN_FLIGHT || 5),
		mirror: mirrorDedupeCallbacks, // the dedupe case: each callback to both webhook processes at once
	});
	state.client = await n8nLib.setupOwner(state.q.main.baseUrl);
	state.credential = await state.client.createCredential({
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: state.simUrl },
	});
	// One submit workflow for every callback case: the callback URL comes with the request.
	const options = { callbackUrl: "={{ $('Images In').item.json.body.callbackUrl }}", passThrough: '={{ JSON.stringify({ imageId: $json.id }) }}' };
	state.submit = await batchWorkflow('queue submit with callback', 'q-submit', [fx.recognize(state.credential, { wait: false, options })]);
}, 1_500_000); // a first run installs Node 24 + n8n (minutes) and PostgreSQL/Redis (about a minute)

afterAll(async () => {
	if (state.q) {
		const memory = state.q.peakMemory();
		const byName = Object.fromEntries(Object.entries(memory.byName).map(([name, bytes]) => [name, Math.round(megabytes(bytes))]));
		report('stage', { seconds: Math.round((Date.now() - startedAt) / 1000), startSeconds: Math.round(state.q.startSeconds), peakRssMb: { total: Math.round(megabytes(memory.total)), ...byName } });
	}
	process.stdout.write(`[queue e2e] summary ${JSON.stringify(state.figures, null, 2)}\n`);
	await state.q?.cleanup();
	await state.sink?.close();
	await state.sim?.stop();
	state.pkg?.remove();
});

describe('n8n queue mode: main + worker + 2 webhook processes, PostgreSQL, Redis', () => {
	test(
		'Recognize with Poll, 200 items: runs on the worker and gives 200 outputs in input order',
		withLogs(async () => {
			const workflow = await batchWorkflow('queue poll 200', 'q-poll', [fx.recognize(state.credential, { options: { pollInterval: 1, timeout: 180 } }), ranOnNode()]);
			const images = imagesOf(200, 'poll');
			const fromRequest = state.sim.requests.length;
			// 50 ms per API answer, so the simulator's peak in-flight count shows the worker's concurrency
			state.sim.configure({ latencyMs: 50 });
			const peakBefore = state.sim.stats.maxInFlight;
			const started = Date.now();
			let executionId;
			let done;
			try {
				executionId = await startBatch(workflow, images);
				done = await finished(workflow.id, executionId);
			} finally {
				state.sim.configure({ latencyMs: 0 });
			}
			const seconds = (Date.now() - started) / 1000;
			expect(done.status).toBe('success');
			const execution = await state.client.execution(executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			expect(items.map((item) => item.imageUrl)).toEqual(images.map((image) => image.url));
			expect(items.filter((item) => item.status !== 'succeeded')).toEqual([]);
			const ranOn = [...new Set(n8nLib.nodeOutputJson(execution, 'Where').map((item) => item.ranOn))];
			expect(ranOn).toEqual(['worker']);
			expect(state.q.jobStarts('worker').get(executionId)).toBe(1);
			for (const other of ['main', 'webhook-1', 'webhook-2']) expect(state.q.jobStarts(other).size).toBe(0);
			const submits = state.sim.requests.slice(fromRequest).filter(isSubmit).length;
			report('poll 200 items', { seconds, outputs: items.length, ranOn, submits, taskQueries: taskQueries(fromRequest), peakRequestsInFlight: Math.max(peakBefore, state.sim.stats.maxInFlight) });
		}),
	);

	test(
		'trigger round trip, 50 tasks, each callback delivered to both webhook processes: the dedupe example runs its downstream step exactly once per task at worker concurrency 10',
		withLogs(async () => {
			// the shipped example, with this run's credentials and two counting steps added
			const workflow = await dedupeExample(state.q, state.client, state.credential);
			const downstream = sinkNode('Count downstream run', '/downstream');
			const removeDuplicates = fx.node('Remove Duplicates', 'n8n-nodes-base.removeDuplicates', {
				operation: 'removeItemsSeenInPreviousExecutions',
				logic: 'removeItemsWithAlreadySeenKeyValues',
				dedupeValue: '={{ $json.taskId }}',
				options: {},
			});
			const afterRemoveDuplicates = sinkNode('Count Remove Duplicates run', '/remove-duplicates');
			workflow.nodes.push(downstream, removeDuplicates, afterRemoveDuplicates);
			const to = (node) => ({ node: node.name, type: 'main', index: 0 });
			workflow.connections['Mask ready'] = { main: [[to(downstream)]] };
			// for comparison only: n8n's Remove Duplicates on a second branch of the same trigger
			workflow.connections['ToMoviee Trigger'].main[0].push(to(removeDuplicates));
			workflow.connections[removeDuplicates.name] = { main: [[to(afterRemoveDuplicates)]] };
			const workflowId = await state.client.createActive(workflow);
			const callbackUrl = await state.q.waitForWebhook(`${DEDUPE_WEBHOOK_ID}/callback`);

			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const recordsBefore = state.q.balancer.records.length;
			await startBatch(state.submit, imagesOf(50, 'dedupe'), { callbackUrl });
			const taskIds = await until('50 submitted tasks', async () => {
				const submitExecution = (await state.q.executions(state.submit.id)).at(-1);
				if (submitExecution?.status !== 'success') return undefined;
				return n8nLib.nodeOutputJson(await state.client.execution(submitExecution.id), 'Recognize').map((item) => item.taskId);
			}, { timeoutMs: 120_000 });
			expect(new Set(taskIds).size).toBe(50);
			const callbacks = await settleCallbacks(taskIds, callbacksBefore);
			const executions = await state.q.settledExecutions(workflowId, { count: 1, settleMs: 3_000 });

			const deliveries = state.q.balancer.records.slice(recordsBefore).filter((r) => r.path === `/webhook/${DEDUPE_WEBHOOK_ID}/callback`);
			const downstreamTasks = state.sink.on('/downstream').map((request) => request.query.task);
			const claimed = await state.q.services.psql('SELECT count(*) FROM tomoviee_seen', { database: APP_DATABASE });
			report('trigger round trip 50 tasks x 2 deliveries', {
				taskQueries: taskQueries(fromRequest),
				deliveries: deliveries.length * 2,
				triggerExecutions: executions.length,
				executionStatuses: count(executions.map((e) => e.status)),
				downstreamRuns: downstreamTasks.length,
				removeDuplicatesDownstreamRuns: state.sink.on('/remove-duplicates').length,
				rowsClaimed: Number(claimed[0][0]),
				callbacks,
				callbackAnswer: summarizeRecords(deliveries),
				forwardsPerProcess: count(deliveries.flatMap((d) => d.targets).map((t) => `webhook-${t.index + 1}:${t.status ?? t.error}`)),
			});
			// every task's callback reached each webhook process and was accepted by both
			const acceptedBy = new Map(taskIds.map((id) => [id, new Set()]));
			for (const delivery of deliveries) {
				expect(delivery.mirrored).toBe(true);
				for (const attempt of delivery.targets) if (attempt.status === 200) acceptedBy.get(JSON.parse(delivery.body).task_id)?.add(attempt.index);
			}
			expect([...acceptedBy.values()].filter((processes) => processes.size !== 2)).toEqual([]);
			// (whether the simulator saw the 200 before its own timeout is reported, not asserted: that
			// is a matter of answer time, see callbackAnswer)
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
			expect(executions.length).toBeGreaterThanOrEqual(50);
			expect(downstreamTasks.sort()).toEqual([...taskIds].sort());
			expect(new Set(state.sink.on('/downstream').map((r) => r.query.ranOn))).toEqual(new Set(['worker']));
		}),
	);

	test(
		'Wait for Callback, 20 items, callbacks alternating between the webhook processes: one resume, on the worker, 20 items in input order',
		withLogs(async () => {
			const workflow = await batchWorkflow('queue wait 20', 'q-wait', [fx.recognize(state.credential, { wait: 'callback', options: { timeout: 180 } }), ranOnNode(), fx.noOp()]);
			// callbacks spread over about 4 s, in a shuffled order of the items
			const images = imagesOf(20, 'wait', (i) => 1000 + ((i * 7) % 20) * 150);
			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const executionId = await startBatch(workflow, images);
			const done = await finished(workflow.id, executionId);
			const execution = await state.client.execution(executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			const callbacks = await settleCallbacks(batchTaskIds(items, fromRequest), callbacksBefore, { timeoutMs: 30_000 });
			const records = callbackRecords(executionId);
			const tries = state.sim.callbacks.slice(callbacksBefore);
			const jobsOnWorker = state.q.jobStarts('worker').get(executionId);
			report('wait for callback 20 items', { status: done.status, callbacks, items: items.length, jobsOnWorker, taskQueries: taskQueries(fromRequest), callbackTries: tries.length, callbackAnswer: summarizeRecords(records) });
			expect(done.status).toBe('success');
			expect(items.map((item) => item.imageUrl)).toEqual(images.map((image) => image.url));
			expect(items.filter((item) => item.status !== 'succeeded')).toEqual([]);
			expect(new Set(n8nLib.nodeOutputJson(execution, 'Where').map((item) => item.ranOn))).toEqual(new Set(['worker']));
			expect(n8nLib.nodeOutputJson(execution, 'Done')).toHaveLength(20);
			expect(jobsOnWorker).toBe(2); // one job to start, one to resume: exactly one resume
			expect(await state.q.executions(workflow.id)).toHaveLength(1);
			// both webhook processes took callbacks of this batch, and every try got an answer from n8n
			const perProcess = summarizeRecords(records).byTarget;
			expect([perProcess['webhook-1'] > 0, perProcess['webhook-2'] > 0]).toEqual([true, true]);
			expect(unanswered(records)).toEqual([]);
			expect(calledBackTasks(tries)).toBe(20); // each task was called back (the answers are reported above)
		}),
	);

	test(
		'Download Result Images with database binary mode: the binary reaches the next node on the worker intact (trigger and Wait for Callback)',
		withLogs(async () => {
			const trigger = fx.trigger(state.credential, { webhookId: '5b8e2d1c-4a3f-4e6b-9d7c-00000000b1b1', options: { download: true } });
			const triggerWorkflowId = await state.client.createActive(fx.workflow('queue binary trigger', [trigger, sinkNode('Post binary', '/binary-trigger', { binary: true })]));
			const triggerUrl = await state.q.waitForWebhook(`${trigger.webhookId}/callback`);
			const waitWorkflow = await batchWorkflow('queue binary wait', 'q-binary-wait', [
				fx.recognize(state.credential, { wait: 'callback', options: { timeout: 120, download: true } }),
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
				const items = [];
				for (const id of executionIds) items.push(...n8nLib.nodeItems(await state.client.execution(id), nodeName));
				expect(items).toHaveLength(3);
				for (const { json, binary } of items) {
					expect(binary.data).toEqual(expect.objectContaining({ mimeType: 'image/png', id: expect.stringMatching(/^database:/) }));
					const original = Buffer.from(await (await fetch(json.resultUrls[0])).arrayBuffer());
					const request = received.find((r) => r.query.task === json.taskId);
					expect(request.query.ranOn).toBe('worker');
					expect(request.headers['content-type']).toMatch(/^image\/png/);
					expect(request.raw.equals(original)).toBe(true);
				}
				checked[label] = { files: items.length, bytes: items.map((item) => item.binary.data.fileSize), storedAs: items[0].binary.data.id.split(':')[0] };
			}
			report('binary in database mode', checked);
		}),
	);

	test(
		'a webhook process killed in the middle of a Wait for Callback batch: callbacks go to the other one, nothing is lost',
		withLogs(async () => {
			const workflow = await batchWorkflow('queue wait kill', 'q-wait-kill', [fx.recognize(state.credential, { wait: 'callback', options: { timeout: 180 } }), fx.noOp()]);
			const images = imagesOf(20, 'kill', (i) => 1500 + i * 300);
			const fromRequest = state.sim.requests.length;
			const callbacksBefore = state.sim.callbacks.length;
			const executionId = await startBatch(workflow, images);
			await until('5 callbacks of the batch', () => callbackRecords(executionId).length >= 5, { timeoutMs: 120_000, pollMs: 50 });
			const killedAt = Date.now();
			await state.q.kill('webhook-2');
			const done = await finished(workflow.id, executionId);
			const execution = await state.client.execution(executionId);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			const callbacks = await settleCallbacks(batchTaskIds(items, fromRequest), callbacksBefore, { timeoutMs: 30_000 });
			const records = callbackRecords(executionId);
			const after = records.filter((record) => record.at > killedAt);
			report('webhook process killed mid-batch', {
				status: done.status,
				callbacks,
				callbacksBeforeKill: records.length - after.length,
				callbacksAfterKill: after.length,
				balancerSkips: [...state.q.balancer.down].map((index) => `webhook-${index + 1}`),
				jobsOnWorker: state.q.jobStarts('worker').get(executionId),
				taskQueries: taskQueries(fromRequest),
				callbackAnswer: summarizeRecords(records),
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
			expect(unanswered(records)).toEqual([]);
			expect(calledBackTasks(state.sim.callbacks.slice(callbacksBefore))).toBe(20);
		}),
	);
});
