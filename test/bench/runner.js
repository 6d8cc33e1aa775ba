'use strict';
/**
 * One benchmark scenario in a fresh process (forked by bench.js), so its CPU time and RSS are
 * its own: loads both node types into one n8n-core engine, warms up, resets the simulator,
 * runs the measured workflow once, reports figures over IPC.
 *
 * Spec (JSON in argv[2]): { node: 'ours'|'theirs', n, simUrl, wait, options, continueOnFail,
 *   imageHint, warmup }
 */
const { performance } = require('node:perf_hooks');
const { load } = require('./load');

const APP_KEY = 'bench-key';
const APP_SECRET = 'bench-secret';
const WSID = 578691780;
const OURS = 'n8n-nodes-tomoviee.toMoviee';
const THEIRS = 'n8n-nodes-base.httpRequest';
const SUBMIT_PATH = '/v1/open/capacity/application/tm_reference_img2mask';

/** The simulator's control API (test/simulator/control.js): GET without a body, POST with one. */
async function control(simUrl, route, body) {
	const response = await fetch(`${simUrl}/__sim/${route}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`/__sim/${route}: HTTP ${response.status} ${await response.text()}`);
	return await response.json();
}

function items(n, hint) {
	return Array.from({ length: n }, (_, i) => ({
		json: { imageUrl: `https://images.bench.test/photo-${i}.png${hint ? `?${hint}` : ''}` },
	}));
}

function oursNode(spec) {
	return {
		type: OURS,
		typeVersion: 1,
		parameters: {
			resource: 'imageRecognition',
			operation: 'recognize',
			imageUrl: '={{ $json.imageUrl }}',
			controlType: '0',
			waitForCompletion: Boolean(spec.wait),
			options: { ...(spec.options ?? {}) },
		},
		continueOnFail: spec.continueOnFail,
	};
}

/** What a user builds with the HTTP Request node for the same submit (no credential: headers). */
function theirsNode(spec) {
	const basic = Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64');
	return {
		type: THEIRS,
		typeVersion: 4.5,
		parameters: {
			method: 'POST',
			url: `${spec.simUrl}${SUBMIT_PATH}`,
			authentication: 'none',
			sendHeaders: true,
			specifyHeaders: 'keypair',
			headerParameters: {
				parameters: [
					{ name: 'Authorization', value: `Basic ${basic}` },
					{ name: 'X-App-Key', value: APP_KEY },
				],
			},
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody:
				`={{ JSON.stringify({ wsid: ${WSID}, template_info: [{ input_params: { control_type: "0", ` +
				`init_image: $json.imageUrl, template_id: "tm_reference_img2mask_template_spatial" } }], ` +
				`storage_info: { input: { is_url: true }, output: { url: { expire_time: 1 } } } }) }}`,
			options: {},
		},
		continueOnFail: spec.continueOnFail,
	};
}

function summarize(spec, run) {
	const out = run.items;
	let succeeded = 0;
	let failed = 0;
	const taskIds = [];
	for (const item of out) {
		const json = item.json ?? {};
		const taskId = spec.node === 'ours' ? json.taskId : json.data?.task_id;
		const ok = json.error === undefined && taskId !== undefined && (spec.node === 'theirs' || !spec.wait || json.status === 'succeeded');
		if (ok) succeeded++;
		else failed++;
		if (taskId !== undefined) taskIds.push(String(taskId));
	}
	const counts = new Map();
	for (const id of taskIds) counts.set(id, (counts.get(id) ?? 0) + 1);
	const duplicatedOutputs = [...counts.values()].reduce((sum, c) => sum + (c > 1 ? c - 1 : 0), 0);
	const paired = out.every((item, i) => item.pairedItem && item.pairedItem.item === i);
	const statuses = {};
	for (const item of out) {
		const s = item.json?.error !== undefined ? 'error' : String(item.json?.status ?? (item.json?.code === 0 ? 'accepted' : 'other'));
		statuses[s] = (statuses[s] ?? 0) + 1;
	}
	const firstError = out.find((item) => item.json?.error !== undefined)?.json?.error;
	// Submits that got no definite answer are not sent again by default (the task may exist and
	// be billed); the item's error says so. Not lost: reported.
	const ambiguousNotResent = out.filter((item) => /may have created \(and billed\) a task/.test(String(item.json?.error ?? ''))).length;
	return {
		outputItems: out.length,
		succeeded,
		failed,
		uniqueTaskIds: counts.size,
		duplicatedOutputs,
		pairedInOrder: paired,
		statuses,
		nodeError: run.error ? String(run.error.message ?? run.error).slice(0, 200) : undefined,
		firstItemError: firstError === undefined ? undefined : String(firstError).slice(0, 200),
		ambiguousNotResent,
		runStatus: run.status,
	};
}

async function runOnce(loaded, spec, n, hint) {
	const { harness, ToMoviee, ToMovieeApi, HttpRequest } = loaded;
	return await harness.runWorkflow({
		nodeTypes: { [OURS]: new ToMoviee(), [THEIRS]: new HttpRequest() },
		credentialTypes: { toMovieeApi: new ToMovieeApi() },
		credentials: {
			toMovieeApi: { id: '1', name: 'ToMoviee account', data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: spec.simUrl } },
		},
		items: items(n, hint),
		node: spec.node === 'ours' ? oursNode(spec) : theirsNode(spec),
	});
}

async function startProfiler() {
	const inspector = require('node:inspector');
	const session = new inspector.Session();
	session.connect();
	const post = (method, params) =>
		new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
	await post('Profiler.enable');
	await post('Profiler.start');
	return {
		async stop(file) {
			const { profile } = await post('Profiler.stop');
			require('node:fs').writeFileSync(file, JSON.stringify(profile));
			session.disconnect();
		},
	};
}

async function main() {
	const spec = JSON.parse(process.argv[2]);
	const loaded = load(spec.oursFrom);
	// Warm-up (JIT, lazy requires) with a few items on a clean simulator, then forget it.
	const savedConfig = await control(spec.simUrl, 'config');
	await control(spec.simUrl, 'config', { maxInFlight: null, faultRate: 0, latencyMs: 0, taskDurationMs: 0 });
	await runOnce(loaded, { ...spec, continueOnFail: true, wait: false }, spec.warmup ?? 20);
	await control(spec.simUrl, 'config', {
		maxInFlight: savedConfig.maxInFlight ?? null,
		faultRate: savedConfig.faultRate,
		latencyMs: savedConfig.latencyMs,
		taskDurationMs: savedConfig.taskDurationMs,
	});
	await control(spec.simUrl, 'reset', {});

	if (global.gc) {
		global.gc();
		global.gc();
	}
	await new Promise((resolve) => setTimeout(resolve, 100));
	const baseline = process.memoryUsage();
	let peakRss = baseline.rss;
	let peakHeap = baseline.heapUsed;
	const sampler = setInterval(() => {
		const m = process.memoryUsage();
		if (m.rss > peakRss) peakRss = m.rss;
		if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
	}, 20);

	// BENCH_CPU_PROFILE=file.cpuprofile: a V8 CPU profile of the measured run only.
	const profiler = process.env.BENCH_CPU_PROFILE ? await startProfiler() : undefined;
	// spec.retained: every 2 s a full GC, then heap/RSS: what the run holds, not garbage not yet
	// collected (peak RSS depends on when V8 chooses to collect).
	let retainedHeap = baseline.heapUsed;
	let retainedRss = baseline.rss;
	const gcSampler =
		spec.retained && global.gc
			? setInterval(() => {
					global.gc();
					const m = process.memoryUsage();
					retainedHeap = Math.max(retainedHeap, m.heapUsed);
					retainedRss = Math.max(retainedRss, m.rss);
				}, 2000)
			: undefined;
	const startedAt = Date.now();
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const run = await runOnce(loaded, spec, spec.n, spec.imageHint);
	const wallMs = performance.now() - t0;
	const cpu = process.cpuUsage(cpu0);
	const endedAt = Date.now();
	clearInterval(sampler);
	clearInterval(gcSampler);
	if (profiler) await profiler.stop(process.env.BENCH_CPU_PROFILE);
	const end = process.memoryUsage();
	peakRss = Math.max(peakRss, end.rss);

	const MB = 1024 * 1024;
	const result = {
		wallMs: Math.round(wallMs),
		cpuMs: Math.round((cpu.user + cpu.system) / 1000),
		cpuUserMs: Math.round(cpu.user / 1000),
		cpuSystemMs: Math.round(cpu.system / 1000),
		startedAt,
		endedAt,
		baselineRssMb: +(baseline.rss / MB).toFixed(1),
		peakRssMb: +(peakRss / MB).toFixed(1),
		addedRssMb: +((peakRss - baseline.rss) / MB).toFixed(1),
		baselineHeapMb: +(baseline.heapUsed / MB).toFixed(1),
		peakHeapMb: +(peakHeap / MB).toFixed(1),
		addedHeapMb: +((peakHeap - baseline.heapUsed) / MB).toFixed(1),
		...(gcSampler
			? {
					retainedHeapAddedMb: +((retainedHeap - baseline.heapUsed) / MB).toFixed(1),
					retainedRssAddedMb: +((retainedRss - baseline.rss) / MB).toFixed(1),
				}
			: {}),
		maxRssMb: +((process.resourceUsage().maxRSS * 1024) / MB).toFixed(1),
		...summarize(spec, run),
	};
	process.send ? process.send(result) : console.log(JSON.stringify(result));
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { control, APP_KEY, APP_SECRET };
