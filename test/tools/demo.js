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
const fs = require('node:fs');
const path = require('node:path');
const examples = require('../e2e/lib/examples');
const n8nLib = require('../e2e/lib/n8n');
const { createSimulator } = require('../simulator');

const REPO_ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = examples.EXAMPLES_DIR;
const DEMO_WORKFLOWS = ['recognize-images', 'submit-with-callback', 'continue-on-callback'];
const CALLBACK_TIMEOUT_MS = Number(process.env.TOMOVIEE_DEMO_CALLBACK_TIMEOUT_MS || 120_000);

const keep = process.argv.includes('--keep');
const timings = []; // [stage, seconds]
const resources = { n8n: undefined, sim: undefined };

function say(message = '') {
	process.stdout.write(`${message}\n`);
}

function step(message) {
	process.stdout.write(`[demo] ${message}\n`);
}

async function stage(label, action) {
	step(`${label}...`);
	const started = Date.now();
	const ticker = setInterval(() => step(`  still at it (${Math.round((Date.now() - started) / 1000)} s)`), 10_000);
	let result;
	try {
		result = await action();
	} finally {
		clearInterval(ticker);
	}
	const seconds = (Date.now() - started) / 1000;
	timings.push([label, seconds]);
	return result;
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------- configuration

function realCredentials() {
	const { TOMOVIEE_APP_KEY: appKey, TOMOVIEE_APP_SECRET: appSecret } = process.env;
	if (!appKey && !appSecret) return undefined;
	const missing = ['TOMOVIEE_APP_KEY', 'TOMOVIEE_APP_SECRET', 'TOMOVIEE_WSID', 'TOMOVIEE_IMAGE_URLS'].filter(
		(name) => !process.env[name],
	);
	if (missing.length > 0) throw new Error(`real ToMoviee mode needs ${missing.join(', ')} as well`);
	return {
		appKey,
		appSecret,
		wsid: Number(process.env.TOMOVIEE_WSID),
		baseUrl: process.env.TOMOVIEE_BASE_URL || 'https://open-api.wondershare.cc',
		publicUrl: (process.env.TOMOVIEE_PUBLIC_URL || '').replace(/\/+$/, ''),
	};
}

function imageList(defaultImages) {
	const urls = (process.env.TOMOVIEE_IMAGE_URLS || '').split(/[\s,]+/).filter(Boolean);
	if (urls.length === 0) return defaultImages;
	return urls.map((url, index) => ({
		id: `img-${String(index + 1).padStart(3, '0')}`,
		url,
	}));
}

function defaultImagesOf() {
	const workflow = readJson(path.join(EXAMPLES, 'recognize-images.workflow.json'));
	const list = workflow.nodes.find((node) => node.name === 'Image list');
	return JSON.parse(list.parameters.jsonOutput).images;
}

// ---------------------------------------------------------------- n8n steps

async function cli(args) {
	const result = await resources.n8n.cli(args);
	if (result.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-3000)}`,
		);
	}
	return result;
}

/** Runs an example headless (`n8n execute`) and returns the json items of `nodeName`. */
async function executeHeadless(workflow, nodeName) {
	const runData = await examples.executeHeadless(resources.n8n, workflow);
	return examples.lastItems(runData, nodeName).map((item) => item.json);
}

async function triggerOutputs(client, workflowId, expected) {
	const deadline = Date.now() + CALLBACK_TIMEOUT_MS;
	let executions = [];
	while (executions.length < expected) {
		executions = (await n8nLib.listExecutions(client, workflowId)).finished;
		if (Date.now() > deadline) {
			throw new Error(
				`only ${executions.length} of ${expected} callbacks reached the trigger within ${CALLBACK_TIMEOUT_MS / 1000} s`,
			);
		}
		if (executions.length < expected) await new Promise((resolve) => setTimeout(resolve, 250));
	}
	const outputs = [];
	for (const execution of executions) {
		const details = await n8nLib.getExecution(client, execution.id);
		outputs.push({
			executionId: execution.id,
			status: details.status,
			trigger: n8nLib.nodeOutputJson(details, 'ToMoviee Trigger')[0],
			continued: n8nLib.nodeOutputJson(details, 'Mask ready')[0],
		});
	}
	return outputs.sort((a, b) => String(a.continued?.imageId).localeCompare(String(b.continued?.imageId)));
}

// ---------------------------------------------------------------- output

function table(rows, columns) {
	const widths = columns.map((column) =>
		Math.max(column.length, ...rows.map((row) => String(row[column] ?? '').length)),
	);
	const line = (values) => `  ${values.map((value, i) => String(value ?? '').padEnd(widths[i])).join('  ')}`.trimEnd();
	return [
		line(columns),
		line(widths.map((width) => '-'.repeat(width))),
		...rows.map((row) => line(columns.map((c) => row[c]))),
	].join('\n');
}

/** Prints the summary; false when the callback round trip did not match the submitted tasks. */
function printSummary({ mode, recognized, submitted, callbacks, callbackSkipped }) {
	let roundTripOk = true;
	say();
	say(`=== ToMoviee in n8n: summary (${mode}) ===`);
	say();
	say(`Recognition workflow (ToMoviee node, wait for completion): ${recognized.length} images`);
	say(
		table(
			recognized.map((item) => ({
				image: item.imageUrl,
				task: item.taskId,
				status: item.error ? `${item.status ?? 'error'} (${item.reason || item.error})` : item.status,
				mask: (item.resultUrls ?? []).join(' '),
			})),
			['image', 'task', 'status', 'mask'],
		),
	);
	say();
	if (callbackSkipped) {
		say(`Callback round trip: skipped (${callbackSkipped})`);
	} else {
		const submittedIds = submitted.map((item) => item.taskId).sort();
		const calledBack = callbacks.map((entry) => entry.trigger.taskId).sort();
		const exact = JSON.stringify(submittedIds) === JSON.stringify(calledBack);
		say(
			`Callback round trip: ${submitted.length} tasks submitted without waiting; ${callbacks.length} ToMoviee Trigger executions`,
		);
		roundTripOk = exact;
		say(
			`  ${exact ? 'exactly one trigger execution per submitted task' : 'MISMATCH between submitted tasks and trigger executions'}`,
		);
		say(
			table(
				callbacks.map((entry) => ({
					execution: entry.executionId,
					'pass-through': JSON.stringify(entry.trigger.params),
					task: entry.trigger.taskId,
					status: entry.trigger.status,
					mask: entry.continued?.maskUrl ?? '',
				})),
				['execution', 'pass-through', 'task', 'status', 'mask'],
			),
		);
	}
	say();
	say('Timings:');
	const width = Math.max(...timings.map(([label]) => label.length));
	for (const [label, seconds] of timings) say(`  ${label.padEnd(width)}  ${seconds.toFixed(1).padStart(6)} s`);
	return roundTripOk;
}

// ---------------------------------------------------------------- main

async function cleanup() {
	const { n8n, sim } = resources;
	resources.n8n = undefined;
	resources.sim = undefined;
	await Promise.allSettled([n8n?.cleanup(), sim?.stop()]);
}

function onSignal(signal) {
	step(`${signal}: stopping n8n and the simulator...`);
	cleanup().finally(() => process.exit(130));
}

function readShellTimings() {
	for (const entry of (process.env.TOMOVIEE_DEMO_TIMINGS || '').split(';').filter(Boolean)) {
		const [label, seconds] = entry.split('=');
		timings.push([label, Number(seconds)]);
	}
}

async function main() {
	readShellTimings();
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	const real = realCredentials();
	const mode = real ? `real ToMoviee at ${real.baseUrl}` : 'local ToMoviee simulator';
	const images = imageList(defaultImagesOf());

	let credentialData;
	if (real) {
		credentialData = {
			appKey: real.appKey,
			appSecret: real.appSecret,
			wsid: real.wsid,
			baseUrl: real.baseUrl,
		};
	} else {
		resources.sim = createSimulator({ taskDurationMs: [500, 1500] });
		const { url } = await stage('start the ToMoviee simulator', () => resources.sim.start(0, '127.0.0.1'));
		credentialData = { baseUrl: url };
		step(`simulator on ${url}`);
	}

	const env = real?.publicUrl ? { WEBHOOK_URL: `${real.publicUrl}/` } : {};
	resources.n8n = await stage('start n8n 2.41.1 (package linked)', () =>
		n8nLib.startN8n({ packageDir: REPO_ROOT, env }),
	);
	const n8n = resources.n8n;
	step(`n8n on ${n8n.baseUrl} (user folder ${n8n.userFolder})`);
	const client = await n8nLib.setupOwner(n8n.baseUrl);

	const continueWorkflow = readJson(path.join(EXAMPLES, 'continue-on-callback.workflow.json'));
	const webhookId = continueWorkflow.nodes.find((node) => node.webhookId).webhookId;
	const callbackBase = real ? real.publicUrl : n8n.baseUrl;
	const prepared = examples.prepareExamples(n8n.userFolder, {
		credentialData,
		images: process.env.TOMOVIEE_IMAGE_URLS ? images : undefined,
		webhookBase: `${callbackBase}/webhook/`,
		names: DEMO_WORKFLOWS,
	});

	await stage('import example credential + 3 workflows', async () => {
		await cli(['import:credentials', `--input=${prepared.credentialFile}`]);
		await cli(['import:workflow', '--separate', `--input=${prepared.workflowsDir}`]);
	});
	const trigger = prepared.workflows['continue-on-callback'];
	await stage('publish the ToMoviee Trigger workflow', async () => {
		await n8nLib.activateWorkflow(client, trigger.id);
		await n8nLib.waitForWebhook(n8n.baseUrl, `${webhookId}/callback`);
	});

	const recognized = await stage('run recognize-images headless (n8n execute)', () =>
		executeHeadless(prepared.workflows['recognize-images'], 'Recognize subject'),
	);

	let submitted = [];
	let callbacks = [];
	let callbackSkipped;
	if (real && !real.publicUrl) {
		callbackSkipped = 'set TOMOVIEE_PUBLIC_URL to a public URL that reaches this n8n to try it with real ToMoviee';
	} else {
		submitted = await stage('run submit-with-callback headless', () =>
			executeHeadless(prepared.workflows['submit-with-callback'], 'Submit (callback)'),
		);
		callbacks = await stage('wait for the callbacks (trigger executions)', () =>
			triggerOutputs(client, trigger.id, submitted.length),
		);
	}

	const roundTripOk = printSummary({
		mode,
		recognized,
		submitted,
		callbacks,
		callbackSkipped,
	});

	if (keep) {
		say();
		say(`n8n keeps running: open ${n8n.baseUrl}/home/workflows`);
		say(`  login: ${n8nLib.DEFAULT_OWNER.email} / ${n8nLib.DEFAULT_OWNER.password}`);
		if (resources.sim) say(`  simulator: ${credentialData.baseUrl} (credential "ToMoviee (local simulator)")`);
		say('Press Ctrl-C to stop n8n and the simulator and delete the throwaway user folder.');
		await new Promise(() => {}); // until a signal
	}
	await cleanup();
	const failed = recognized.filter((item) => item.error).length;
	if (failed > 0) step(`${failed} image(s) failed; see the status column`);
	if (!roundTripOk) process.exitCode = 1;
}

if (process.argv.includes('--queue')) {
	readShellTimings();
	require('./demo-queue').main({ keep, timings });
} else {
	main().catch(async (error) => {
		process.stderr.write(`[demo] FAILED: ${error.stack ?? error}\n`);
		if (resources.n8n && !String(error.message).includes('Log tail')) {
			process.stderr.write(`[demo] end of the n8n log (${resources.n8n.logFile}):\n${resources.n8n.logTail(40)}\n`);
		}
		await cleanup();
		process.exit(1);
	});
}
