'use strict';
/**
 * Issue 22, point 3: a parked batch's resume URL flooded in a real n8n. Not a test: it prints
 * JSON figures for the closing note.
 *
 * One Wait for Callback batch of one task is parked; for `--seconds` (60) its resume URL gets
 * `--checks` (2000) token-less checks `{"tomovieeLedgerCheck":true}` and `--bodies` (2000) bodies
 * of `--body-mb` (1) MB claiming the task succeeded, paced evenly, at most `--in-flight` (32) at
 * once (n8n answers what it can: a slower n8n stretches the flood). Then the task ends and its
 * real callback is sent the way ToMoviee would (the simulator's body, repeated on non-2xx after
 * 200 ms doubling). Printed: the task look-ups the simulator saw (during the flood, and from
 * parking to the resume), the n8n process's RSS before the flood, at its peak and after, how the
 * flood was answered, and the time from the real callback to the resume (the workflow's Report
 * node, after the parked node, posting to a local recorder).
 *
 *   node test/bench/flood.js [--version 2|1] [--seconds 60] [--checks 2000] [--bodies 2000] [--body-mb 1] [--in-flight 32]
 */
const { callbackBody } = require('../simulator/callbacks');
const n8nLib = require('../e2e/lib/n8n');
const { waitingBatch } = require('../e2e/lib/fixtures');
const { sleep, until, residentBytes, sampleHighest, megabytes } = require('../e2e/lib/process');
const { startRecorder } = require('../e2e/lib/probes');
const { startStack } = require('../e2e/lib/stack');

const MB = 1024 * 1024;

function parseArgs(argv) {
	const args = { version: '2', seconds: 60, checks: 2000, bodies: 2000, bodyMb: 1, inFlight: 32 };
	const names = { '--version': 'version', '--seconds': 'seconds', '--checks': 'checks', '--bodies': 'bodies', '--body-mb': 'bodyMb', '--in-flight': 'inFlight' };
	for (let i = 0; i < argv.length; i++) {
		const name = names[argv[i]];
		if (!name) throw new Error(`unknown flag ${argv[i]}`);
		args[name] = name === 'version' ? argv[++i] : Number(argv[++i]);
	}
	return args;
}

/** Posts `body` (a Buffer) and resolves to the status, or the error code; never throws. */
async function post(url, body) {
	try {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(30_000) });
		await response.arrayBuffer();
		return response.status;
	} catch (error) {
		return error.cause?.code ?? error.name;
	}
}

/** Sends every body of `bodies` evenly over `seconds`, at most `maxInFlight` at once; counts the answers. */
async function flood(url, bodies, seconds, maxInFlight) {
	const answers = {};
	const started = Date.now();
	const gapMs = (seconds * 1000) / bodies.length;
	let inFlight = 0;
	const pending = new Set();
	for (let index = 0; index < bodies.length; index++) {
		const due = started + index * gapMs;
		if (due > Date.now()) await sleep(due - Date.now());
		while (inFlight >= maxInFlight) await Promise.race(pending);
		inFlight++;
		const sent = post(url, bodies[index].body).then((status) => {
			const key = `${bodies[index].kind} ${status}`;
			answers[key] = (answers[key] ?? 0) + 1;
			inFlight--;
			pending.delete(sent);
		});
		pending.add(sent);
	}
	await Promise.all(pending);
	return { answers, floodMs: Date.now() - started };
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const recorder = await startRecorder();
	const sim = { recordLimit: 1_000_000, callbackRetries: 12, callbackTimeoutMs: 60_000 };
	const { sim: simulator, n8n, client, credential, stop } = await startStack({ sim, version: args.version, installWithNpm: args.version === '1' });
	try {
		const pid = n8n.pid();
		const webhookPath = 'bench-flood';
		const workflowId = await client.createActive(waitingBatch(credential, { name: webhookPath, webhookPath, timeout: 3600, reportUrl: recorder.url }));
		const url = await n8nLib.waitForWebhook(n8n.baseUrl, webhookPath);
		// Runs until the flood is over; its callback is then sent here, as ToMoviee would.
		simulator.configure({ taskDurationMs: 3_600_000 });
		const response = await n8nLib.postJson(url, { images: [{ id: 0, url: 'https://images.bench.test/flood.png?nocallback' }] });
		if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
		const submit = await until('the submit', () => simulator.requests.find((request) => request.path.startsWith('/v1/open/capacity/application/')));
		const resumeUrl = submit.body.callback;
		const taskId = [...simulator.tasks.values()].find((task) => task.callback === resumeUrl).task_id;
		await until('the batch to park', async () => (await client.executions(workflowId)).find((execution) => execution.status === 'waiting'));
		const parkedAt = Date.now();
		const isLookUp = (request) => request.path === '/v1/open/pub/task' && request.body?.task_id === taskId;
		const lookUpsBefore = simulator.requests.filter(isLookUp).length;

		const rssBefore = residentBytes(pid).rss;
		const sampler = sampleHighest(() => residentBytes(pid).rss);
		const check = Buffer.from(JSON.stringify({ tomovieeLedgerCheck: true }));
		const claim = Buffer.from(JSON.stringify({ task_id: taskId, status: 3, progress: 100, result: 'x'.repeat(args.bodyMb * MB) }));
		const bodies = [];
		for (let i = 0; i < Math.max(args.checks, args.bodies); i++) {
			if (i < args.checks) bodies.push({ kind: 'token-less check', body: check });
			if (i < args.bodies) bodies.push({ kind: `${args.bodyMb} MB claim`, body: claim });
		}
		const floodStartedAt = Date.now();
		const { answers, floodMs } = await flood(resumeUrl, bodies, args.seconds, args.inFlight);
		const floodEndedAt = Date.now();
		const lookUpsInFlood = simulator.requests.filter((request) => isLookUp(request) && request.at >= floodStartedAt && request.at <= floodEndedAt).length;
		const task = simulator.tasks.get(taskId);
		task.durationMs = Date.now() - task.createdAt;
		const realCallback = Buffer.from(JSON.stringify(callbackBody(task, 'bare', Date.now())));
		const callbackSentAt = Date.now();
		const attempts = [];
		for (let pauseMs = 200; attempts.length < 12; pauseMs *= 2) {
			attempts.push(await post(resumeUrl, realCallback));
			// a flood body may have resumed the batch first: then every try is refused, and stops here
			if ((attempts.at(-1) >= 200 && attempts.at(-1) < 300) || recorder.requests.length > 0) break;
			await sleep(pauseMs);
		}
		const report = await until('the resume', () => recorder.requests[0], { timeoutMs: 600_000 });
		const rssPeak = sampler.stop();
		await sleep(2000);
		const rssAfter = residentBytes(pid).rss;
		console.log(
			JSON.stringify({
				n8n: n8n.version,
				seconds: args.seconds,
				sent: bodies.length,
				floodMs,
				answers,
				taskLookUpsDuringFlood: lookUpsInFlood,
				taskLookUpsParkedToResume: simulator.requests.filter(isLookUp).length - lookUpsBefore,
				rssBeforeMb: megabytes(rssBefore),
				rssPeakMb: megabytes(rssPeak),
				rssAfterMb: megabytes(rssAfter),
				rssGrowthMb: megabytes(rssAfter - rssBefore),
				rssPeakGrowthMb: megabytes(rssPeak - rssBefore),
				realCallbackAnswers: attempts,
				callbackToResumeMs: report.at - callbackSentAt,
				parkedToResumeMs: report.at - parkedAt,
			}),
		);
	} finally {
		await stop();
		await recorder.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
