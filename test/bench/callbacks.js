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
const { createSimulator } = require('../simulator');
const n8nLib = require('../e2e/lib/n8n');
const { stagePackage, waitingRecognizeWorkflow } = require('../e2e/lib/fixtures');
const probes = require('../e2e/lib/probes');

const APP_KEY = 'bench-cb-key';
const APP_SECRET = 'bench-cb-secret';
const MB = 1024 * 1024;

function parseArgs(argv) {
	const args = { sizes: [1000, 10_000], latency: 50 };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--sizes') args.sizes = argv[++i].split(',').map(Number);
		else if (argv[i] === '--latency') args.latency = Number(argv[++i]);
		else throw new Error(`unknown flag ${argv[i]}`);
	}
	return args;
}

const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
};

/** n8n answers its REST API with 503 "Database is not ready!" while SQLite is busy: ask again. */
async function patiently(call) {
	for (let attempt = 1; ; attempt++) {
		try {
			return await call();
		} catch (error) {
			if (error.status !== 503 || attempt >= 480) throw error;
			await probes.sleep(250);
		}
	}
}

async function executionOf(client, workflowId) {
	const [latest] = (await patiently(() => n8nLib.listExecutions(client, workflowId))).results;
	return latest;
}

async function measureBatch(env, size) {
	const { simulator, client, credential, n8n, pid } = env;
	// 1000 tasks end over five minutes (about 3 callbacks a second: n8n 2.41 loads the whole
	// execution and an expression isolate for each, and one process saturates near 10 a second).
	// 10 000 tasks: one calls back, the others' callbacks are lost (`nocallback`), so the node's
	// own check looks them all up and resumes the batch: park and resume without 10 000 calls.
	const durationMs = size >= 10_000 ? [20_000, 30_000] : [20_000, 320_000];
	simulator.configure({ taskDurationMs: durationMs });
	const hint = (i) => (size >= 10_000 && i > 0 ? '?nocallback' : '');
	const path = `bench-cb-${size}`;
	const workflow = await client.rest('POST', '/workflows', waitingRecognizeWorkflow(credential, { name: path, webhookPath: path, timeout: 900 }));
	await n8nLib.activateWorkflow(client, workflow.id);
	const url = await n8nLib.waitForWebhook(n8n.baseUrl, path);
	const fromRequest = simulator.requests.length;
	const fromCallback = simulator.callbacks.length;
	const before = probes.residentBytes(pid).rss;
	const sampler = probes.sampleResident(pid);
	const started = Date.now();
	const images = Array.from({ length: size }, (_, i) => ({ id: i, url: `https://images.bench.test/cb-${size}-${i}.png${hint(i)}` }));
	const response = await n8nLib.postJson(url, { images });
	if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
	const parked = await probes.until(async () => {
		const execution = await executionOf(client, workflow.id);
		if (execution && !['new', 'running', 'waiting'].includes(execution.status)) throw new Error(`the execution ended ${execution.status} before it was seen parked`);
		return execution && execution.status === 'waiting' ? execution : undefined;
	}, 600_000, 'the execution to park');
	const parkedAfterMs = Date.now() - started;
	const parkedRss = probes.residentBytes(pid).rss;
	const stored = await patiently(() => client.rest('GET', `/executions/${parked.id}`));
	const parkedDataBytes = Buffer.byteLength(typeof stored.data === 'string' ? stored.data : JSON.stringify(stored.data));
	const done = await probes.until(async () => {
		const execution = await executionOf(client, workflow.id);
		return execution && ['success', 'error', 'crashed', 'canceled'].includes(execution.status) ? execution : undefined;
	}, 900_000, 'the execution to finish');
	const wallMs = Date.now() - started;
	const highest = sampler.stop();
	const execution = await patiently(() => n8nLib.getExecution(client, done.id));
	const items = n8nLib.nodeOutputJson(execution, 'Recognize');
	const tries = simulator.callbacks.slice(fromCallback);
	const answers = tries.map((attempt) => attempt.answerMs).filter((ms) => typeof ms === 'number');
	const statuses = {};
	for (const attempt of tries) statuses[attempt.status ?? 'conn'] = (statuses[attempt.status ?? 'conn'] ?? 0) + 1;
	const requests = simulator.requests.slice(fromRequest);
	const queries = requests.filter((request) => request.path === '/v1/open/pub/task').length;
	return {
		size,
		taskDurationMs: durationMs,
		status: done.status,
		succeeded: items.filter((item) => item.status === 'succeeded').length,
		wallMs,
		parkedAfterMs,
		callbackTries: tries.length,
		callbackStatuses: statuses,
		answerP50Ms: percentile(answers, 50),
		answerP99Ms: percentile(answers, 99),
		answerMaxMs: percentile(answers, 100),
		taskQueries: queries,
		queriesPerTask: +(queries / size).toFixed(2),
		parkedDataMb: +(parkedDataBytes / MB).toFixed(2),
		rssBeforeMb: +(before / MB).toFixed(1),
		rssParkedMb: +(parkedRss / MB).toFixed(1),
		rssPeakMb: +(highest / MB).toFixed(1),
		addedPeakRssMb: +((highest - before) / MB).toFixed(1),
	};
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const simulator = createSimulator({
		appKey: APP_KEY,
		appSecret: APP_SECRET,
		latencyMs: args.latency,
		recordLimit: 1_000_000,
		callbackRetries: 5,
		callbackTimeoutMs: 60_000,
	});
	const simulatorUrl = (await simulator.start(0, '127.0.0.1')).url;
	const stagedPackage = stagePackage();
	const n8n = await n8nLib.startN8n({ packageDir: stagedPackage.dir, env: { NODE_ENV: 'production' } });
	const results = [];
	try {
		const client = await n8nLib.setupOwner(n8n.baseUrl);
		const credential = await n8nLib.createCredential(client, {
			name: 'ToMoviee bench',
			type: 'toMovieeApi',
			data: { appKey: APP_KEY, appSecret: APP_SECRET, baseUrl: simulatorUrl },
		});
		const pid = probes.n8nPid(n8n.userFolder);
		for (const size of args.sizes) {
			process.stderr.write(`  callback-${size} ...\n`);
			const row = await measureBatch({ simulator, client, credential, n8n, pid }, size);
			process.stderr.write(`    ${JSON.stringify(row)}\n`);
			results.push(row);
		}
	} finally {
		await n8n.cleanup();
		await simulator.stop();
		stagedPackage.remove();
	}
	console.log(JSON.stringify({ latencyMs: args.latency, n8n: '2.41.1', results }));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
