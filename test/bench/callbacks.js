'use strict';
/**
 * `npm run bench -- --only callback`: Wait Method "Wait for Callback" in a real n8n 2.41.1 (issue 16).
 * One n8n with the package, the simulator in this process calling back every task's resume URL.
 * Per batch size: how long the simulator waited for each callback's answer (p50/p99/max), task
 * queries per task, the size of the parked execution's data as n8n stores it, and the n8n
 * process's resident memory before, while parked and during the resume.
 *
 *   node test/bench/callbacks.js [--sizes 1000,10000] [--latency 50]   (prints JSON)
 */
const n8nLib = require('../e2e/lib/n8n');
const { waitingBatch } = require('../e2e/lib/fixtures');
const { until, percentile, residentBytes, sampleHighest, megabytes } = require('../e2e/lib/process');
const { startStack } = require('../e2e/lib/stack');

function parseArgs(argv) {
	const args = { sizes: [1000, 10_000], latency: 50 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--sizes') args.sizes = argv[++i].split(',').map(Number);
		else if (argv[i] === '--latency') args.latency = Number(argv[++i]);
		else throw new Error(`unknown flag ${argv[i]}`);
	}
	return args;
}

async function measureBatch({ sim, client, credential, n8n }, size) {
	// 1000 tasks end over five minutes (about 3 callbacks a second: n8n 2.41 loads the whole
	// execution and an expression isolate for each, and one process saturates near 10 a second).
	// 10 000 tasks: one calls back, the others' callbacks are lost (`nocallback`), so the node's
	// own check looks them all up and resumes the batch: park and resume without 10 000 calls.
	const durationMs = size >= 10_000 ? [20_000, 30_000] : [20_000, 320_000];
	sim.configure({ taskDurationMs: durationMs });
	const webhookPath = `bench-cb-${size}`;
	const workflowId = await client.createActive(waitingBatch(credential, { name: webhookPath, webhookPath, timeout: 900 }));
	const url = await n8nLib.waitForWebhook(n8n.baseUrl, webhookPath);
	const latest = async () => (await client.executions(workflowId))[0];
	const fromRequest = sim.requests.length;
	const fromCallback = sim.callbacks.length;
	const pid = n8n.pid();
	const before = residentBytes(pid).rss;
	const sampler = sampleHighest(() => residentBytes(pid).rss);
	const started = Date.now();
	const images = Array.from({ length: size }, (_, i) => ({ id: i, url: `https://images.bench.test/cb-${size}-${i}.png${size >= 10_000 && i > 0 ? '?nocallback' : ''}` }));
	const response = await n8nLib.postJson(url, { images });
	if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
	const parked = await until('the execution to park', async () => {
		const execution = await latest();
		if (n8nLib.FINISHED(execution)) throw new Error(`the execution ended ${execution.status} before it was seen parked`);
		return execution?.status === 'waiting' && execution;
	}, { timeoutMs: 600_000 });
	const parkedAfterMs = Date.now() - started;
	const parkedRss = residentBytes(pid).rss;
	const stored = await client.rest('GET', `/executions/${parked.id}`);
	const parkedDataBytes = Buffer.byteLength(typeof stored.data === 'string' ? stored.data : JSON.stringify(stored.data));
	const done = await until('the execution to finish', async () => {
		const execution = await latest();
		return n8nLib.FINISHED(execution) && execution;
	}, { timeoutMs: 900_000 });
	const wallMs = Date.now() - started;
	const highest = sampler.stop();
	const items = n8nLib.nodeOutputJson(await client.execution(done.id), 'Recognize');
	const tries = sim.callbacks.slice(fromCallback);
	const answers = tries.map((attempt) => attempt.answerMs).filter((ms) => typeof ms === 'number');
	const statuses = {};
	for (const attempt of tries) statuses[attempt.status ?? 'conn'] = (statuses[attempt.status ?? 'conn'] ?? 0) + 1;
	const queries = sim.requests.slice(fromRequest).filter((request) => request.path === '/v1/open/pub/task').length;
	return {
		size,
		taskDurationMs: durationMs,
		status: done.status,
		succeeded: items.filter((item) => item.status === 'succeeded').length,
		wallMs,
		parkedAfterMs,
		callbackTries: tries.length,
		callbackStatuses: statuses,
		answerP50Ms: percentile(answers, 50) ?? null,
		answerP99Ms: percentile(answers, 99) ?? null,
		answerMaxMs: percentile(answers, 100) ?? null,
		taskQueries: queries,
		queriesPerTask: +(queries / size).toFixed(2),
		parkedDataMb: +(parkedDataBytes / 1024 / 1024).toFixed(2),
		rssBeforeMb: megabytes(before),
		rssParkedMb: megabytes(parkedRss),
		rssPeakMb: megabytes(highest),
		addedPeakRssMb: megabytes(highest - before),
	};
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const sim = { latencyMs: args.latency, recordLimit: 1_000_000, callbackRetries: 5, callbackTimeoutMs: 60_000 };
	const stack = await startStack({ sim });
	const results = [];
	try {
		for (const size of args.sizes) {
			process.stderr.write(`  callback-${size} ...\n`);
			const row = await measureBatch(stack, size);
			process.stderr.write(`    ${JSON.stringify(row)}\n`);
			results.push(row);
		}
	} finally {
		await stack.stop();
	}
	console.log(JSON.stringify({ latencyMs: args.latency, n8n: '2.41.1', results }));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
