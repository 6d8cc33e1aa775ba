'use strict';
/**
 * The package in a real n8n, in one command (`npm run demo`; test/tools/demo.sh installs n8n and
 * builds first). Links the package into a throwaway n8n user folder as an installed community
 * package, starts the ToMoviee simulator and n8n on 127.0.0.1, imports examples/, runs the
 * recognition workflow headless, completes a callback round trip through the ToMoviee Trigger,
 * prints a summary and stops everything.
 *
 *   --keep   leave n8n (and the simulator) running until Ctrl-C, and print the editor URL + login
 *   --queue  the same in n8n queue mode (main + worker + 2 webhook processes, PostgreSQL, Redis):
 *            test/tools/demo-queue.js
 *
 * Real ToMoviee instead of the simulator: TOMOVIEE_APP_KEY, TOMOVIEE_APP_SECRET, TOMOVIEE_WSID,
 * TOMOVIEE_BASE_URL (optional), TOMOVIEE_IMAGE_URLS (comma-separated, required) and, for the
 * callback round trip, TOMOVIEE_PUBLIC_URL (a public URL that reaches this n8n's port).
 */
const examples = require('../e2e/lib/examples');
const n8nLib = require('../e2e/lib/n8n');
const { REPO_ROOT } = require('../e2e/lib/fixtures');
const { createSimulator } = require('../simulator');

const CALLBACK_TIMEOUT_MS = Number(process.env.TOMOVIEE_DEMO_CALLBACK_TIMEOUT_MS || 120_000);
const keep = process.argv.includes('--keep');
// [stage, seconds], starting with demo.sh's
const timings = (process.env.TOMOVIEE_DEMO_TIMINGS || '').split(';').filter(Boolean).map((entry) => [entry.split('=')[0], Number(entry.split('=')[1])]);
const resources = {};

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (line) => process.stdout.write(`[demo] ${line}\n`);

async function stage(label, action) {
	step(`${label}...`);
	const started = Date.now();
	const ticker = setInterval(() => step(`  still at it (${Math.round((Date.now() - started) / 1000)} s)`), 10_000);
	try {
		return await action();
	} finally {
		clearInterval(ticker);
		timings.push([label, (Date.now() - started) / 1000]);
	}
}

function table(rows, columns) {
	const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)));
	const line = (values) => `  ${values.map((value, i) => String(value ?? '').padEnd(widths[i])).join('  ')}`.trimEnd();
	return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...rows.map((row) => line(columns.map((c) => row[c])))].join('\n');
}

function printTimings() {
	say('Timings:');
	const width = Math.max(...timings.map(([label]) => label.length));
	for (const [label, seconds] of timings) say(`  ${label.padEnd(width)}  ${seconds.toFixed(1).padStart(6)} s`);
}

/** With --keep: waits for Ctrl-C (the signal handler cleans up). */
async function keepRunning(baseUrl, extra = []) {
	if (!keep) return;
	say();
	say(`n8n keeps running: open ${baseUrl}/home/workflows`);
	say(`  login: ${n8nLib.DEFAULT_OWNER.email} / ${n8nLib.DEFAULT_OWNER.password}`);
	for (const line of extra) say(line);
	say('Press Ctrl-C to stop everything and delete the throwaway folders.');
	await new Promise(() => {});
}

/** Stops whatever `cleanup` stops on Ctrl-C or SIGTERM. */
function stopOnSignal(cleanup) {
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.on(signal, () => {
			step(`${signal}: stopping everything...`);
			cleanup().finally(() => process.exit(130));
		});
	}
}

function realCredentials() {
	const { TOMOVIEE_APP_KEY: appKey, TOMOVIEE_APP_SECRET: appSecret } = process.env;
	if (!appKey && !appSecret) return undefined;
	const missing = ['TOMOVIEE_APP_KEY', 'TOMOVIEE_APP_SECRET', 'TOMOVIEE_WSID', 'TOMOVIEE_IMAGE_URLS'].filter((name) => !process.env[name]);
	if (missing.length > 0) throw new Error(`real ToMoviee mode needs ${missing.join(', ')} as well`);
	const baseUrl = process.env.TOMOVIEE_BASE_URL || 'https://open-api.wondershare.cc';
	return { appKey, appSecret, wsid: Number(process.env.TOMOVIEE_WSID), baseUrl, publicUrl: (process.env.TOMOVIEE_PUBLIC_URL || '').replace(/\/+$/, '') };
}

async function cleanup() {
	const { n8n, sim } = resources;
	resources.n8n = resources.sim = undefined;
	await Promise.allSettled([n8n?.cleanup(), sim?.stop()]);
}

/** The trigger's executions once every submitted task has called back: [{ executionId, trigger, continued }]. */
async function triggerOutputs(client, workflowId, expected) {
	const executions = await client.waitForExecutions(workflowId, expected, { timeoutMs: CALLBACK_TIMEOUT_MS }).catch(() => {
		throw new Error(`not every one of ${expected} callbacks reached the trigger within ${CALLBACK_TIMEOUT_MS / 1000} s`);
	});
	const outputs = [];
	for (const { id } of executions) {
		const details = await client.execution(id);
		outputs.push({ executionId: id, trigger: n8nLib.nodeOutputJson(details, 'ToMoviee Trigger')[0], continued: n8nLib.nodeOutputJson(details, 'Mask ready')[0] });
	}
	return outputs.sort((a, b) => String(a.continued?.imageId).localeCompare(String(b.continued?.imageId)));
}

async function main() {
	stopOnSignal(cleanup);
	const real = realCredentials();
	let credentialData = real && { appKey: real.appKey, appSecret: real.appSecret, wsid: real.wsid, baseUrl: real.baseUrl };
	if (!real) {
		resources.sim = createSimulator({ taskDurationMs: [500, 1500] });
		const { url } = await stage('start the ToMoviee simulator', () => resources.sim.start(0, '127.0.0.1'));
		credentialData = { baseUrl: url };
		step(`simulator on ${url}`);
	}
	const env = real?.publicUrl ? { WEBHOOK_URL: `${real.publicUrl}/` } : {};
	const n8n = (resources.n8n = await stage('start n8n 2.41.1 (package linked)', () => n8nLib.startN8n({ packageDir: REPO_ROOT, env })));
	step(`n8n on ${n8n.baseUrl} (user folder ${n8n.userFolder})`);
	const client = await n8nLib.setupOwner(n8n.baseUrl);

	const imageUrls = (process.env.TOMOVIEE_IMAGE_URLS || '').split(/[\s,]+/).filter(Boolean);
	const workflows = await stage('import example credential + 3 workflows', () =>
		examples.importExamples(n8n, {
			credentialData,
			images: imageUrls.length ? imageUrls.map((url, index) => ({ id: `img-${String(index + 1).padStart(3, '0')}`, url })) : undefined,
			webhookBase: `${real ? real.publicUrl : n8n.baseUrl}/webhook/`,
			names: ['recognize-images', 'submit-with-callback', 'continue-on-callback'],
		}),
	);
	const trigger = workflows['continue-on-callback'];
	await stage('publish the ToMoviee Trigger workflow', async () => {
		await client.activate(trigger.id);
		await n8nLib.waitForWebhook(n8n.baseUrl, `${trigger.nodes.find((node) => node.webhookId).webhookId}/callback`);
	});
	const runHeadless = async (name, nodeName) => n8nLib.nodeOutputJson(await examples.executeHeadless(n8n, workflows[name]), nodeName);
	const recognized = await stage('run recognize-images headless (n8n execute)', () => runHeadless('recognize-images', 'Recognize subject'));
	let submitted = [];
	let callbacks = [];
	const callbackSkipped = real && !real.publicUrl && 'set TOMOVIEE_PUBLIC_URL to a public URL that reaches this n8n to try it with real ToMoviee';
	if (!callbackSkipped) {
		submitted = await stage('run submit-with-callback headless', () => runHeadless('submit-with-callback', 'Submit (callback)'));
		callbacks = await stage('wait for the callbacks (trigger executions)', () => triggerOutputs(client, trigger.id, submitted.length));
	}

	say();
	say(`=== ToMoviee in n8n: summary (${real ? `real ToMoviee at ${real.baseUrl}` : 'local ToMoviee simulator'}) ===`);
	say();
	say(`Recognition workflow (ToMoviee node, wait for completion): ${recognized.length} images`);
	const status = (item) => (item.error ? `${item.status ?? 'error'} (${item.reason || item.error})` : item.status);
	say(table(recognized.map((item) => ({ image: item.imageUrl, task: item.taskId, status: status(item), mask: (item.resultUrls ?? []).join(' ') })), ['image', 'task', 'status', 'mask']));
	say();
	const exact = JSON.stringify(submitted.map((item) => item.taskId).sort()) === JSON.stringify(callbacks.map((entry) => entry.trigger.taskId).sort());
	if (callbackSkipped) {
		say(`Callback round trip: skipped (${callbackSkipped})`);
	} else {
		say(`Callback round trip: ${submitted.length} tasks submitted without waiting; ${callbacks.length} ToMoviee Trigger executions`);
		say(`  ${exact ? 'exactly one trigger execution per submitted task' : 'MISMATCH between submitted tasks and trigger executions'}`);
		const rows = callbacks.map(({ executionId, trigger: t, continued }) => ({ execution: executionId, 'pass-through': JSON.stringify(t.params), task: t.taskId, status: t.status, mask: continued?.maskUrl ?? '' }));
		say(table(rows, ['execution', 'pass-through', 'task', 'status', 'mask']));
	}
	say();
	printTimings();
	await keepRunning(n8n.baseUrl, resources.sim ? [`  simulator: ${credentialData.baseUrl} (credential "ToMoviee (local simulator)")`] : []);
	await cleanup();
	const failed = recognized.filter((item) => item.error).length;
	if (failed > 0) step(`${failed} image(s) failed; see the status column`);
	if (!callbackSkipped && !exact) process.exitCode = 1;
}

if (process.argv.includes('--queue')) {
	require('./demo-queue').main({ say, step, stage, table, printTimings, keepRunning, stopOnSignal });
} else {
	main().catch(async (error) => {
		process.stderr.write(`[demo] FAILED: ${error.stack ?? error}\n`);
		if (resources.n8n && !String(error.message).includes('Log tail')) process.stderr.write(`[demo] end of the n8n log (${resources.n8n.logFile}):\n${resources.n8n.logTail(40)}\n`);
		await cleanup();
		process.exit(1);
	});
}
