'use strict';
/**
 * `npm run demo -- --queue [--keep]`: the package in n8n 2.41.1 queue mode against the local
 * ToMoviee simulator (test/e2e/lib/queue.js: PostgreSQL + Redis, one main, one worker, two webhook
 * processes behind a small load balancer that N8N_WEBHOOK_URL points at). Then:
 *   1. submits 6 images with a callback to examples/queue-mode-dedupe.workflow.json's trigger;
 *      the balancer delivers every callback to BOTH webhook processes, as a retrying gateway or a
 *      second delivery would, and the example's Postgres claim lets each task continue once;
 *   2. runs 6 images with Wait Method "Wait for Callback": the callbacks alternate between the
 *      webhook processes and the parked execution resumes once, on the worker.
 * Prints the round trip, stops everything and deletes every folder (--keep: until Ctrl-C).
 * Called from test/tools/demo.js, which hands over its output helpers.
 */
const n8nLib = require('../e2e/lib/n8n');
const fx = require('../e2e/lib/fixtures');
const { until, sleep, megabytes } = require('../e2e/lib/process');
const { startQueueMode, DEDUPE_WEBHOOK_ID, mirrorDedupeCallbacks, dedupeExample, ranOnNode } = require('../e2e/lib/queue');
const { summarizeRecords } = require('../e2e/lib/balancer');
const { createSimulator } = require('../simulator');

const IMAGES = 6;

async function main({ say, step, stage, table, printTimings, keepRunning, stopOnSignal }) {
	const resources = {};
	const cleanup = async () => {
		const { q, sim } = resources;
		resources.q = resources.sim = undefined;
		await q?.cleanup();
		await sim?.stop();
	};
	stopOnSignal(cleanup);
	try {
		resources.sim = createSimulator({ taskDurationMs: [800, 2500], callbackTimeoutMs: 30_000 });
		const { url: simUrl } = await resources.sim.start(0, '127.0.0.1');
		step(`ToMoviee simulator on ${simUrl}`);
		const q = await stage('start PostgreSQL, Redis, n8n main + worker + 2 webhook processes', () =>
			startQueueMode({ packageDir: fx.REPO_ROOT, mirror: mirrorDedupeCallbacks, log: (line) => step(`  ${line}`) }),
		);
		resources.q = q;
		for (const p of q.processes) step(`  ${p.name.padEnd(9)} ${p.baseUrl}  (n8n ${p.command})`);
		step(`  balancer  ${q.balancer.url}  (N8N_WEBHOOK_URL; /webhook/* and /webhook-waiting/* go to the webhook processes)`);

		const client = await n8nLib.setupOwner(q.main.baseUrl);
		const credential = await client.createCredential({
			name: 'ToMoviee (local simulator)',
			type: fx.CREDENTIAL_TYPE,
			data: { appKey: 'test-key', appSecret: 'test-secret', wsid: 4242, baseUrl: simUrl },
		});

		const workflows = await stage('create the workflows (the dedupe example, a submit flow, a Wait for Callback flow)', async () => {
			const options = { callbackUrl: `${q.balancer.url}/webhook/${DEDUPE_WEBHOOK_ID}/callback`, passThrough: '={{ JSON.stringify({ imageId: $json.id }) }}' };
			const ids = {
				dedupe: await client.createActive(await dedupeExample(q, client, credential)),
				submit: await client.createActive(fx.imageBatch('demo: submit with callback', 'demo-submit', [fx.recognize(credential, { wait: false, options })])),
				wait: await client.createActive(fx.imageBatch('demo: wait for callback', 'demo-wait', [fx.recognize(credential, { wait: 'callback', options: { timeout: 300 } }), ranOnNode()])),
			};
			await q.waitForWebhook(`${DEDUPE_WEBHOOK_ID}/callback`);
			return { ...ids, submitUrl: await q.waitForWebhook('demo-submit'), waitUrl: await q.waitForWebhook('demo-wait') };
		});
		const images = (label) => Array.from({ length: IMAGES }, (_, i) => ({ id: `${label}-${i + 1}`, url: `https://images.example/${label}-${i + 1}.jpg` }));
		const isDelivery = (record) => record.path.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`);

		// 1. callbacks delivered twice, continued once
		const recordsBefore = q.balancer.records.length;
		const roundTrip = await stage(`round trip: ${IMAGES} tasks, every callback delivered to both webhook processes`, async () => {
			await n8nLib.postJson(workflows.submitUrl, { images: images('cb') });
			const submitted = await until('the submit execution', async () => {
				const [execution] = await q.executions(workflows.submit);
				return execution?.status === 'success' && n8nLib.nodeOutputJson(await client.execution(execution.id), 'Recognize');
			}, { timeoutMs: 120_000 });
			await until('every callback', () => {
				const delivered = q.balancer.records.slice(recordsBefore).filter((r) => isDelivery(r) && r.status !== undefined);
				return new Set(delivered.map((r) => r.body)).size >= submitted.length;
			}, { timeoutMs: 120_000 });
			const executions = await q.settledExecutions(workflows.dedupe, { count: submitted.length, settleMs: 2_000 });
			const continued = new Map();
			for (const execution of executions) {
				const details = await client.execution(execution.id);
				const task = n8nLib.nodeOutputJson(details, 'ToMoviee Trigger')[0]?.taskId;
				const entry = continued.get(task) ?? { executions: 0, continued: 0 };
				entry.executions++;
				if (details.data.resultData.runData['Mask ready']) entry.continued++;
				continued.set(task, entry);
			}
			return { submitted, executions, continued };
		});

		// 2. Wait for Callback: parked, resumed once
		const waitRun = await stage(`Wait for Callback: ${IMAGES} images, callbacks alternate between the webhook processes`, async () => {
			await n8nLib.postJson(workflows.waitUrl, { images: images('wait') });
			const [execution] = await until('the wait execution', async () => {
				const list = await q.executions(workflows.wait);
				return n8nLib.FINISHED(list[0]) && list;
			}, { timeoutMs: 120_000 });
			await sleep(1_000);
			return {
				execution,
				items: n8nLib.nodeOutputJson(await client.execution(execution.id), 'Where'),
				callbacks: q.balancer.records.filter((r) => r.path === `/webhook-waiting/${execution.id}`),
				jobs: q.jobStarts('worker').get(execution.id),
			};
		});

		const deliveries = q.balancer.records.slice(recordsBefore).filter(isDelivery);
		say();
		say('=== ToMoviee in n8n queue mode: round trip ===');
		say();
		say(`Submitted ${roundTrip.submitted.length} tasks without waiting; ToMoviee (simulated) called back once per task and the`);
		say('balancer delivered each callback to both webhook processes. The ToMoviee Trigger started:');
		const rows = roundTrip.submitted.map((item) => {
			const answers = deliveries.filter((d) => d.body.includes(item.taskId)).flatMap((d) => d.targets.map((t) => `webhook-${t.index + 1}:${t.status ?? t.error}`));
			const entry = roundTrip.continued.get(item.taskId) ?? { executions: 0, continued: 0 };
			return { image: item.imageUrl.split('/').pop(), task: item.taskId, deliveries: answers.join(' '), executions: entry.executions, 'Mask ready ran': entry.continued };
		});
		say(table(rows, ['image', 'task', 'deliveries', 'executions', 'Mask ready ran']));
		const continuedOnce = roundTrip.continued.size === roundTrip.submitted.length && [...roundTrip.continued.values()].every((entry) => entry.continued === 1);
		say(
			`  ${roundTrip.executions.length} trigger executions for ${roundTrip.submitted.length} tasks (the trigger's duplicate check is per process); ` +
				`"Mask ready" ran ${continuedOnce ? 'exactly once per task' : 'NOT exactly once per task'} (Claim task: INSERT ... ON CONFLICT DO NOTHING RETURNING).`,
		);
		say();
		const waitSummary = summarizeRecords(waitRun.callbacks);
		const resumes = (waitRun.jobs ?? 1) - 1;
		say(`Wait for Callback: execution ${waitRun.execution.id} parked in PostgreSQL, ${waitRun.callbacks.length} callback tries, and resumed ${resumes === 1 ? 'once' : `${resumes} times`}:`);
		say(table(waitRun.callbacks.map((r) => ({ 'callback to': `webhook-${r.index + 1}`, answer: r.status, ms: r.ms })), ['callback to', 'answer', 'ms']));
		const ranOn = [...new Set(waitRun.items.map((i) => i.ranOn))].join(', ');
		say(`  ${waitRun.items.length} items out, status ${waitRun.execution.status}, next node ran on: ${ranOn}; answer p50 ${waitSummary.p50} ms, p99 ${waitSummary.p99} ms`);
		say('  (409: n8n refused a late callback, the execution had already resumed with every result;');
		say('   500: two webhook processes tried to resume at once and n8n let one of them do it)');
		say();
		const memory = q.peakMemory();
		const perProcess = Object.entries(memory.byName).map(([name, bytes]) => `${name} ${Math.round(megabytes(bytes))} MB`);
		say(`Peak memory (RSS incl. task runners): ${perProcess.join(', ')}; total ${Math.round(megabytes(memory.total))} MB`);
		say();
		printTimings();

		const ok = continuedOnce && waitRun.execution.status === 'success' && waitRun.items.length === IMAGES && waitRun.jobs === 2;
		await keepRunning(q.main.baseUrl);
		await cleanup();
		if (!ok) {
			step('the round trip did not come out as expected (see above)');
			process.exitCode = 1;
		}
	} catch (error) {
		process.stderr.write(`[demo] FAILED: ${error.stack ?? error}\n`);
		for (const p of resources.q?.processes ?? []) process.stderr.write(`[demo] end of the ${p.name} log:\n${resources.q.logTail(p.name, 15)}\n`);
		await cleanup();
		process.exit(1);
	}
}

module.exports = { main };
