'use strict';
/**
 * `npm run demo -- --queue [--keep]`: the package in n8n 2.41.1 queue mode against the local
 * ToMoviee simulator, in one command. Starts PostgreSQL + Redis (test/tools/ensure-services.sh,
 * installed from Debian packages when missing), one n8n main, one worker and two webhook
 * processes sharing one installed copy of the package, and a small load balancer in front of the
 * webhook processes (N8N_WEBHOOK_URL points at it). Then:
 *   1. submits 6 images with a callback to examples/queue-mode-dedupe.workflow.json's trigger;
 *      the balancer delivers every callback to BOTH webhook processes, as a retrying gateway or a
 *      second delivery would, and the example's Postgres claim lets each task continue once;
 *   2. runs 6 images with Wait Method "Wait for Callback": the callbacks alternate between the
 *      webhook processes and the parked execution resumes once, on the worker.
 * Prints the round trip, stops everything and deletes every folder (--keep: until Ctrl-C).
 * Called from test/tools/demo.js (after demo.sh installed n8n and built the package).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const n8nLib = require('../e2e/lib/n8n');
const queue = require('../e2e/lib/queue');
const { createSimulator } = require('../simulator');

const REPO_ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples/queue-mode-dedupe.workflow.json'), 'utf8'));
const DEDUPE_WEBHOOK_ID = EXAMPLE.nodes.find((node) => node.webhookId).webhookId;
const PACKAGE = 'n8n-nodes-tomoviee';
const APP_DATABASE = 'tomoviee_app';
const IMAGES = 6;

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line) => process.stdout.write(`[demo] ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function table(rows, columns) {
	const widths = columns.map((c) => Math.max(c.length, ...rows.map((row) => String(row[c] ?? '').length)));
	const line = (values) => `  ${values.map((v, i) => String(v ?? '').padEnd(widths[i])).join('  ')}`.trimEnd();
	return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\n');
}

async function waitFor(what, check, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

function linear(name, nodes) {
	nodes.forEach((entry, index) => (entry.position = [index * 220, 0]));
	const connections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

function imageFlow(name, webhookPath, recognize) {
	return linear(name, [
		node('Images In', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, { webhookId: crypto.randomUUID() }),
		node('One item per image', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.images', options: {} }),
		recognize,
		node('Where', 'n8n-nodes-base.set', 3.4, {
			mode: 'manual',
			includeOtherFields: true,
			assignments: { assignments: [{ id: crypto.randomUUID(), name: 'ranOn', value: '={{ $env.TOMOVIEE_E2E_PROCESS }}', type: 'string' }] },
			options: {},
		}),
	]);
}

async function main({ keep = false, timings = [] } = {}) {
	const resources = {};
	const cleanup = async () => {
		const { q, sim, pkg } = resources;
		resources.q = resources.sim = resources.pkg = undefined;
		await q?.cleanup();
		await sim?.stop();
		pkg?.remove?.();
	};
	const onSignal = (signal) => {
		step(`${signal}: stopping n8n, PostgreSQL, Redis and the simulator...`);
		cleanup().finally(() => process.exit(130));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	async function stage(label, action) {
		step(`${label}...`);
		const started = Date.now();
		const ticker = setInterval(() => step(`  still at it (${Math.round((Date.now() - started) / 1000)} s)`), 15_000);
		try {
			return await action();
		} finally {
			clearInterval(ticker);
			timings.push([label, (Date.now() - started) / 1000]);
		}
	}

	try {
		resources.sim = createSimulator({ taskDurationMs: [800, 2500], callbackTimeoutMs: 30_000 });
		const { url: simUrl } = await resources.sim.start(0, '127.0.0.1');
		step(`ToMoviee simulator on ${simUrl}`);
		const q = await stage('start PostgreSQL, Redis, n8n main + worker + 2 webhook processes', () =>
			queue.startQueueMode({
				packageDir: REPO_ROOT,
				mirror: ({ path: requestPath }) => requestPath.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`),
				log: (line) => step(`  ${line}`),
			}),
		);
		resources.q = q;
		for (const p of q.processes) step(`  ${p.name.padEnd(9)} ${p.baseUrl}  (n8n ${p.command})`);
		step(`  balancer  ${q.balancer.url}  (N8N_WEBHOOK_URL; /webhook/* and /webhook-waiting/* go to the webhook processes)`);

		const client = await n8nLib.setupOwner(q.main.baseUrl);
		const credential = await n8nLib.createCredential(client, {
			name: 'ToMoviee (local simulator)',
			type: 'toMovieeApi',
			data: { appKey: 'test-key', appSecret: 'test-secret', wsid: 4242, baseUrl: simUrl },
		});
		const credentialRef = { toMovieeApi: { id: credential.id, name: credential.name } };
		const { pg } = q.services;
		await q.services.psql(`CREATE DATABASE ${APP_DATABASE}`, { database: 'postgres' });
		const postgres = await n8nLib.createCredential(client, {
			name: 'Postgres (dedupe table)',
			type: 'postgres',
			data: { host: pg.host, port: pg.port, database: APP_DATABASE, user: pg.user, password: pg.password, ssl: 'disable' },
		});

		const workflows = await stage('create the workflows (the dedupe example, a submit flow, a Wait for Callback flow)', async () => {
			await q.services.psql(EXAMPLE.nodes.find((entry) => entry.name === 'Create table').parameters.query, { database: APP_DATABASE });
			const dedupe = JSON.parse(JSON.stringify(EXAMPLE));
			delete dedupe.id;
			for (const entry of dedupe.nodes) {
				if (entry.credentials?.toMovieeApi) entry.credentials = credentialRef;
				if (entry.credentials?.postgres) entry.credentials = { postgres: { id: postgres.id, name: postgres.name } };
			}
			const recognize = (parameters) =>
				node('Recognize', `${PACKAGE}.toMoviee`, 1, { resource: 'imageRecognition', operation: 'recognize', imageUrl: '={{ $json.url }}', controlType: '2', ...parameters }, { credentials: credentialRef });
			const definitions = {
				dedupe,
				submit: imageFlow(
					'demo: submit with callback',
					'demo-submit',
					recognize({
						waitForCompletion: false,
						options: { callbackUrl: `${q.balancer.url}/webhook/${DEDUPE_WEBHOOK_ID}/callback`, passThrough: '={{ JSON.stringify({ imageId: $json.id }) }}' },
					}),
				),
				wait: imageFlow('demo: wait for callback', 'demo-wait', recognize({ waitForCompletion: true, waitMethod: 'callback', options: { timeout: 300 } })),
			};
			const ids = {};
			for (const [key, definition] of Object.entries(definitions)) {
				const created = await client.rest('POST', '/workflows', definition);
				await n8nLib.activateWorkflow(client, created.id);
				ids[key] = created.id;
			}
			await queue.waitForWebhookEverywhere(q, `${DEDUPE_WEBHOOK_ID}/callback`);
			ids.submitUrl = await queue.waitForWebhookEverywhere(q, 'demo-submit');
			ids.waitUrl = await queue.waitForWebhookEverywhere(q, 'demo-wait');
			return ids;
		});

		const images = (label) =>
			Array.from({ length: IMAGES }, (_, i) => ({ id: `${label}-${i + 1}`, url: `https://images.example/${label}-${i + 1}.jpg` }));
		const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

		// 1. callbacks delivered twice, continued once
		const recordsBefore = q.balancer.records.length;
		const roundTrip = await stage(`round trip: ${IMAGES} tasks, every callback delivered to both webhook processes`, async () => {
			await post(workflows.submitUrl, { images: images('cb') });
			const submitted = await waitFor('the submit execution', async () => {
				const [execution] = await q.executions(workflows.submit);
				if (!execution || execution.status !== 'success') return undefined;
				return n8nLib.nodeOutputJson(await n8nLib.getExecution(client, execution.id), 'Recognize');
			});
			await waitFor('every callback', () => {
				const delivered = q.balancer.records.slice(recordsBefore).filter((r) => r.path.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`) && r.status !== undefined);
				return new Set(delivered.map((r) => r.body)).size >= submitted.length ? delivered : undefined;
			});
			const executions = await q.settledExecutions(workflows.dedupe, { count: submitted.length, settleMs: 2_000 });
			const continued = new Map();
			for (const execution of executions) {
				const details = await n8nLib.getExecution(client, execution.id);
				const ran = details.data.resultData.runData['Mask ready'];
				const task = n8nLib.nodeOutputJson(details, 'ToMoviee Trigger')[0]?.taskId;
				const entry = continued.get(task) ?? { executions: 0, continued: 0 };
				entry.executions++;
				if (ran) entry.continued++;
				continued.set(task, entry);
			}
			return { submitted, executions, continued };
		});

		// 2. Wait for Callback: parked, resumed once
		const waitRun = await stage(`Wait for Callback: ${IMAGES} images, callbacks alternate between the webhook processes`, async () => {
			await post(workflows.waitUrl, { images: images('wait') });
			const [execution] = await waitFor('the wait execution', async () => {
				const list = await q.executions(workflows.wait);
				return list.length && !['new', 'running', 'waiting'].includes(list[0].status) ? list : undefined;
			});
			await sleep(1_000);
			const details = await n8nLib.getExecution(client, execution.id);
			return {
				execution,
				items: n8nLib.nodeOutputJson(details, 'Where'),
				callbacks: q.balancer.records.filter((r) => r.path === `/webhook-waiting/${execution.id}`),
				jobs: q.jobStarts('worker').get(execution.id),
			};
		});

		// ---------------------------------------------------------------- summary
		const deliveries = q.balancer.records.slice(recordsBefore).filter((r) => r.path.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`));
		say();
		say('=== ToMoviee in n8n queue mode: round trip ===');
		say();
		say(`Submitted ${roundTrip.submitted.length} tasks without waiting; ToMoviee (simulated) called back once per task and the`);
		say('balancer delivered each callback to both webhook processes. The ToMoviee Trigger started:');
		say(
			table(
				roundTrip.submitted.map((item) => {
					const answers = deliveries
						.filter((d) => d.body.includes(item.taskId))
						.flatMap((d) => d.targets.map((t) => `webhook-${t.index + 1}:${t.status ?? t.error}`));
					const entry = roundTrip.continued.get(item.taskId) ?? { executions: 0, continued: 0 };
					return { image: item.imageUrl.split('/').pop(), task: item.taskId, deliveries: answers.join(' '), executions: entry.executions, 'Mask ready ran': entry.continued };
				}),
				['image', 'task', 'deliveries', 'executions', 'Mask ready ran'],
			),
		);
		const continuedOnce = [...roundTrip.continued.values()].every((entry) => entry.continued === 1) && roundTrip.continued.size === roundTrip.submitted.length;
		say(
			`  ${roundTrip.executions.length} trigger executions for ${roundTrip.submitted.length} tasks (the trigger's duplicate check is per process); ` +
				`"Mask ready" ran ${continuedOnce ? 'exactly once per task' : 'NOT exactly once per task'} (Claim task: INSERT ... ON CONFLICT DO NOTHING RETURNING).`,
		);
		say();
		const waitSummary = queue.summarizeRecords(waitRun.callbacks);
		say(`Wait for Callback: execution ${waitRun.execution.id} parked in PostgreSQL, ${waitRun.callbacks.length} callback tries, and resumed ${waitRun.jobs - 1 === 1 ? 'once' : `${(waitRun.jobs ?? 1) - 1} times`}:`);
		say(
			table(
				waitRun.callbacks.map((r) => ({ 'callback to': `webhook-${r.index + 1}`, answer: r.status, ms: r.ms })),
				['callback to', 'answer', 'ms'],
			),
		);
		say(`  ${waitRun.items.length} items out, status ${waitRun.execution.status}, next node ran on: ${[...new Set(waitRun.items.map((i) => i.ranOn))].join(', ')}; answer p50 ${waitSummary.p50} ms, p99 ${waitSummary.p99} ms`);
		say('  (409: n8n refused a late callback, the execution had already resumed with every result;');
		say('   500: two webhook processes tried to resume at once and n8n let one of them do it)');
		say();
		const memory = q.peakMemory();
		say(`Peak memory (RSS incl. task runners): ${Object.entries(memory.byName).map(([name, bytes]) => `${name} ${Math.round(bytes / 2 ** 20)} MB`).join(', ')}; total ${Math.round(memory.total / 2 ** 20)} MB`);
		say();
		say('Timings:');
		const width = Math.max(...timings.map(([label]) => label.length));
		for (const [label, seconds] of timings) say(`  ${label.padEnd(width)}  ${seconds.toFixed(1).padStart(6)} s`);

		const ok = continuedOnce && waitRun.execution.status === 'success' && waitRun.items.length === IMAGES && waitRun.jobs === 2;
		if (keep) {
			say();
			say(`n8n keeps running: open ${q.main.baseUrl}/home/workflows`);
			say(`  login: ${n8nLib.DEFAULT_OWNER.email} / ${n8nLib.DEFAULT_OWNER.password}`);
			say('Press Ctrl-C to stop everything and delete the throwaway folders.');
			await new Promise(() => {});
		}
		await cleanup();
		if (!ok) {
			step('the round trip did not come out as expected (see above)');
			process.exitCode = 1;
		}
	} catch (error) {
		process.stderr.write(`[demo] FAILED: ${error.stack ?? error}\n`);
		if (resources.q) {
			for (const p of resources.q.processes) process.stderr.write(`[demo] end of the ${p.name} log:\n${resources.q.logTail(p.name, 15)}\n`);
		}
		await cleanup();
		process.exit(1);
	}
}

module.exports = { main };
