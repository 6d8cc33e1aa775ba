'use strict';
/**
 * Wait Method "Wait for Callback" in a real n8n 2.41.1: the ToMoviee node submits with the
 * execution's resume URL as callback, n8n parks the execution in its database, and the
 * simulator's callbacks resume it once every task has ended.
 *
 * The resume URLs point at a gate in front of n8n (WEBHOOK_URL), a plain TCP relay the restart
 * case closes while n8n stops and opens again once n8n has migrated its database: until then
 * n8n answers any request with 200 "n8n is starting up. Please wait", which no sender can tell
 * from a delivered callback (a load balancer that waits for /healthz/readiness avoids it). The
 * simulator retries every other answer: connection errors, 404 while n8n's routes are not
 * registered yet, 500 while its start-up recovery touches parked executions.
 *
 * The Timeout case is started first and checked last: n8n's wait tracker looks for due waits
 * only every 60 s, so its wait overlaps the other cases.
 *
 * TOMOVIEE_RESTART_RUNS=20 repeats the restart case 20 times in one run (it logs each run).
 */
const fs = require('node:fs');
const { createSimulator } = require('../simulator');
const n8nLib = require('./lib/n8n');
const { stagePackage, waitingRecognizeWorkflow } = require('./lib/fixtures');
const { postJson, sleep, startGate, startRecorder, withLogTail: withTail } = require('./lib/probes');

jest.setTimeout(600_000);

const APP_KEY = 'cb-key';
const APP_SECRET = 'cb-secret';
const RESTART_RUNS = Number(process.env.TOMOVIEE_RESTART_RUNS || 1);
const FINISHED = ['success', 'error', 'crashed', 'canceled'];
let simulator;
let simulatorUrl;
let n8n;
let gate;
let stagedPackage;
let client;
let credential;
const timeoutCase = {};

const withLogTail = (run) => withTail(() => n8n, run, 60);

/** Images In (webhook) -> Split Out -> Recognize (waits with `waitMethod`) -> Done -> [Report]. */
function waitWorkflow({ waitMethod = 'callback', ...rest }) {
	return waitingRecognizeWorkflow(credential, { waitMethod, ...(waitMethod === 'poll' ? { pollInterval: 5 } : {}), ...rest });
}

/**
 * Opens the gate as soon as n8n has migrated its database (it no longer answers "n8n is starting
 * up"): from then on callbacks meet n8n's 404s (routes not registered yet) and its start-up
 * recovery, but no 2xx that drops them. Resolves to the time it opened.
 */
async function openGateOnceMigrated() {
	const deadline = Date.now() + 180_000;
	while (Date.now() < deadline) {
		try {
			const response = await fetch(`${n8n.baseUrl}/webhook-waiting/0`, { method: 'POST', signal: AbortSignal.timeout(2_000) });
			const text = await response.text();
			if (!text.includes('n8n is starting up')) break;
		} catch {
			// not listening yet
		}
		await sleep(20);
	}
	gate.open();
	return Date.now();
}

async function createActiveWorkflow(definition) {
	const created = await client.rest('POST', '/workflows', definition);
	await n8nLib.activateWorkflow(client, created.id);
	return created.id;
}

async function startRun(webhookPath, urls) {
	const url = await n8nLib.waitForWebhook(n8n.baseUrl, webhookPath);
	const response = await postJson(url, { images: urls.map((u, i) => ({ id: i, url: u })) });
	expect(response.status).toBe(200);
}

async function executionsOf(workflowId) {
	return (await n8nLib.listExecutions(client, workflowId)).results;
}

async function waitForStatus(workflowId, statuses, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = await executionsOf(workflowId);
		if (latest && statuses.includes(latest.status)) return latest;
		if (Date.now() > deadline) {
			throw new Error(
				`execution of ${workflowId} is ${latest?.status}, expected ${statuses}\ncallbacks: ${JSON.stringify(simulator.callbacks.slice(-5))}`,
			);
		}
		await sleep(250);
	}
}

const submitsSince = (from) => simulator.requests.slice(from).filter((r) => r.path.endsWith('/tm_reference_img2mask'));
const queriesSince = (from) => simulator.requests.slice(from).filter((r) => r.path === '/v1/open/pub/task').length;
/**
 * The simulator's tasks created since request `from` for these image URLs, in their order (the
 * item order): the pool sends submits concurrently, so the simulator may see them in any order.
 */
const tasksSince = (from, urls) => {
	const since = simulator.requests[from]?.at ?? Date.now();
	const created = [...simulator.tasks.values()].filter((task) => task.createdAt >= since);
	return urls.map((url) => created.find((task) => task.init_image === url));
};
const statusCounts = (attempts) =>
	attempts.reduce((counts, attempt) => {
		const key = attempt.status ?? 'conn';
		counts[key] = (counts[key] ?? 0) + 1;
		return counts;
	}, {});

/** Waits until no callback of these tasks is still being delivered (each delivered or given up). */
async function callbacksSettled(tasks, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	while (tasks.some((task) => task.callbackState === 'pending')) {
		if (Date.now() > deadline) throw new Error('callbacks still being delivered');
		await sleep(200);
	}
}

beforeAll(async () => {
	// callbackTimeoutMs: n8n serves several waiting-webhook calls at once slowly on a busy 2-core
	// machine (each loads the execution and an expression isolate); a 5 s cut would drop the
	// answer of a resume n8n has already accepted.
	simulator = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, taskDurationMs: 1000, callbackRetries: 4, callbackTimeoutMs: 30_000 });
	simulatorUrl = (await simulator.start(0, '127.0.0.1')).url;
	stagedPackage = stagePackage();
	gate = await startGate();
	n8n = await n8nLib.startN8n({
		packageDir: stagedPackage.dir,
		env: { NODE_ENV: 'production', WEBHOOK_URL: `${gate.url}/` },
	});
	gate.target(n8n.port);
	client = await n8nLib.setupOwner(n8n.baseUrl);
	credential = await n8nLib.createCredential(client, {
		name: 'ToMoviee callback e2e',
		type: 'toMovieeApi',
		data: { appKey: APP_KEY, appSecret: APP_SECRET, baseUrl: simulatorUrl },
	});
}, 1_200_000);

afterAll(async () => {
	await n8n?.cleanup();
	await gate?.stop();
	await simulator?.stop();
	stagedPackage?.remove();
});

describe('Wait Method: Wait for Callback (real n8n)', () => {
	test(
		'Timeout, part 1: a batch with a task that never calls back parks with a 5 s Timeout',
		withLogTail(async () => {
			timeoutCase.workflowId = await createActiveWorkflow(
				waitWorkflow({ name: 'cb timeout', webhookPath: 'cb-timeout', timeout: 5, options: { download: true } }),
			);
			timeoutCase.from = simulator.requests.length;
			// the first task ends during the submit phase, the second never
			timeoutCase.urls = ['https://x.test/ended.png?duration=0', 'https://x.test/never.png'];
			await startRun('cb-timeout', timeoutCase.urls);
			const waiting = await waitForStatus(timeoutCase.workflowId, ['waiting', ...FINISHED]);
			expect(waiting.status).toBe('waiting');
			timeoutCase.executionId = waiting.id;
			timeoutCase.parkedAt = Date.now();
			timeoutCase.tasks = tasksSince(timeoutCase.from, timeoutCase.urls);
			expect(timeoutCase.tasks.map((task) => task.init_image)).toEqual(timeoutCase.urls);
		}),
	);

	test(
		'1 item: parks, then resumes on the callback with the polling output shape',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb one', webhookPath: 'cb-one' }));
			const before = simulator.requests.length;
			await startRun('cb-one', ['https://x.test/one.png?duration=1500']);
			const waiting = await waitForStatus(workflowId, ['waiting', ...FINISHED]);
			expect(waiting.status).toBe('waiting');
			const [submit] = submitsSince(before);
			// n8n's resume URL, unchanged: its own token, no tm_signature
			expect(submit.body.callback).toMatch(new RegExp(`^${gate.url}/webhook-waiting/${waiting.id}\\?signature=[^&]+$`));

			const done = await waitForStatus(workflowId, FINISHED);
			expect(done.status).toBe('success');
			const execution = await n8nLib.getExecution(client, done.id);
			const [item] = n8nLib.nodeOutputJson(execution, 'Recognize');
			expect(item).toMatchObject({
				taskId: expect.stringMatching(/^tm_reference_img2mask-0-/),
				status: 'succeeded',
				statusCode: 3,
				progress: 100,
				reason: 'success',
				controlType: '2',
				imageUrl: 'https://x.test/one.png?duration=1500',
				resultUrlsExpireAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
			expect(item.resultUrls).toHaveLength(1);
			expect(item.resultUrls[0]).toMatch(new RegExp(`^${simulatorUrl}/files/${item.taskId}/0\\.png\\?Expires=\\d+&`));
			expect(item.error).toBeUndefined();
			expect(n8nLib.nodeOutputJson(execution, 'Done')).toHaveLength(1);
			console.log(`1 item: ${simulator.requests.length - before} requests (${queriesSince(before)} task queries)`);
		}),
	);

	test(
		'10 items, callbacks out of order, one failing: resumes once, after the last callback',
		withLogTail(async () => {
			const counter = await startRecorder();
			try {
				const workflowId = await createActiveWorkflow(
					waitWorkflow({ name: 'cb ten', webhookPath: 'cb-ten', reportUrl: `${counter.url}/ran` }),
				);
				const before = simulator.requests.length;
				const callbacksBefore = simulator.callbacks.length;
				// Durations descend, so ToMoviee calls back in the reverse order of the items.
				const urls = Array.from({ length: 10 }, (_, i) =>
					i === 4 ? `https://x.test/fail-${i}.png?duration=1200` : `https://x.test/ten-${i}.png?duration=${3000 - i * 200}`,
				);
				const started = Date.now();
				await startRun('cb-ten', urls);
				const parked = await waitForStatus(workflowId, ['waiting', ...FINISHED]);
				const parkedMs = Date.now() - started;
				expect(parked.status).toBe('waiting');
				const done = await waitForStatus(workflowId, FINISHED);
				const wall = Date.now() - started;
				expect(done.status).toBe('success');
				const execution = await n8nLib.getExecution(client, done.id);
				const items = n8nLib.nodeOutputJson(execution, 'Recognize');
				expect(items.map((item) => item.imageUrl)).toEqual(urls);
				items.forEach((item, i) => {
					if (i === 4) {
						expect(item).toMatchObject({
							status: 'failed',
							statusCode: 4,
							reason: 'image could not be recognized',
							errorCode: 680003,
							error: expect.stringMatching(/failed: image could not be recognized \(code 680003\) \[item 4\]/),
						});
					} else {
						expect(item).toMatchObject({ status: 'succeeded', reason: 'success' });
						expect(item.error).toBeUndefined();
					}
				});
				const tasks = tasksSince(before, urls);
				await callbacksSettled(tasks);
				const attempts = simulator.callbacks.slice(callbacksBefore);
				// every task called back; the call that completed the batch got its 2xx once n8n took the resume
				expect(new Set(attempts.map((attempt) => attempt.task_id)).size).toBe(10);
				expect(attempts.filter((attempt) => attempt.status === 200).length).toBeGreaterThanOrEqual(1);
				expect((await executionsOf(workflowId)).length).toBe(1);
				expect(counter.requests.map((hit) => hit.body)).toEqual([{ executionId: done.id, items: 10 }]);
				console.log(
					`10 items: seen parked after ${parkedMs} ms, wall ${wall} ms, ${simulator.requests.length - before} API requests (${queriesSince(before)} task queries), callback answers ${JSON.stringify(statusCounts(attempts))}`,
				);
				if (process.env.TOMOVIEE_E2E_VERBOSE) {
					console.log(attempts.map((a) => `${a.task_id.slice(-4)} try ${a.attempt}: ${a.status ?? a.error} at +${a.at - started} ms`).join('\n'));
				}
			} finally {
				await counter.close();
			}
		}),
	);

	test(
		'the same 10 items with Wait Method "Poll", for comparison',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'poll ten', webhookPath: 'poll-ten', waitMethod: 'poll' }));
			const before = simulator.requests.length;
			const urls = Array.from({ length: 10 }, (_, i) =>
				i === 4 ? `https://x.test/fail-${i}.png?duration=1200` : `https://x.test/ten-${i}.png?duration=${3000 - i * 200}`,
			);
			const started = Date.now();
			await startRun('poll-ten', urls);
			const done = await waitForStatus(workflowId, FINISHED);
			const wall = Date.now() - started;
			// Without continue-on-fail the failing task fails the node when polling.
			expect(done.status).toBe('error');
			console.log(`poll 10 items: wall ${wall} ms, ${simulator.requests.length - before} API requests (${queriesSince(before)} task queries)`);
		}),
	);

	test(
		'6 final callbacks arriving together: one resume, one downstream run, each result file downloaded once',
		withLogTail(async () => {
			const counter = await startRecorder();
			try {
				const workflowId = await createActiveWorkflow(
					waitWorkflow({
						name: 'cb together',
						webhookPath: 'cb-together',
						options: { download: true },
						reportUrl: `${counter.url}/ran`,
					}),
				);
				const before = simulator.requests.length;
				const callbacksBefore = simulator.callbacks.length;
				// equal durations: ToMoviee calls back for all six within a few milliseconds
				const urls = Array.from({ length: 6 }, (_, i) => `https://x.test/together-${i}.png?duration=2000`);
				await startRun('cb-together', urls);
				const done = await waitForStatus(workflowId, FINISHED);
				expect(done.status).toBe('success');
				const tasks = tasksSince(before, urls);
				await callbacksSettled(tasks);
				await sleep(1000); // a second resume would have reported by now
				const execution = await n8nLib.getExecution(client, done.id);
				const items = execution.data.resultData.runData.Recognize.at(-1).data.main[0];
				expect(items.map((item) => item.json.status)).toEqual(Array(6).fill('succeeded'));
				expect(items.every((item) => item.binary?.data?.mimeType === 'image/png')).toBe(true);
				expect((await executionsOf(workflowId)).length).toBe(1);
				expect(counter.requests.map((hit) => hit.body)).toEqual([{ executionId: done.id, items: 6 }]);
				const downloads = tasks.map((task) => simulator.requests.slice(before).filter((r) => r.path.startsWith(`/files/${task.task_id}/`)).length);
				expect(downloads).toEqual(Array(6).fill(1));
				const attempts = simulator.callbacks.slice(callbacksBefore);
				console.log(
					`6 callbacks together: ${(await executionsOf(workflowId)).length} execution, ${counter.requests.length} downstream run, downloads per task ${JSON.stringify(downloads)}, callback answers ${JSON.stringify(statusCounts(attempts))}`,
				);
			} finally {
				await counter.close();
			}
		}),
	);

	test(
		'every task ends during the submit phase (duration=0): the node outputs without parking',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb instant', webhookPath: 'cb-instant' }));
			const before = simulator.requests.length;
			const callbacksBefore = simulator.callbacks.length;
			const urls = Array.from({ length: 3 }, (_, i) => `https://x.test/instant-${i}.png?duration=0`);
			await startRun('cb-instant', urls);
			const done = await waitForStatus(workflowId, FINISHED);
			expect(done.status).toBe('success');
			const execution = await n8nLib.getExecution(client, done.id);
			const items = n8nLib.nodeOutputJson(execution, 'Recognize');
			const tasks = tasksSince(before, urls);
			expect(items.map((item) => [item.taskId, item.status])).toEqual(tasks.map((task) => [task.task_id, 'succeeded']));
			await callbacksSettled(tasks);
			// A parked execution resumes only through a callback n8n took (2xx) or its Timeout
			// (120 s): every callback was refused (409, the execution was running or finished),
			// so the output came without parking.
			const attempts = simulator.callbacks.slice(callbacksBefore);
			expect(attempts.length).toBeGreaterThanOrEqual(3);
			expect(attempts.filter((attempt) => attempt.status >= 200 && attempt.status < 300)).toEqual([]);
			expect(new Set(attempts.map((attempt) => attempt.status))).toEqual(new Set([409]));
			expect(Date.now() - Date.parse(done.startedAt)).toBeLessThan(120_000);
			console.log(`instant tasks: no parking; callback answers ${JSON.stringify(statusCounts(attempts))}`);
		}),
	);

	test(
		'n8n restarted while waiting: the callback after the restart resumes the execution',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(waitWorkflow({ name: 'cb restart', webhookPath: 'cb-restart' }));
			// a try every second (back-off 250 ms doubling to at most 1 s) for about 6 minutes: the
			// tries after the gate opens meet n8n's 404 window (routes not registered yet) and its
			// start-up recovery of parked executions (500), and must not stop before the resume
			simulator.configure({ callbackRetries: 360, callbackBackoffMs: 250, callbackBackoffMaxMs: 1000 });
			try {
				for (let run = 1; run <= RESTART_RUNS; run++) {
					const runStarted = Date.now();
					const logFrom = fs.statSync(n8n.logFile).size;
					const before = simulator.requests.length;
					const callbacksBefore = simulator.callbacks.length;
					const imageUrl = `https://x.test/restart-${run}.png?duration=3000`;
					await startRun('cb-restart', [imageUrl]);
					const waiting = await waitForStatus(workflowId, ['waiting', ...FINISHED]);
					expect(waiting.status).toBe('waiting');
					const [task] = tasksSince(before, [imageUrl]);
					gate.close(); // no callback reaches n8n while it stops
					const restartStarted = Date.now();
					await n8n.stop();
					const opening = openGateOnceMigrated();
					await n8n.restart(); // starts n8n again; resolves once /healthz/readiness answers 200
					const restartMs = Date.now() - restartStarted;
					const gateOpenedAt = await opening;
					client = await n8nLib.login(n8n.baseUrl);
					const done = await waitForStatus(workflowId, FINISHED, 420_000);
					expect(done.id).toBe(waiting.id);
					expect(done.status).toBe('success');
					const execution = await n8nLib.getExecution(client, done.id);
					expect(n8nLib.nodeOutputJson(execution, 'Recognize')[0]).toMatchObject({ taskId: task.task_id, status: 'succeeded' });
					await callbacksSettled([task], 30_000);
					const attempts = simulator.callbacks.slice(callbacksBefore);
					expect(task.callbackState).toBe('delivered');
					// one 2xx, the last try: n8n had accepted the resume when it was answered
					expect(attempts.filter((attempt) => attempt.status >= 200 && attempt.status < 300)).toEqual([attempts.at(-1)]);
					expect(attempts.at(-1).status).toBe(200);
					const afterOpen = attempts.filter((attempt) => attempt.at > gateOpenedAt).map((attempt) => attempt.status ?? 'conn');
					// n8n's own account of refused resumes (its start-up recovery had the execution)
					const log = fs.readFileSync(n8n.logFile, 'utf8').slice(logFrom);
					const refused = (log.match(/already being resumed by another process/g) ?? []).length;
					console.log(
						`restart run ${run}/${RESTART_RUNS}: success in ${Date.now() - runStarted} ms (restart ${restartMs} ms); ${attempts.length} callback tries ${JSON.stringify(
							statusCounts(attempts),
						)}, after the gate opened: ${JSON.stringify(afterOpen)}; n8n logged ${refused} refused resume(s)`,
					);
				}
			} finally {
				simulator.configure({ callbackRetries: 4, callbackBackoffMs: 200, callbackBackoffMaxMs: 3_600_000 });
			}
		}),
		Math.max(600_000, RESTART_RUNS * 300_000),
	);

	test(
		'Timeout, part 2: after the Timeout the node passes its input on, with every task id and the outcome of the ended task',
		withLogTail(async () => {
			expect(timeoutCase.executionId).toBeDefined();
			// n8n's wait tracker looks for due waits every 60 s
			const done = await waitForStatus(timeoutCase.workflowId, FINISHED, Math.max(10_000, timeoutCase.parkedAt + 100_000 - Date.now()));
			expect(done.id).toBe(timeoutCase.executionId);
			expect(done.status).toBe('success');
			const execution = await n8nLib.getExecution(client, done.id);
			const recognized = n8nLib.nodeOutputJson(execution, 'Recognize');
			const [ended, never] = timeoutCase.tasks;
			expect(recognized).toEqual([
				expect.objectContaining({
					id: 0,
					url: timeoutCase.urls[0],
					taskId: ended.task_id,
					status: 'succeeded',
					statusCode: 3,
					reason: 'success',
					resultUrls: [expect.stringMatching(new RegExp(`/files/${ended.task_id}/0\\.png\\?Expires=`))],
				}),
				expect.objectContaining({
					id: 1,
					url: timeoutCase.urls[1],
					taskId: never.task_id,
					status: expect.stringMatching(/^(queued|processing)$/),
				}),
			]);
			expect(n8nLib.nodeOutputJson(execution, 'Done').map((item) => item.taskId)).toEqual([ended.task_id, never.task_id]);
			console.log(`Timeout: resumed ${Math.round((Date.parse(done.stoppedAt) - timeoutCase.parkedAt) / 1000)} s after parking (Timeout 5 s)`);
		}),
	);
});
