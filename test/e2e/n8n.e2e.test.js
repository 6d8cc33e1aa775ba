'use strict';
/**
 * The package in a real n8n 2.41.1 (installed as a community package) against the local ToMoviee
 * simulator. One n8n process serves every case: starting one costs 15-20 s on 2 cores.
 * Everything listens on 127.0.0.1; afterAll stops n8n (its whole process group) and the simulator.
 * First run on a fresh machine installs Node 24 + n8n into ~/.cache (about 5 minutes).
 */
const fs = require('node:fs');
const path = require('node:path');
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const { createSimulator } = require('../simulator');

const APP_KEY = 'test-key';
const APP_SECRET = 'test-secret';
const WSID = 4242;
const TRIGGER_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c1';
const ROUND_TRIP_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c2';
const EXPECTED_AUTHORIZATION = `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64')}`;
const OK_ANSWER = { code: 0, msg: 'ok' };

const state = {};

jest.setTimeout(180_000);

/** Adds the end of n8n's log to a failing test's error: most real-n8n failures are explained there. */
function withLogTail(run) {
	return async () => {
		try {
			await run();
		} catch (error) {
			if (state.n8n) error.message += `\n\n--- end of the n8n log (${state.n8n.logFile}) ---\n${state.n8n.logTail(40)}`;
			throw error;
		}
	};
}

async function createWorkflow(workflow) {
	return state.client.rest('POST', '/workflows', workflow);
}

async function postJson(url, body, { headers = {} } = {}) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	state.sim = createSimulator({
		taskDurationMs: 300,
		wsid: WSID,
		appKey: APP_KEY,
		appSecret: APP_SECRET,
	});
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir });
	state.client = await n8nLib.setupOwner(state.n8n.baseUrl);
	state.credential = await n8nLib.createCredential(state.client, {
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: {
			appKey: APP_KEY,
			appSecret: APP_SECRET,
			wsid: WSID,
			baseUrl: state.simUrl,
		},
	});
}, 1_200_000); // a first run installs Node 24 + n8n into ~/.cache: 5-10 minutes

afterAll(async () => {
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
});

describe('installed as a community package', () => {
	test(
		'`n8n export:nodes` lists both nodes with icons, codex and the credential',
		withLogTail(async () => {
			const output = path.join(state.n8n.userFolder, 'nodes.json');
			const result = await state.n8n.cli(['export:nodes', `--output=${output}`]);
			expect(result).toMatchObject({ code: 0 });
			const nodes = JSON.parse(fs.readFileSync(output, 'utf8'));
			for (const type of [fx.ACTION_TYPE, fx.TRIGGER_TYPE]) {
				const node = nodes.find((entry) => entry.name === type);
				expect(node).toBeDefined();
				expect(node.icon ?? node.iconUrl).toBeTruthy();
				expect(node.codex?.categories?.length).toBeGreaterThan(0);
				expect(node.credentials).toEqual([{ name: fx.CREDENTIAL_TYPE, required: true }]);
			}
			const trigger = nodes.find((entry) => entry.name === fx.TRIGGER_TYPE);
			expect(trigger.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', path: 'callback' })]);
		}),
	);

	test(
		"the editor's type lists carry the nodes and the credential, and their icons are served",
		withLogTail(async () => {
			const nodes = await state.client.request('GET', '/types/nodes.json');
			const credentials = await state.client.request('GET', '/types/credentials.json');
			const credential = credentials.find((entry) => entry.name === fx.CREDENTIAL_TYPE);
			expect(credential).toBeDefined();
			expect(credential.supportedNodes).toEqual(expect.arrayContaining([fx.ACTION_TYPE, fx.TRIGGER_TYPE]));
			const icons = [credential.iconUrl];
			for (const type of [fx.ACTION_TYPE, fx.TRIGGER_TYPE]) {
				const node = nodes.find((entry) => entry.name === type);
				expect(node).toBeDefined();
				expect(node.codex).toEqual(
					expect.objectContaining({
						categories: expect.any(Array),
						alias: expect.any(Array),
					}),
				);
				icons.push(node.iconUrl);
			}
			for (const iconUrl of icons) {
				expect(iconUrl).toEqual({
					light: expect.stringMatching(/\.svg$/),
					dark: expect.stringMatching(/\.svg$/),
				});
				for (const file of Object.values(iconUrl)) {
					const response = await fetch(`${state.n8n.baseUrl}/${file}`);
					expect([file, response.status, response.headers.get('content-type')]).toEqual([file, 200, 'image/svg+xml']);
					expect(await response.text()).toContain('<svg');
				}
			}
		}),
	);
});

describe('examples/ match what this n8n loaded', () => {
	const examplesDir = path.join(fx.REPO_ROOT, 'examples');
	const workflowFiles = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.workflow.json'));

	test(
		'every node type/version exists and every ToMoviee parameter and option is a real one',
		withLogTail(async () => {
			expect(workflowFiles.length).toBe(3);
			const types = await state.client.request('GET', '/types/nodes.json');
			const credentials = JSON.parse(
				fs.readFileSync(path.join(examplesDir, 'tomoviee-simulator.credential.json'), 'utf8'),
			);
			expect(credentials.map((credential) => credential.type)).toEqual([fx.CREDENTIAL_TYPE]);
			expect(Object.keys(credentials[0].data).sort()).toEqual(['appKey', 'appSecret', 'baseUrl', 'wsid']);
			for (const file of workflowFiles) {
				const workflow = JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
				expect([file, workflow.id.length <= 21]).toEqual([file, true]);
				for (const node of workflow.nodes) {
					const versions = types.filter((type) => type.name === node.type).flatMap((type) => [type.version].flat());
					expect([file, node.name, versions.includes(node.typeVersion)]).toEqual([file, node.name, true]);
					if (!node.type.startsWith(`${fx.PACKAGE_NAME}.`)) continue;
					const description = types.find((type) => type.name === node.type);
					const names = new Set(description.properties.map((property) => property.name));
					for (const key of Object.keys(node.parameters))
						expect([file, key, names.has(key)]).toEqual([file, key, true]);
					const optionNames = new Set(
						description.properties
							.filter((property) => property.name === 'options')
							.flatMap((property) => property.options.map((option) => option.name)),
					);
					for (const key of Object.keys(node.parameters.options ?? {})) {
						expect([file, `options.${key}`, optionNames.has(key)]).toEqual([file, `options.${key}`, true]);
					}
					expect(Object.keys(node.credentials)).toEqual([fx.CREDENTIAL_TYPE]);
					expect(node.credentials[fx.CREDENTIAL_TYPE].id).toBe(credentials[0].id);
				}
			}
		}),
	);
});

describe('credential test through n8n REST (POST /rest/credentials/test)', () => {
	test(
		'the right pair passes, a wrong secret or key fails with the node message',
		withLogTail(async () => {
			const passing = await n8nLib.testCredential(state.client, state.credential);
			expect(passing).toEqual({ status: 'OK', message: expect.any(String) });
			const wrongSecret = await n8nLib.testCredential(state.client, {
				id: state.credential.id,
				data: { appSecret: 'wrong' },
			});
			expect(wrongSecret).toEqual({
				status: 'Error',
				message: expect.stringContaining('rejected the app key/secret'),
			});
			const wrongKey = await n8nLib.testCredential(state.client, {
				id: state.credential.id,
				data: { appKey: 'wrong' },
			});
			expect(wrongKey.status).toBe('Error');
			const tokenChecks = state.sim.requests.filter((request) => request.path === '/v1/open/capacity/get/token');
			expect(tokenChecks.map((request) => request.query)).toEqual([
				{ access_key: APP_KEY, secret: APP_SECRET },
				{ access_key: APP_KEY, secret: 'wrong' },
				{ access_key: 'wrong', secret: APP_SECRET },
			]);
		}),
	);
});

describe('ToMoviee node: recognize a batch (wait for completion, continue on fail)', () => {
	test(
		'20 images succeed, a failing image yields an error item, the simulator saw exact headers and bodies',
		withLogTail(async () => {
			const workflow = await createWorkflow(fx.recognizeWorkflow(state.credential));
			await n8nLib.activateWorkflow(state.client, workflow.id);
			const url = await n8nLib.waitForWebhook(state.n8n.baseUrl, 'e2e-recognize');
			const images = Array.from({ length: 20 }, (_, i) => ({
				id: `img-${i}`,
				url: `https://images.example/photo-${i}.jpg`,
			}));
			images.splice(7, 0, {
				id: 'img-bad',
				url: 'https://images.example/fail-me.jpg',
			});
			state.sim.reset();

			const response = await postJson(url, { images });
			expect(response.status).toBe(200);
			const items = response.json;
			expect(items).toHaveLength(21);

			items.forEach((item, index) => {
				const image = images[index];
				expect(item.imageUrl).toBe(image.url);
				if (image.id === 'img-bad') {
					expect(item).toEqual(
						expect.objectContaining({
							error: expect.stringContaining('image could not be recognized'),
							status: 'failed',
							statusCode: 4,
							taskId: expect.stringMatching(/^tm_/),
						}),
					);
				} else {
					expect(item.error).toBeUndefined();
					expect(item).toEqual(
						expect.objectContaining({
							status: 'succeeded',
							statusCode: 3,
							progress: 100,
							controlType: '2',
							taskId: expect.stringMatching(/^tm_/),
							resultUrls: [`${state.simUrl}/masks/${item.taskId}.png`],
						}),
					);
				}
			});
			expect(new Set(items.map((item) => item.taskId)).size).toBe(21);

			const submits = state.sim.requests.filter((request) => request.path.endsWith('/tm_reference_img2mask'));
			expect(submits).toHaveLength(21);
			for (const request of [...submits, ...state.sim.requests.filter((r) => r.path === '/v1/open/pub/task')]) {
				expect(request.method).toBe('POST');
				expect(request.headers.authorization).toBe(EXPECTED_AUTHORIZATION);
				expect(request.headers['x-app-key']).toBe(APP_KEY);
				expect(request.headers['content-type']).toMatch(/^application\/json/);
			}
			expect(
				submits
					.map((request) => request.body)
					.sort((a, b) =>
						a.template_info[0].input_params.init_image.localeCompare(b.template_info[0].input_params.init_image),
					),
			).toEqual(
				images
					.map((image) => ({
						wsid: WSID,
						template_info: [
							{
								input_params: {
									control_type: '2',
									init_image: image.url,
									template_id: 'tm_reference_img2mask_template_spatial',
								},
							},
						],
						storage_info: {
							input: { is_url: true },
							output: { url: { expire_time: 1 } },
						},
					}))
					.sort((a, b) =>
						a.template_info[0].input_params.init_image.localeCompare(b.template_info[0].input_params.init_image),
					),
			);
			const queried = state.sim.requests.filter((r) => r.path === '/v1/open/pub/task').map((r) => r.body);
			expect(new Set(queried.map((body) => body.task_id))).toEqual(new Set(items.map((item) => item.taskId)));

			const [execution] = await n8nLib.waitForExecutions(state.client, workflow.id, 1);
			expect(execution.status).toBe('success');
		}),
	);
});

describe('ToMoviee Trigger in n8n: each callback case and the executions it starts', () => {
	const triggerPath = `/webhook/${TRIGGER_WEBHOOK_ID}/callback`;
	const signature = fx.signPath(APP_SECRET, triggerPath);
	let workflowId;
	let signedUrl;
	let sequence = 0;
	const seen = new Map(); // execution id -> trigger output json

	const taskId = (label) => `e2e-${label}-${++sequence}`;
	const bare = (id, extra = {}) => ({
		task_id: id,
		status: 3,
		progress: 100,
		reason: '',
		result: JSON.stringify({
			images_path: [`https://masks.example/${id}.png`],
		}),
		params: JSON.stringify({ row: 7 }),
		...extra,
	});
	const deliver = (body, url = signedUrl) => postJson(url, body);

	/** Trigger outputs of every finished execution so far, read from n8n (cached per execution id). */
	async function triggerOutputs() {
		const { results } = await n8nLib.listExecutions(state.client, workflowId);
		for (const execution of results) {
			if (seen.has(execution.id) || execution.status === 'new' || execution.status === 'running') continue;
			const details = await n8nLib.getExecution(state.client, execution.id);
			seen.set(execution.id, {
				status: details.status,
				json: n8nLib.nodeOutputJson(details, 'ToMoviee Trigger')[0],
			});
		}
		return {
			outputs: [...seen.values()],
			pending: results.filter((e) => e.status === 'new' || e.status === 'running').length,
		};
	}

	/**
	 * Executions started for `id`, counted once n8n is idle: a fresh sentinel callback is sent after
	 * the case and its execution awaited, so anything the case started has been saved by then.
	 */
	async function executionsFor(id) {
		const sentinel = taskId('sentinel');
		expect(await deliver(bare(sentinel))).toMatchObject({ status: 200 });
		const deadline = Date.now() + 30_000;
		for (;;) {
			const { outputs, pending } = await triggerOutputs();
			if (pending === 0 && outputs.some((output) => output.json.taskId === sentinel)) {
				return outputs.filter((output) => output.json.taskId === id);
			}
			if (Date.now() > deadline) throw new Error(`the sentinel callback ${sentinel} started no execution`);
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}

	beforeAll(async () => {
		const workflow = await createWorkflow(
			fx.triggerWorkflow(state.credential, {
				name: 'e2e trigger cases',
				webhookId: TRIGGER_WEBHOOK_ID,
				options: { maxBodySizeKb: 1 },
			}),
		);
		workflowId = workflow.id;
		await n8nLib.activateWorkflow(state.client, workflowId);
		await n8nLib.waitForWebhook(state.n8n.baseUrl, `${TRIGGER_WEBHOOK_ID}/callback`);
		signedUrl = `${state.n8n.baseUrl}${triggerPath}?signature=${signature}`;
	});

	test.each([
		['bare task', (id) => bare(id)],
		['{code,msg,data} envelope', (id) => ({ code: 0, msg: 'success', data: bare(id) })],
		[
			'camelCase, status as string, result as object',
			(id) => ({
				taskId: id,
				status: '3',
				progress: 100,
				reason: '',
				result: { images_path: [`https://masks.example/${id}.png`] },
				params: JSON.stringify({ row: 7 }),
			}),
		],
	])('%s: 200 {code:0,msg:ok} and exactly one execution with the normalized item', async (_form, makeBody) =>
		withLogTail(async () => {
			const id = taskId('form');
			const response = await deliver(makeBody(id));
			expect(response.status).toBe(200);
			const executions = await executionsFor(id);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			expect(response.json ?? response.text).toEqual(OK_ANSWER);
			expect(executions[0].json).toEqual({
				taskId: id,
				status: 'succeeded',
				statusCode: 3,
				progress: 100,
				reason: '',
				resultUrls: [`https://masks.example/${id}.png`],
				result: { images_path: [`https://masks.example/${id}.png`] },
				params: { row: 7 },
				receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			});
		})(),
	);

	test.each([
		['missing signature', () => `${state.n8n.baseUrl}${triggerPath}`],
		[
			'wrong signature',
			() => `${state.n8n.baseUrl}${triggerPath}?signature=${fx.signPath('another-secret', triggerPath)}`,
		],
		[
			'signature of another path',
			() => `${state.n8n.baseUrl}${triggerPath}?signature=${fx.signPath(APP_SECRET, '/webhook/other/callback')}`,
		],
	])('%s: 401 JSON and no execution', async (_case, makeUrl) =>
		withLogTail(async () => {
			const id = taskId('unsigned');
			const response = await deliver(bare(id), makeUrl());
			expect(response.status).toBe(401);
			expect(response.json).toEqual({ code: 401, msg: expect.any(String) });
			expect(await executionsFor(id)).toHaveLength(0);
		})(),
	);

	test(
		'malformed JSON: 422 from n8n itself and no execution',
		withLogTail(async () => {
			const before = (await triggerOutputs()).outputs.length;
			const response = await deliver('{"task_id": "e2e-malformed", "status": 3');
			expect(response.status).toBe(422);
			const executions = await executionsFor('e2e-malformed');
			expect(executions).toHaveLength(0);
			// only the sentinel's execution was added
			expect((await triggerOutputs()).outputs.length).toBe(before + 1);
		}),
	);

	test(
		'JSON without a task id: 400 JSON and no execution',
		withLogTail(async () => {
			const before = (await triggerOutputs()).outputs.length;
			const response = await deliver({
				status: 3,
				progress: 100,
				params: 'no-id',
			});
			expect(response.status).toBe(400);
			expect(response.json).toEqual({ code: 400, msg: expect.any(String) });
			await executionsFor('none');
			expect((await triggerOutputs()).outputs.length).toBe(before + 1);
		}),
	);

	test(
		'body over maxBodySizeKb (1 KB): 413 JSON and no execution',
		withLogTail(async () => {
			const id = taskId('oversized');
			const response = await deliver(bare(id, { reason: 'x'.repeat(2048) }));
			expect(response.status).toBe(413);
			expect(response.json).toEqual({ code: 413, msg: expect.any(String) });
			expect(await executionsFor(id)).toHaveLength(0);
		}),
	);

	test(
		'status not in the filter (processing): 200 {code:0,msg:ok} and no execution',
		withLogTail(async () => {
			const id = taskId('filtered');
			const response = await deliver(bare(id, { status: 2, progress: 40, result: '' }));
			expect(response.status).toBe(200);
			expect(await executionsFor(id)).toHaveLength(0);
			expect(response.json ?? response.text).toEqual(OK_ANSWER);
		}),
	);

	test(
		'the same callback delivered 3 times in a row: 200 each time, exactly one execution',
		withLogTail(async () => {
			const id = taskId('dup-seq');
			const responses = [];
			for (let i = 0; i < 3; i++) responses.push(await deliver(bare(id)));
			expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
			expect(await executionsFor(id)).toHaveLength(1);
			expect(responses.map((response) => response.json ?? response.text)).toEqual(Array(3).fill(OK_ANSWER));
		}),
	);

	test(
		'the same callback delivered 10 times at once: 200 each time, exactly one execution',
		withLogTail(async () => {
			const id = taskId('dup-par');
			const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(bare(id))));
			expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
			expect(await executionsFor(id)).toHaveLength(1);
			expect(responses.map((response) => response.json ?? response.text)).toEqual(Array(10).fill(OK_ANSWER));
		}),
	);

	test(
		'the same task with another final status is a new delivery: one more execution',
		withLogTail(async () => {
			const id = taskId('status-change');
			await deliver(
				bare(id, {
					status: 4,
					progress: 0,
					result: '',
					reason: 'insufficient balance',
				}),
			);
			await deliver(bare(id));
			const executions = await executionsFor(id);
			expect(executions.map((execution) => execution.json.status).sort()).toEqual(['failed', 'succeeded']);
		}),
	);
});

describe('callback round trip: submit with callbackUrl, the simulator calls the published trigger', () => {
	test(
		'exactly one trigger execution per task, carrying the pass-through data',
		withLogTail(async () => {
			const triggerWorkflow = await createWorkflow(
				fx.triggerWorkflow(state.credential, {
					name: 'e2e round trip trigger',
					webhookId: ROUND_TRIP_WEBHOOK_ID,
				}),
			);
			await n8nLib.activateWorkflow(state.client, triggerWorkflow.id);
			const callbackUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, `${ROUND_TRIP_WEBHOOK_ID}/callback`);

			const submitWorkflow = await createWorkflow(fx.submitWithCallbackWorkflow(state.credential, callbackUrl));
			await n8nLib.activateWorkflow(state.client, submitWorkflow.id);
			const submitUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, 'e2e-submit');

			state.sim.reset();
			state.sim.configure({ callbackForm: 'envelope' });
			const images = Array.from({ length: 5 }, (_, i) => ({
				id: `row-${i + 1}`,
				url: `https://images.example/cb-${i}.jpg`,
			}));
			const response = await postJson(submitUrl, { images });
			expect(response.status).toBe(200);
			const submitted = response.json;
			expect(submitted).toHaveLength(5);
			for (const item of submitted)
				expect(item).toEqual(expect.objectContaining({ taskId: expect.stringMatching(/^tm_/) }));

			// the node signed the URL it sent
			const expectedCallback = `${callbackUrl}?signature=${fx.signPath(APP_SECRET, new URL(callbackUrl).pathname)}`;
			const submits = state.sim.requests.filter((request) => request.path.endsWith('/tm_reference_img2mask'));
			expect(submits.map((request) => request.body.callback)).toEqual(Array(5).fill(expectedCallback));
			expect(submits.map((request) => JSON.parse(request.body.params).imageId).sort()).toEqual(
				images.map((image) => image.id),
			);

			const executions = await n8nLib.waitForExecutions(state.client, triggerWorkflow.id, 5, { timeoutMs: 60_000 });
			const outputs = [];
			for (const execution of executions) {
				outputs.push(
					n8nLib.nodeOutputJson(await n8nLib.getExecution(state.client, execution.id), 'ToMoviee Trigger')[0],
				);
			}
			const byTask = new Map(outputs.map((output) => [output.taskId, output]));
			expect(byTask.size).toBe(5);
			submitted.forEach((item, index) => {
				expect(byTask.get(item.taskId)).toEqual(
					expect.objectContaining({
						status: 'succeeded',
						params: { imageId: images[index].id },
						resultUrls: [`${state.simUrl}/masks/${item.taskId}.png`],
					}),
				);
			});
			expect(state.sim.callbacks.map((attempt) => attempt.status)).toEqual(Array(5).fill(200));
			expect(await n8nLib.countExecutions(state.client, triggerWorkflow.id)).toBe(5);
		}),
	);
});
