'use strict';
/**
 * Wait Method "Wait for Callback" in a real n8n 2.41.1: the ToMoviee node submits with the
 * execution's resume URL as callback, n8n parks the execution in its database, and the
 * simulator's callbacks resume it once every task has ended.
 *
 * The resume URLs point at a gate in front of n8n (WEBHOOK_URL), a TCP relay the restart case
 * closes while n8n stops and opens again once n8n has migrated its database: until then n8n
 * answers any request with 200 "n8n is starting up. Please wait", which no sender can tell from a
 * delivered callback (a load balancer that waits for /healthz/readiness avoids it). The simulator
 * retries every other answer: connection errors, 404 while n8n's routes are not registered yet,
 * 500 while its start-up recovery touches parked executions.
 *
 * The Timeout case is started first and checked last: n8n's wait tracker looks for due waits
 * only every 60 s, so its wait overlaps the other cases.
 *
 * TOMOVIEE_RESTART_RUNS=20 repeats the restart case 20 times in one run (it logs each run).
 */
const { login, nodeOutputJson } = require('./lib/n8n');
const { waitingBatch } = require('./lib/fixtures');
const { until } = require('./lib/process');
const { startGate, startRecorder } = require('./lib/probes');
const { useStack } = require('./lib/stack');

jest.setTimeout(600_000);

const RESTART_RUNS = Number(process.env.TOMOVIEE_RESTART_RUNS || 1);
const DONE = ['success', 'error', 'crashed', 'canceled'];
const timeoutCase = {};
let gate;
beforeAll(async () => (gate = await startGate()));
// callbackTimeoutMs: n8n serves several waiting-webhook calls at once slowly on a busy 2-core
// machine; a 5 s cut would drop the answer of a resume n8n has already accepted.
const stack = useStack(() => ({
	sim: { taskDurationMs: 1000, callbackRetries: 4, callbackTimeoutMs: 30_000 },
	env: { WEBHOOK_URL: `${gate.url}/` },
}));
beforeAll(() => gate.target(stack.n8n.port));
afterAll(() => gate?.stop());

const withLogTail = (run) => stack.withLogTail(run, 60);

/** Creates and publishes the waiting batch (lib/fixtures.js waitingBatch) and posts `urls` to it. */
async function startRun({ urls, ...options }) {
	const workflowId = options.workflowId ?? (await stack.client.createActive(waitingBatch(stack.credential, { name: options.webhookPath, ...options })));
	await stack.postImages(options.webhookPath, urls);
	return workflowId;
}

/** The newest execution of a workflow once its status is one of `statuses`. */
function waitForStatus(workflowId, statuses, timeoutMs = 60_000) {
	return stack.client.waitForLatest(workflowId, (e) => statuses.includes(e.status), { timeoutMs });
}

const queriesSince = (from) => stack.requestsSince(from, (r) => r.path === '/v1/open/pub/task').length;
/** The simulator's tasks created since request `from` for these image URLs, in the item order (submits run concurrently). */
const tasksSince = (from, urls) => {
	const since = stack.sim.requests[from]?.at ?? Date.now();
	const created = [...stack.sim.tasks.values()].filter((task) => task.createdAt >= since);
	return urls.map((url) => created.find((task) => task.init_image === url));
};
const statusCounts = (attempts) => attempts.reduce((counts, { status }) => ({ ...counts, [status ?? 'conn']: (counts[status ?? 'conn'] ?? 0) + 1 }), {});
/** Waits until no callback of these tasks is still being delivered (each delivered or given up). */
const callbacksSettled = (tasks, timeoutMs = 60_000) =>
	until('callbacks to be delivered', () => tasks.every((task) => task.callbackState !== 'pending'), { timeoutMs, pollMs: 200 });
/** Ten images whose callbacks come in the reverse order of the items; item 4 fails. */
const tenUrls = Array.from({ length: 10 }, (_, i) => (i === 4 ? `https://x.test/fail-${i}.png?duration=1200` : `https://x.test/ten-${i}.png?duration=${3000 - i * 200}`));

describe('Wait Method: Wait for Callback (real n8n)', () => {
	test(
		'Timeout, part 1: a batch with a task that never calls back parks with a 5 s Timeout',
		withLogTail(async () => {
			timeoutCase.from = stack.sim.requests.length;
			// the first task ends during the submit phase, the second never
			timeoutCase.urls = ['https://x.test/ended.png?duration=0', 'https://x.test/never.png'];
			timeoutCase.workflowId = await startRun({ webhookPath: 'cb-timeout', timeout: 5, options: { download: true }, urls: timeoutCase.urls });
			const waiting = await waitForStatus(timeoutCase.workflowId, ['waiting', ...DONE]);
			expect(waiting.status).toBe('waiting');
			Object.assign(timeoutCase, { executionId: waiting.id, parkedAt: Date.now(), tasks: tasksSince(timeoutCase.from, timeoutCase.urls) });
			expect(timeoutCase.tasks.map((task) => task.init_image)).toEqual(timeoutCase.urls);
		}),
	);

	test(
		'1 item: parks, then resumes on the callback with the polling output shape',
		withLogTail(async () => {
			const before = stack.sim.requests.length;
			const workflowId = await startRun({ webhookPath: 'cb-one', urls: ['https://x.test/one.png?duration=1500'] });
			const waiting = await waitForStatus(workflowId, ['waiting', ...DONE]);
			expect(waiting.status).toBe('waiting');
			// n8n's resume URL, unchanged: its own token, no tm_signature
			const [submit] = stack.requestsSince(before, (r) => r.path.endsWith('/tm_reference_img2mask'));
			expect(submit.body.callback).toMatch(new RegExp(`^${gate.url}/webhook-waiting/${waiting.id}\\?signature=[^&]+$`));

			const done = await waitForStatus(workflowId, DONE);
			expect(done.status).toBe('success');
			const execution = await stack.client.execution(done.id);
			const [item] = nodeOutputJson(execution, 'Recognize');
			expect(item).toMatchObject({
				taskId: expect.stringMatching(/^tm_reference_img2mask-0-/),
				status: 'succeeded',
				statusCode: 3,
				progress: 100,
				reason: 'success',
				controlType: '2',
				imageUrl: 'https://x.test/one.png?duration=1500',
				resultUrlsExpireAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				resultUrls: [expect.stringMatching(new RegExp(`^${stack.simUrl}/files/${item.taskId}/0\\.png\\?Expires=\\d+&`))],
			});
			expect(item.error).toBeUndefined();
			expect(nodeOutputJson(execution, 'Done')).toHaveLength(1);
			console.log(`1 item: ${stack.sim.requests.length - before} requests (${queriesSince(before)} task queries)`);
		}),
	);

	test(
		'10 items, callbacks out of order, one failing: resumes once, after the last callback',
		withLogTail(async () => {
			const counter = await startRecorder();
			try {
				const before = stack.sim.requests.length;
				const callbacksBefore = stack.sim.callbacks.length;
				const started = Date.now();
				const workflowId = await startRun({ webhookPath: 'cb-ten', reportUrl: `${counter.url}/ran`, urls: tenUrls });
				expect((await waitForStatus(workflowId, ['waiting', ...DONE])).status).toBe('waiting');
				const parkedMs = Date.now() - started;
				const done = await waitForStatus(workflowId, DONE);
				const wall = Date.now() - started;
				expect(done.status).toBe('success');
				const items = nodeOutputJson(await stack.client.execution(done.id), 'Recognize');
				expect(items.map((item) => item.imageUrl)).toEqual(tenUrls);
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
				await callbacksSettled(tasksSince(before, tenUrls));
				const attempts = stack.sim.callbacks.slice(callbacksBefore);
				// every task called back; the call that completed the batch got its 2xx once n8n took the resume
				expect(new Set(attempts.map((attempt) => attempt.task_id)).size).toBe(10);
				expect(attempts.filter((attempt) => attempt.status === 200).length).toBeGreaterThanOrEqual(1);
				expect(await stack.client.executions(workflowId)).toHaveLength(1);
				expect(counter.requests.map((hit) => hit.body)).toEqual([{ executionId: done.id, items: 10 }]);
				console.log(
					`10 items: seen parked after ${parkedMs} ms, wall ${wall} ms, ${stack.sim.requests.length - before} API requests (${queriesSince(before)} task queries), callback answers ${JSON.stringify(statusCounts(attempts))}`,
				);
			} finally {
				await counter.close();
			}
		}),
	);

	test(
		'every task ends during the submit phase (duration=0): the node outputs without parking',
		withLogTail(async () => {
			const before = stack.sim.requests.length;
			const callbacksBefore = stack.sim.callbacks.length;
			const urls = Array.from({ length: 3 }, (_, i) => `https://x.test/instant-${i}.png?duration=0`);
			const workflowId = await startRun({ webhookPath: 'cb-instant', urls });
			const done = await waitForStatus(workflowId, DONE);
			expect(done.status).toBe('success');
			const items = nodeOutputJson(await stack.client.execution(done.id), 'Recognize');
			const tasks = tasksSince(before, urls);
			expect(items.map((item) => [item.taskId, item.status])).toEqual(tasks.map((task) => [task.task_id, 'succeeded']));
			await callbacksSettled(tasks);
			// A parked execution resumes only through a callback n8n took (2xx) or its Timeout
			// (120 s): every callback was refused (409, the execution was running or finished),
			// so the output came without parking.
			const attempts = stack.sim.callbacks.slice(callbacksBefore);
			expect(attempts.length).toBeGreaterThanOrEqual(3);
			expect(new Set(attempts.map((attempt) => attempt.status))).toEqual(new Set([409]));
			expect(Date.now() - Date.parse(done.startedAt)).toBeLessThan(120_000);
			console.log(`instant tasks: no parking; callback answers ${JSON.stringify(statusCounts(attempts))}`);
		}),
	);

	test(
		'n8n restarted while waiting: the callback after the restart resumes the execution',
		withLogTail(async () => {
			const { n8n } = stack;
			// a try every second (back-off 250 ms doubling to at most 1 s) for about 6 minutes: the
			// tries after the gate opens meet n8n's 404 window (routes not registered yet) and its
			// start-up recovery of parked executions (500), and must not stop before the resume
			stack.sim.configure({ callbackRetries: 360, callbackBackoffMs: 250, callbackBackoffMaxMs: 1000 });
			let workflowId;
			try {
				for (let run = 1; run <= RESTART_RUNS; run++) {
					const runStarted = Date.now();
					const logFrom = n8n.logOffset();
					const before = stack.sim.requests.length;
					const callbacksBefore = stack.sim.callbacks.length;
					const imageUrl = `https://x.test/restart-${run}.png?duration=3000`;
					workflowId = await startRun({ workflowId, webhookPath: 'cb-restart', urls: [imageUrl] });
					const waiting = await waitForStatus(workflowId, ['waiting', ...DONE]);
					expect(waiting.status).toBe('waiting');
					const [task] = tasksSince(before, [imageUrl]);
					gate.close(); // no callback reaches n8n while it stops
					const restartStarted = Date.now();
					await n8n.stop();
					// open the gate once n8n has migrated its database (it no longer answers "n8n is starting
					// up"): from then on callbacks meet 404s and start-up recovery, but no 2xx that drops them
					const opening = until(
						'n8n to finish migrating',
						async () => {
							const text = await fetch(`${n8n.baseUrl}/webhook-waiting/0`, { method: 'POST', signal: AbortSignal.timeout(2_000) }).then((r) => r.text(), () => 'n8n is starting up');
							return !text.includes('n8n is starting up');
						},
						{ timeoutMs: 180_000, pollMs: 20 },
					).finally(() => gate.open()).then(() => Date.now());
					await n8n.restart(); // resolves once /healthz/readiness answers 200
					const restartMs = Date.now() - restartStarted;
					const gateOpenedAt = await opening;
					stack.client = await login(n8n.baseUrl);
					const done = await waitForStatus(workflowId, DONE, 420_000);
					expect([done.id, done.status]).toEqual([waiting.id, 'success']);
					expect(nodeOutputJson(await stack.client.execution(done.id), 'Recognize')[0]).toMatchObject({ taskId: task.task_id, status: 'succeeded' });
					await callbacksSettled([task], 30_000);
					const attempts = stack.sim.callbacks.slice(callbacksBefore);
					expect(task.callbackState).toBe('delivered');
					// one 2xx, the last try: n8n had accepted the resume when it was answered
					expect(attempts.filter((attempt) => attempt.status >= 200 && attempt.status < 300)).toEqual([attempts.at(-1)]);
					expect(attempts.at(-1).status).toBe(200);
					const afterOpen = attempts.filter((attempt) => attempt.at > gateOpenedAt).map((attempt) => attempt.status ?? 'conn');
					// n8n's own account of refused resumes (its start-up recovery had the execution)
					const refused = (n8n.logSince(logFrom).match(/already being resumed by another process/g) ?? []).length;
					console.log(
						`restart run ${run}/${RESTART_RUNS}: success in ${Date.now() - runStarted} ms (restart ${restartMs} ms); ${attempts.length} callback tries ${JSON.stringify(statusCounts(attempts))}, after the gate opened: ${JSON.stringify(afterOpen)}; n8n logged ${refused} refused resume(s)`,
					);
				}
			} finally {
				stack.sim.configure({ callbackRetries: 4, callbackBackoffMs: 200, callbackBackoffMaxMs: 3_600_000 });
			}
		}),
		Math.max(600_000, RESTART_RUNS * 300_000),
	);

	test(
		'Timeout, part 2: after the Timeout the node passes its input on, with every task id and the outcome of the ended task',
		withLogTail(async () => {
			expect(timeoutCase.executionId).toBeDefined();
			// n8n's wait tracker looks for due waits every 60 s
			const done = await waitForStatus(timeoutCase.workflowId, DONE, Math.max(10_000, timeoutCase.parkedAt + 100_000 - Date.now()));
			expect([done.id, done.status]).toEqual([timeoutCase.executionId, 'success']);
			const execution = await stack.client.execution(done.id);
			const [ended, never] = timeoutCase.tasks;
			expect(nodeOutputJson(execution, 'Recognize')).toEqual([
				expect.objectContaining({
					id: 0,
					url: timeoutCase.urls[0],
					taskId: ended.task_id,
					status: 'succeeded',
					statusCode: 3,
					reason: 'success',
					resultUrls: [expect.stringMatching(new RegExp(`/files/${ended.task_id}/0\\.png\\?Expires=`))],
				}),
				expect.objectContaining({ id: 1, url: timeoutCase.urls[1], taskId: never.task_id, status: expect.stringMatching(/^(queued|processing)$/) }),
			]);
			expect(nodeOutputJson(execution, 'Done').map((item) => item.taskId)).toEqual([ended.task_id, never.task_id]);
			console.log(`Timeout: resumed ${Math.round((Date.parse(done.stoppedAt) - timeoutCase.parkedAt) / 1000)} s after parking (Timeout 5 s)`);
		}),
	);
});
