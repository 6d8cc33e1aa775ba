'use strict';
/**
 * The package in a real n8n 2.41.1 (linked in as an installed community package) against the
 * local ToMoviee simulator: the compatibility cases every line runs (lib/compat-suite.js), then
 * what only 2.x is checked for here: more of the credential test, failed items (error output,
 * Continue, Retry On Fail), downloads and redirects that cannot hurt the instance, the ToMoviee
 * Trigger's signatures, verification and refusals, and the generation operations. One n8n serves
 * every case. Measured figures are printed with console.log.
 */
const crypto = require('node:crypto');
const path = require('node:path');
const { spawn } = require('node:child_process');
const fx = require('./lib/fixtures');
const { postJson, nodeOutputs, nodeOutputJson, nodeItems } = require('./lib/n8n');
const { sleep, until, residentBytes, sampleHighest, megabytes } = require('./lib/process');
const probes = require('./lib/probes');
const { APP_KEY, APP_SECRET, AUTHORIZATION, isSubmit, isQuery } = require('./lib/stack');
const { describeCompatSuite, VENDOR_TASK_ID, escapeRegExp } = require('./lib/compat-suite');
const { callbackBody } = require('../simulator/callbacks');

jest.setTimeout(240_000);

const stack = describeCompatSuite({ version: '2' });
const { withLogTail } = stack;
const OK_ANSWER = { code: 0, msg: 'ok' };
const REFUSED_LOG = 'ToMoviee Trigger refused a callback';

/** Creates a recognition task at the simulator directly (as another client would); resolves to its id. */
async function createTask(imageUrl, { params } = {}) {
	const input_params = { control_type: '0', init_image: imageUrl, template_id: 'tm_reference_img2mask_template_spatial' };
	const response = await postJson(
		`${stack.simUrl}/v1/open/capacity/application/tm_reference_img2mask`,
		{ template_info: [{ input_params }], ...(params !== undefined ? { params } : {}) },
		{ headers: { authorization: AUTHORIZATION, 'x-app-key': APP_KEY } },
	);
	expect(response.json).toMatchObject({ code: 0, data: { task_id: expect.stringMatching(VENDOR_TASK_ID) } });
	return response.json.data.task_id;
}

/** The callback body ToMoviee (the simulator) would send for a task now, in one of its forms. */
const callbackOf = (taskId, form = 'bare') => callbackBody(stack.sim.tasks.get(taskId), form, Date.now());

describe('credential test through n8n REST: what only 2.x is checked for', () => {
	test(
		'a Base URL with a trailing slash is joined without a double slash; the right pair passes on a non-zero code of no rule ("task not found")',
		withLogTail(async () => {
			const from = stack.sim.requests.length;
			const withSlash = await stack.client.testCredential({ id: stack.credential.id, data: { baseUrl: `${stack.simUrl}/` } });
			expect(withSlash).toEqual({ status: 'OK', message: expect.any(String) });
			const [lookup] = stack.requestsSince(from);
			expect(stack.requestsSince(from).map((request) => request.path)).toEqual(['/v1/open/pub/task']);
			const answer = await postJson(`${stack.simUrl}/v1/open/pub/task`, lookup.body, { headers: { authorization: AUTHORIZATION, 'x-app-key': APP_KEY } });
			expect(answer.json).toMatchObject({ code: 680002, msg: 'task not found' });
		}),
	);

	test(
		'a gateway in trouble (503) fails the Test without calling the key pair wrong',
		withLogTail(async () => {
			stack.sim.injectFaults([{ route: 'query', kind: '503' }]);
			const answer = await stack.client.testCredential(stack.credential);
			expect(answer).toEqual({ status: 'Error', message: expect.stringContaining('ToMoviee answered HTTP 503') });
		}),
	);
});

describe('failed items in real n8n: error output, Retry On Fail (Continue: lib/compat-suite.js)', () => {
	// item 1 fails at ToMoviee, item 3 runs out of balance; both carry a 68xxxx code
	const urls = ['https://x.test/ok-0.png', 'https://x.test/fail-1.png', 'https://x.test/ok-2.png', 'https://x.test/insufficient-3.png', 'https://x.test/ok-4.png'];
	const failedFields = (index) => {
		const [reason, errorCode] = index === 1 ? ['image could not be recognized', 680003] : ['insufficient balance', 680001];
		return { status: 'failed', statusCode: 4, reason, errorCode, errorMessage: reason };
	};
	test(
		'On Error "Continue (using error output)": exactly the failed items reach the error branch, with task id, status, reason and code',
		withLogTail(async () => {
			// Images -> Recognize -> OK, and -> ERR on its error output
			const recognize = fx.recognize(stack.credential, { controlType: '1', onError: 'continueErrorOutput', options: { pollInterval: 0.2, timeout: 60 } });
			const to = (node) => [{ node, type: 'main', index: 0 }];
			const definition = fx.imageBatch('error output', 'e2e-error-output', [recognize, fx.noOp('OK'), fx.noOp('ERR')]);
			definition.connections.Recognize.main = [to('OK'), to('ERR')];
			delete definition.connections.OK;
			const workflowId = await stack.client.createActive(definition);
			const from = stack.sim.requests.length;
			await stack.postImages('e2e-error-output', urls);
			const execution = await stack.client.execution((await stack.client.waitForLatest(workflowId)).id);
			expect(execution.status).toBe('success');
			const [success, errors] = nodeOutputs(execution, 'Recognize');
			const queried = new Set(stack.requestsSince(from, isQuery).map((r) => r.body.task_id));
			expect(success.map((item) => [item.imageUrl, item.status])).toEqual([0, 2, 4].map((i) => [urls[i], 'succeeded']));
			for (const item of success) expect(Object.keys(item)).not.toContain('error');
			// n8n merges the input item's json ({id, url}) under the error item
			expect(errors).toEqual(
				[1, 3].map((index) => ({
					id: index,
					url: urls[index],
					error: expect.stringMatching(new RegExp(`^ToMoviee task \\S+ failed: .* \\(code ${failedFields(index).errorCode}\\) \\[item ${index}\\]$`)),
					...(index === 3 ? { message: expect.stringContaining('balance') } : {}),
					details: expect.objectContaining({ taskId: expect.stringMatching(VENDOR_TASK_ID), imageUrl: urls[index], ...failedFields(index) }),
				})),
			);
			for (const item of errors) expect(queried.has(item.details.taskId)).toBe(true);
			expect(nodeOutputJson(execution, 'OK')).toHaveLength(3);
			expect(nodeOutputJson(execution, 'ERR').map((item) => item.details.taskId)).toEqual(errors.map((item) => item.details.taskId));
		}),
	);

	test(
		'Retry On Fail (3 tries), 10 items, one always failing: ToMoviee sees 12 submits, never 20 or 30',
		withLogTail(async () => {
			const batch = Array.from({ length: 10 }, (_, i) => (i === 6 ? 'https://x.test/retry-fail-6.png' : `https://x.test/retry-${i}.png`));
			const recognize = fx.recognize(stack.credential, { controlType: '1', retryOnFail: true, maxTries: 3, waitBetweenTries: 100, options: { pollInterval: 0.2, timeout: 60 } });
			const workflowId = await stack.client.createActive(fx.imageBatch('retry on fail', 'e2e-retry-on-fail', [recognize]));
			const from = stack.sim.requests.length;
			await stack.postImages('e2e-retry-on-fail', batch);
			const execution = await stack.client.execution((await stack.client.waitForLatest(workflowId)).id);
			expect(execution.status).toBe('error');
			const perImage = {};
			const submits = stack.requestsSince(from, isSubmit);
			for (const submit of submits) perImage[submit.body.template_info[0].input_params.init_image] = (perImage[submit.body.template_info[0].input_params.init_image] ?? 0) + 1;
			console.log(`Retry On Fail: ${submits.length} submits for 10 items over 3 tries; per image ${JSON.stringify(perImage)}`);
			expect(perImage).toEqual(Object.fromEntries(batch.map((url, i) => [url, i === 6 ? 3 : 1])));
			const { error } = execution.data.resultData;
			expect(error.message).toMatch(/failed: image could not be recognized \(code 680003\) \[item 6\]/);
			// the failure names the tasks that run (and are billed) anyway
			expect(error.description).toMatch(/ToMoviee had already accepted \d+ task\(s\) of this run/);
		}),
	);
});

describe('result downloads and redirects cannot hurt the instance', () => {
	const answering = (name, webhookPath, options) =>
		fx.imageBatch(name, webhookPath, [fx.recognize(stack.credential, { controlType: '1', onError: 'continueRegularOutput', options: { pollInterval: 0.2, timeout: 60, ...options } })], {
			respond: 'lastNode',
		});

	test(
		'a result that streams 200 MB without Content-Length, Max Download Size 1 MB: the item fails, a few MB are read, n8n grows < 50 MB',
		withLogTail(async () => {
			await stack.client.createActive(answering('huge download', 'e2e-huge', { download: true, maxDownloadSizeMb: 1 }));
			const pid = stack.n8n.pid();
			// a normal run first, so the measured run allocates nothing a first run would
			expect((await stack.postImages('e2e-huge', ['https://x.test/warm-up.png'])).json).toEqual([expect.objectContaining({ status: 'succeeded' })]);
			stack.sim.configure({ hugeResults: true });
			try {
				await sleep(500);
				const before = residentBytes(pid);
				const streamedBefore = stack.sim.stats.streamedBytes;
				const sampler = sampleHighest(() => residentBytes(pid).rss);
				const response = await stack.postImages('e2e-huge', ['https://x.test/huge-mask.png']);
				await sleep(500);
				const highest = sampler.stop();
				const streamed = stack.sim.stats.streamedBytes - streamedBefore;
				console.log(
					`huge result: ${megabytes(streamed)} MB streamed of 200 MB; n8n VmRSS ${megabytes(before.rss)} MB before, highest ${megabytes(highest)} MB during; VmHWM ${megabytes(before.peak)} -> ${megabytes(residentBytes(pid).peak)} MB`,
				);
				expect(response.json).toEqual([
					expect.objectContaining({
						taskId: expect.stringMatching(VENDOR_TASK_ID),
						status: 'succeeded',
						resultUrls: [expect.stringContaining('/files/huge.png')],
						error: expect.stringMatching(/Could not download the result file of task \S+: the file is larger than the 1 MB limit \[item 0\]/),
					}),
				]);
				expect(streamed).toBeGreaterThan(1024 * 1024);
				expect(streamed).toBeLessThan(8 * 1024 * 1024);
				expect(highest - before.rss).toBeLessThan(50 * 1024 * 1024);
			} finally {
				stack.sim.configure({ hugeResults: false });
			}
		}),
	);

	test(
		'a 302 from the Base URL to another port is not followed: the other port never sees Authorization',
		withLogTail(async () => {
			const elsewhere = await probes.startRecorder();
			await stack.client.createActive(answering('redirected', 'e2e-redirect'));
			const from = stack.sim.requests.length;
			stack.sim.configure({ redirectApiTo: elsewhere.url });
			try {
				const response = await stack.postImages('e2e-redirect', ['https://images.example/redirected.jpg']);
				expect(response.json).toEqual([
					expect.objectContaining({
						imageUrl: 'https://images.example/redirected.jpg',
						error: expect.stringContaining(`answered with a redirect (HTTP 302) to ${elsewhere.url}; the credential is not sent to another host`),
					}),
				]);
				expect(stack.requestsSince(from, isSubmit)).toHaveLength(1);
				expect(stack.sim.stats.redirected).toBeGreaterThanOrEqual(1);
				expect(elsewhere.requests).toEqual([]);
			} finally {
				stack.sim.configure({ redirectApiTo: null });
				await elsewhere.close();
			}
		}),
	);
});

/** One published ToMoviee Trigger workflow and the executions it started (cached per id). */
function triggerProbe(name, webhookId, options) {
	const probe = { seen: new Map() };
	beforeAll(async () => {
		probe.workflowId = await stack.client.createActive(fx.triggerWorkflow(stack.credential, { name, webhookId, options }));
		probe.publicUrl = await stack.webhook(`${webhookId}/callback`);
		probe.signedUrl = probes.signedUrl(probe.publicUrl, APP_SECRET);
	});
	/** Trigger outputs of every finished execution so far: { outputs: [{status, json, binary}], pending }. */
	probe.outputs = async () => {
		const results = await stack.client.executions(probe.workflowId);
		const running = (execution) => execution.status === 'new' || execution.status === 'running';
		for (const execution of results.filter((e) => !running(e) && !probe.seen.has(e.id))) {
			const details = await stack.client.execution(execution.id);
			const [item] = nodeItems(details, 'ToMoviee Trigger');
			probe.seen.set(execution.id, { status: details.status, json: item.json, binary: item.binary });
		}
		return { outputs: [...probe.seen.values()], pending: results.filter(running).length };
	};
	/**
	 * Executions started for task `id`, counted once n8n is idle: a genuine callback for a fresh
	 * task (the sentinel) is sent after the case and its execution awaited, so anything the case
	 * started has been saved by then.
	 */
	probe.executionsFor = async (id) => {
		const sentinel = await createTask(`https://x.test/sentinel-${Date.now()}.png?duration=0`);
		expect(await postJson(probe.signedUrl, callbackOf(sentinel))).toMatchObject({ status: 200 });
		const { outputs } = await until(`the sentinel callback ${sentinel} to start its execution`, async () => {
			const seen = await probe.outputs();
			return seen.pending === 0 && seen.outputs.some((output) => output.json.taskId === sentinel) && seen;
		}, { timeoutMs: 30_000, pollMs: 200 });
		return outputs.filter((output) => output.json.taskId === id);
	};
	return probe;
}

describe('ToMoviee Trigger in n8n: each callback case and the executions it starts', () => {
	const trigger = triggerProbe('e2e trigger cases', '7a1c2f0e-0000-4000-8000-0000000000c1', { maxBodySizeKb: 1 });
	let sequence = 0;
	/** A task that has ended at the simulator (succeeded unless the hint says otherwise). */
	const endedTask = (hint = 'ok', extra) => createTask(`https://x.test/${hint}-${++sequence}.png?duration=0`, extra);
	/**
	 * Posts `body` to the trigger (at its signed URL unless `url` is given); resolves to the answer
	 * and n8n's log meanwhile, once it is sure the post started no execution (only the sentinel's).
	 */
	async function refused(body, url = trigger.signedUrl) {
		const offset = stack.n8n.logOffset();
		const before = (await trigger.outputs()).outputs.length;
		const response = await postJson(url, body);
		await trigger.executionsFor('none');
		expect((await trigger.outputs()).outputs.length).toBe(before + 1);
		return { response, log: stack.n8n.logSince(offset) };
	}

	test.each([
		['bare task (the default form)', 'bare'],
		['{code,msg,data} envelope', 'envelope'],
		['camelCase, status as string, result as object', 'camel'],
	])('%s: 200 {code:0,msg:ok} and exactly one execution with the task as ToMoviee reports it', async (_form, form) =>
		withLogTail(async () => {
			const id = await endedTask('form', { params: JSON.stringify({ row: 7 }) });
			const from = stack.sim.requests.length;
			const response = await postJson(trigger.signedUrl, callbackOf(id, form));
			expect([response.status, response.json]).toEqual([200, OK_ANSWER]);
			const executions = await trigger.executionsFor(id);
			expect(executions.map((execution) => execution.status)).toEqual(['success']);
			const resultUrls = [expect.stringMatching(stack.resultFile(id))];
			expect(executions[0].json).toEqual({
				taskId: id,
				status: 'succeeded',
				statusCode: 3,
				progress: 100,
				reason: 'success',
				resultUrls,
				resultUrlsExpireAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				result: { images_path: resultUrls, control_type: '0' },
				params: { row: 7 },
				deliveryKey: expect.stringMatching(/^[\w-]{43}$/),
				receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
			// verified: the trigger looked the task up with its credential
			const lookups = stack.requestsSince(from, (r) => isQuery(r) && r.body.task_id === id);
			expect(lookups[0].headers.authorization).toBe(AUTHORIZATION);
		})(),
	);

	const pathOnly = () => crypto.createHmac('sha256', APP_SECRET).update(new URL(trigger.publicUrl).pathname).digest('base64url');
	test.each([
		['missing signature', 401, (body) => [trigger.publicUrl, body]],
		['signature made with another secret', 401, (body) => [probes.signedUrl(trigger.publicUrl, 'another-secret'), body]],
		// the scheme before issue 13, HMAC over the path only
		['signature of the path alone (the old scheme)', 401, (body) => [`${trigger.publicUrl}?tm_signature=${pathOnly()}`, body]],
		// the signing oracle: a URL the node signed for another host with this trigger's path
		['signature for the same path on another host', 401, (body) => [probes.signedUrl(trigger.publicUrl, APP_SECRET, `https://evil.test${new URL(trigger.publicUrl).pathname}`), body]],
		['signature of another trigger', 401, (body) => [probes.signedUrl(trigger.publicUrl, APP_SECRET, `${stack.n8n.baseUrl}/webhook/other/callback`), body]],
		["n8n's own resume-token parameter instead", 401, (body) => [`${trigger.publicUrl}?signature=${probes.triggerSignature(APP_SECRET, trigger.publicUrl)}`, body]],
		['JSON without a task id', 400, () => [trigger.signedUrl, { status: 3, progress: 100, params: 'no-id' }]],
		['body over maxBodySizeKb (1 KB)', 413, (body) => [trigger.signedUrl, { ...body, reason: 'x'.repeat(2048) }]],
	])('%s: %i JSON, a warning in the log, no execution', async (_case, status, request) =>
		withLogTail(async () => {
			const [url, body] = request(callbackOf(await endedTask('refused')));
			const { response, log } = await refused(body, url);
			expect([response.status, response.json]).toEqual([status, { code: status, msg: expect.any(String) }]);
			expect(log).toContain(REFUSED_LOG);
			// the log never holds a signature that was sent
			const sent = new URL(url).searchParams;
			for (const value of [sent.get('tm_signature'), sent.get('signature')].filter(Boolean)) expect(log).not.toContain(value);
		})(),
	);

	test(
		'malformed JSON: 422 from n8n itself and no execution',
		withLogTail(async () => {
			expect((await refused('{"task_id": "e2e-malformed", "status": 3')).response.status).toBe(422);
		}),
	);

	test(
		'a task still processing (not in the Statuses filter): 200 {code:0,msg:ok} and no execution',
		withLogTail(async () => {
			const { response } = await refused(callbackOf(await createTask('https://x.test/never-ends.png')));
			expect([response.status, response.json]).toEqual([200, OK_ANSWER]);
		}),
	);

	test(
		'a signed callback for a task ToMoviee does not know: 503 (asked again, never dropped), a warning, nothing starts; the genuine one afterwards starts exactly one',
		withLogTail(async () => {
			const id = await endedTask('genuine');
			const genuine = callbackOf(id);
			const madeUpId = `tm_reference_img2mask-0-${genuine.task_id.slice(-22, -10)}ffffffffff`;
			const { response, log } = await refused({ ...genuine, task_id: madeUpId });
			expect(response.status).toBe(503);
			expect(log).toMatch(new RegExp(`${REFUSED_LOG}: ToMoviee does not know task ${escapeRegExp(madeUpId)} yet`));
			// the forged call claimed no dedupe key: the genuine callback still starts its execution
			expect((await postJson(trigger.signedUrl, genuine)).status).toBe(200);
			expect(await trigger.executionsFor(id)).toHaveLength(1);
		}),
	);

	test(
		"a reported final status that ToMoviee contradicts: ToMoviee's final status is what starts, exactly once; the genuine repeat starts nothing more",
		withLogTail(async () => {
			const succeeded = await endedTask('contradicted');
			const failed = await endedTask('fail-contradicted');
			// "failed" for a task that succeeded, "succeeded" with made-up URLs for one that failed
			const claims = [
				{ ...callbackOf(succeeded), status: 4, progress: 0, result: '', reason: 'insufficient balance' },
				{ ...callbackOf(failed), status: 3, progress: 100, reason: 'success', result: JSON.stringify({ images_path: ['https://masks.example/x.png'] }) },
			];
			for (const claim of claims) expect((await postJson(trigger.signedUrl, claim)).json).toEqual(OK_ANSWER);
			await postJson(trigger.signedUrl, callbackOf(succeeded));
			await postJson(trigger.signedUrl, callbackOf(failed));
			expect((await trigger.executionsFor(succeeded)).map((e) => e.json.status)).toEqual(['succeeded']);
			const failedRuns = await trigger.executionsFor(failed);
			expect(failedRuns.map((e) => [e.json.status, e.json.errorCode, e.json.resultUrls])).toEqual([['failed', 680003, []]]);
		}),
	);

	test.each([
		['3 times in a row', false],
		['10 times at once', true],
	])('the same callback delivered %s: 200 {code:0,msg:ok} each time, exactly one execution', (_case, atOnce) =>
		withLogTail(async () => {
			const id = await endedTask(atOnce ? 'dup-par' : 'dup-seq');
			const body = callbackOf(id);
			const responses = [];
			if (atOnce) responses.push(...(await Promise.all(Array.from({ length: 10 }, () => postJson(trigger.signedUrl, body)))));
			else for (let i = 0; i < 3; i++) responses.push(await postJson(trigger.signedUrl, body));
			expect(responses.map((response) => [response.status, response.json])).toEqual(Array(responses.length).fill([200, OK_ANSWER]));
			expect(await trigger.executionsFor(id)).toHaveLength(1);
		})(),
	);

	/**
	 * Issue 22, point 1: a delivery counts as done only once n8n has accepted the execution. Another
	 * process holds SQLite's write lock (`BEGIN EXCLUSIVE`; in WAL mode the trigger still reads its
	 * workflow and credential and runs), as a busy database makes n8n answer 500.
	 */
	test(
		'n8n cannot start the execution (500): the delivery is not remembered, the repeat starts exactly one execution, later repeats none',
		withLogTail(async () => {
			const id = await endedTask('delivery');
			const body = callbackOf(id);
			const lock = spawn('sqlite3', [path.join(stack.n8n.userFolder, '.n8n/database.sqlite')], { stdio: ['pipe', 'pipe', 'inherit'] });
			let answer;
			try {
				lock.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
				await new Promise((resolve) => lock.stdout.once('data', resolve));
				answer = await postJson(trigger.signedUrl, body);
			} finally {
				lock.stdin.end('COMMIT;\n.quit\n');
				await new Promise((resolve) => lock.once('exit', resolve));
			}
			expect(answer.status).toBe(500);
			const repeats = [];
			for (let i = 0; i < 3; i++) repeats.push(await postJson(trigger.signedUrl, body));
			expect(repeats.map((repeat) => [repeat.status, repeat.json])).toEqual(Array(3).fill([200, OK_ANSWER]));
			const runs = await trigger.executionsFor(id);
			expect(runs.map((run) => run.json)).toEqual([expect.objectContaining({ taskId: id, status: 'succeeded', deliveryKey: expect.stringMatching(/^[\w-]{43}$/) })]);
		}),
	);
});

describe('ToMoviee Trigger with Verify With ToMoviee off, Include Raw on', () => {
	const trigger = triggerProbe('e2e trigger unverified', '7a1c2f0e-0000-4000-8000-0000000000c3', { verifyWithApi: false, includeRaw: true });

	test(
		'the body is believed (the trade-off of the option): a made-up task starts an execution with its made-up outcome',
		withLogTail(async () => {
			const from = stack.sim.requests.length;
			const result = JSON.stringify({ images_path: ['https://masks.example/made-up.png'] });
			const body = { task_id: 'made-up-task', status: 3, progress: 100, reason: 'success', result, params: '' };
			expect((await postJson(trigger.signedUrl, body)).json).toEqual(OK_ANSWER);
			const [execution] = await trigger.executionsFor('made-up-task');
			expect(execution.json).toMatchObject({ taskId: 'made-up-task', status: 'succeeded', resultUrls: ['https://masks.example/made-up.png'] });
			expect(stack.requestsSince(from, (r) => isQuery(r) && r.body.task_id === 'made-up-task')).toEqual([]);
		}),
	);

	test(
		'the same task with another final status is another delivery: one execution per status',
		withLogTail(async () => {
			const body = { task_id: 'made-up-twice', progress: 100, reason: '', result: '', params: '' };
			await postJson(trigger.signedUrl, { ...body, status: 4, progress: 0, reason: 'insufficient balance' });
			await postJson(trigger.signedUrl, { ...body, status: 3 });
			await postJson(trigger.signedUrl, { ...body, status: 3 });
			const executions = await trigger.executionsFor('made-up-twice');
			expect(executions.map((execution) => execution.json.status).sort()).toEqual(['failed', 'succeeded']);
		}),
	);

	test(
		'Include Raw with the signature copied into x-forwarded-uri, x-original-uri and referer by a proxy: no signature anywhere in the output',
		withLogTail(async () => {
			const id = await createTask('https://x.test/raw.png?duration=0');
			const { pathname, searchParams } = new URL(trigger.signedUrl);
			const signature = searchParams.get('tm_signature');
			const signedPathAndQuery = `${pathname}?tm_signature=${signature}`;
			const headers = { 'x-forwarded-uri': signedPathAndQuery, 'x-original-uri': signedPathAndQuery, referer: trigger.signedUrl, authorization: 'Bearer some-token', cookie: 'session=abc' };
			expect((await postJson(trigger.signedUrl, callbackOf(id), { headers })).status).toBe(200);
			const [execution] = await trigger.executionsFor(id);
			const { raw } = execution.json;
			expect(raw).toEqual({ body: expect.objectContaining({ task_id: id }), headers: expect.any(Object), query: {} });
			expect(raw.headers['x-forwarded-uri']).toBe(`${pathname}?tm_signature=[redacted]`);
			expect(raw.headers['x-original-uri']).toBe(`${pathname}?tm_signature=[redacted]`);
			expect(raw.headers.referer).toContain('[redacted]');
			expect(raw.headers.authorization).toBeUndefined();
			expect(raw.headers.cookie).toBeUndefined();
			expect(JSON.stringify(execution.json)).not.toContain(signature);
		}),
	);
});

describe('ToMoviee Trigger with Download Result Files on', () => {
	const trigger = triggerProbe('e2e trigger download', '7a1c2f0e-0000-4000-8000-0000000000c4', { download: true, maxDownloadSizeMb: 1 });

	test(
		'a signed callback claiming success with images_path on a local port: that port gets no request; the files ToMoviee reports are downloaded',
		withLogTail(async () => {
			const internal = await probes.startRecorder();
			try {
				const id = await createTask('https://x.test/ssrf.png?duration=0');
				const from = stack.sim.requests.length;
				const forged = { ...callbackOf(id), result: JSON.stringify({ images_path: [`${internal.url}/secret`] }) };
				expect((await postJson(trigger.signedUrl, forged)).json).toEqual(OK_ANSWER);
				const [execution] = await trigger.executionsFor(id);
				expect(execution.json).toMatchObject({ taskId: id, status: 'succeeded', resultUrls: [expect.stringMatching(stack.resultFile(id))] });
				expect(execution.json.downloadError).toBeUndefined();
				expect(execution.binary?.data).toMatchObject({ mimeType: 'image/png' });
				expect(stack.requestsSince(from, (r) => r.path === `/files/${id}/0.png`)).toHaveLength(1);
				expect(internal.requests).toEqual([]);
			} finally {
				await internal.close();
			}
		}),
	);
});

describe.each([
	['video', { resource: 'video', operation: 'textToVideo', extension: 'mp4', mimeType: 'video/mp4', capability: 'tm_text2video_b' }],
	['audio', { resource: 'audio', operation: 'textToMusic', duration: 10, count: 1, extension: 'mp3', mimeType: 'audio/mpeg', capability: 'tm_text2music' }],
])('%s generation in n8n (issue 17)', (kind, { extension, mimeType, capability, ...parameters }) => {
	const prompts = [{ prompt: `a ${kind} of a red fox in snow` }, { prompt: `a ${kind} of waves at dawn` }];
	const webhookId = `7a1c2f0e-0000-4000-8000-0000000${kind === 'video' ? 'de01' : 'de02'}`;
	const trigger = triggerProbe(`e2e ${kind} trigger`, webhookId, { download: true, maxDownloadSizeMb: 10 });
	/** POST {"prompts":[...]} -> Split Out -> Generate; the webhook answers with its items. */
	async function generate(webhookPath, options) {
		const generateNode = fx.toMoviee(stack.credential, 'Generate', { ...parameters, prompt: '={{ $json.prompt }}', options });
		const workflowId = await stack.client.createActive(
			fx.workflow(`e2e ${webhookPath}`, [fx.webhookIn(webhookPath, { name: 'Prompts In', respond: 'lastNode' }), fx.splitOut('body.prompts'), generateNode]),
		);
		const response = await postJson(await stack.webhook(webhookPath), { prompts });
		expect(response.status).toBe(200);
		return { workflowId, items: response.json };
	}
	const fileOf = (taskId) => expect.stringMatching(new RegExp(`^${taskId}-.+\\.${extension}$`));

	test(
		'Poll with Download Result Files: every item succeeds with its media file as binary',
		withLogTail(async () => {
			const from = stack.sim.requests.length;
			const { workflowId, items } = await generate(`e2e-gen-poll-${kind}`, { pollInterval: 0.2, timeout: 60, download: true, maxDownloadSizeMb: 10 });
			expect(items.map((item) => [item.prompt, item.status])).toEqual(prompts.map((p) => [p.prompt, 'succeeded']));
			for (const item of items) expect(item.resultUrls[0]).toMatch(new RegExp(`\\.${extension}\\?Expires=\\d+`));
			const [execution] = await stack.client.waitForExecutions(workflowId, 1);
			for (const { json, binary } of nodeItems(await stack.client.execution(execution.id), 'Generate')) {
				expect(binary.data).toMatchObject({ mimeType, fileName: fileOf(json.taskId) });
			}
			expect(stack.requestsSince(from, (r) => r.path.endsWith(`/application/${capability}`)).length).toBeGreaterThanOrEqual(2);
		}),
	);

	test(
		'submitted with the trigger as Callback URL: one trigger execution per task, with the file',
		withLogTail(async () => {
			const { items } = await generate(`e2e-gen-cb-${kind}`, { callbackUrl: trigger.publicUrl });
			expect(items).toHaveLength(2);
			await until('both callbacks', async () => (await trigger.outputs()).outputs.length >= 2, { timeoutMs: 60_000 });
			for (const { taskId } of items) {
				const runs = await trigger.executionsFor(taskId);
				expect(runs).toHaveLength(1);
				expect(runs[0].json).toMatchObject({ status: 'succeeded', resultUrls: [expect.stringMatching(new RegExp(`\\.${extension}\\?`))] });
				expect(runs[0].binary.data.mimeType).toBe(mimeType);
			}
		}),
	);
});
