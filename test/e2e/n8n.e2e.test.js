'use strict';
/**
 * The package in a real n8n 2.41.1 (installed as a community package) against the local ToMoviee
 * simulator. One n8n process serves every case: starting one costs 15-30 s on 2 cores.
 * Everything listens on 127.0.0.1; afterAll stops n8n (its whole process group) and the simulator.
 * First run on a fresh machine installs Node 24 + n8n into ~/.cache (about 5 minutes).
 *
 * Covers: the package as n8n loads it; the credential test through n8n's REST in both of the
 * simulator's wrong-credential forms (issue 11); Recognize batches, error output, Continue and
 * Retry On Fail (issue 12); the ToMoviee Trigger's signatures, verification and refusals, Include
 * Raw, downloads that cannot be steered or blow up memory, and redirects (issue 13).
 * Measured figures are printed with console.log.
 */
const fs = require('node:fs');
const path = require('node:path');
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const probes = require('./lib/probes');
const { createSimulator } = require('../simulator');
const { callbackBody } = require('../simulator/callbacks');

const APP_KEY = 'test-key';
const APP_SECRET = 'test-secret';
const WSID = 4242;
const TRIGGER_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c1';
const ROUND_TRIP_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c2';
const UNVERIFIED_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c3';
const DOWNLOAD_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000c4';
const EXPECTED_AUTHORIZATION = `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64')}`;
const OK_ANSWER = { code: 0, msg: 'ok' };
const MASK_CAPABILITY_PATH = '/v1/open/capacity/application/tm_reference_img2mask';
const TASK_QUERY_PATH = '/v1/open/pub/task';
const VENDOR_TASK_ID = /^tm_reference_img2mask-0-\d{12}[0-9a-f]{10}$/;
const REFUSED_LOG = 'ToMoviee Trigger refused a callback';

const state = {};

jest.setTimeout(180_000);

const withLogTail = (run) => probes.withLogTail(() => state.n8n, run);
const { postJson, sleep } = probes;
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A signed, expiring result URL of the simulator for the task's file `n`. */
const resultFilePattern = (taskId, n = 0) =>
	new RegExp(`^${escapeRegExp(state.simUrl)}/files/${escapeRegExp(taskId)}/${n}\\.png\\?Expires=\\d+&OSSAccessKeyId=sim&Signature=`);
const requestsSince = (from, filter = () => true) => state.sim.requests.slice(from).filter(filter);
const isSubmit = (request) => request.path === MASK_CAPABILITY_PATH;
const isQuery = (request) => request.path === TASK_QUERY_PATH;

async function createWorkflow(workflow) {
	return state.client.rest('POST', '/workflows', workflow);
}

async function createActiveWorkflow(workflow) {
	const created = await createWorkflow(workflow);
	await n8nLib.activateWorkflow(state.client, created.id);
	return created.id;
}

/** Every output of a node's last run: [[json of output 0], [json of output 1], ...]. */
function nodeOutputs(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${execution.id}`);
	return (runs.at(-1).data?.main ?? []).map((items) => (items ?? []).map((item) => item.json));
}

/** Creates a recognition task at the simulator directly (as another client would); resolves to its id. */
async function createTask(imageUrl, { params } = {}) {
	const response = await postJson(
		`${state.simUrl}${MASK_CAPABILITY_PATH}`,
		{
			template_info: [
				{ input_params: { control_type: '0', init_image: imageUrl, template_id: 'tm_reference_img2mask_template_spatial' } },
			],
			...(params !== undefined ? { params } : {}),
		},
		{ headers: { authorization: EXPECTED_AUTHORIZATION, 'x-app-key': APP_KEY } },
	);
	expect(response.json).toMatchObject({ code: 0, data: { task_id: expect.stringMatching(VENDOR_TASK_ID) } });
	return response.json.data.task_id;
}

/** The callback body ToMoviee (the simulator) would send for a task now, in one of its forms. */
const callbackOf = (taskId, form = 'bare') => callbackBody(state.sim.tasks.get(taskId), form, Date.now());

/** Webhook In (POST /webhook/<path>) -> Split Out body.images -> ToMoviee Recognize -> ... */
function recognizeBatchWorkflow({ name, webhookPath, responseMode = 'onReceived', recognize = {}, options = {}, connections }) {
	const nodes = [
		{
			id: `${webhookPath}-in`,
			name: 'Images In',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `${webhookPath}-hook`,
			parameters: {
				httpMethod: 'POST',
				path: webhookPath,
				responseMode,
				...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}),
				options: {},
			},
		},
		fx.splitOutNode('body.images'),
		{
			id: `${webhookPath}-recognize`,
			name: 'Recognize',
			type: fx.ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			credentials: fx.credentialRef(state.credential),
			...recognize,
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '1',
				waitForCompletion: true,
				options: { pollInterval: 0.2, timeout: 60, ...options },
			},
		},
		{ id: `${webhookPath}-ok`, name: 'OK', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
		{ id: `${webhookPath}-err`, name: 'ERR', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 200], parameters: {} },
	];
	const main = (target) => ({ node: target, type: 'main', index: 0 });
	return {
		name,
		nodes,
		connections: {
			'Images In': { main: [[main('Split Out')]] },
			'Split Out': { main: [[main('Recognize')]] },
			Recognize: { main: connections ?? [[main('OK')]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** POSTs the images to a workflow's webhook; resolves to the HTTP answer. */
async function postImages(webhookPath, urls) {
	const url = await n8nLib.waitForWebhook(state.n8n.baseUrl, webhookPath);
	return postJson(url, { images: urls.map((u, i) => ({ id: i, url: u })) });
}

async function latestFinished(workflowId, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = (await n8nLib.listExecutions(state.client, workflowId)).results;
		if (latest && !['new', 'running', 'waiting'].includes(latest.status)) return n8nLib.getExecution(state.client, latest.id);
		if (Date.now() > deadline) throw new Error(`workflow ${workflowId}: no finished execution (latest ${latest?.status})`);
		await sleep(200);
	}
}

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	// callbackTimeoutMs: a busy 2-core machine can take seconds to answer a verified callback
	state.sim = createSimulator({ taskDurationMs: 300, wsid: WSID, appKey: APP_KEY, appSecret: APP_SECRET, callbackTimeoutMs: 30_000 });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir, env: { NODE_ENV: 'production' } });
	state.client = await n8nLib.setupOwner(state.n8n.baseUrl);
	state.credential = await n8nLib.createCredential(state.client, {
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: state.simUrl },
	});
}, 1_200_000); // a first run installs Node 24 + n8n into ~/.cache: 5-10 minutes

afterAll(async () => {
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
});

describe('installed as a community package', () => {
	test(
		'`n8n export:nodes` lists both nodes with icons, codex, the credential and its node-side test',
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
				expect(node.credentials).toEqual([expect.objectContaining({ name: fx.CREDENTIAL_TYPE, required: true })]);
			}
			const action = nodes.find((entry) => entry.name === fx.ACTION_TYPE);
			// the credential's own declarative test is what n8n runs (no node test function)
			expect(action.credentials[0].testedBy).toBeUndefined();
			// the resume webhook answers only once n8n accepted the resume, as JSON
			expect(action.webhooks).toEqual([expect.objectContaining({ restartWebhook: true, responseMode: 'onReceived', responseData: '' })]);
			const trigger = nodes.find((entry) => entry.name === fx.TRIGGER_TYPE);
			expect(trigger.webhooks).toEqual([
				expect.objectContaining({ httpMethod: 'POST', path: 'callback', responseMode: 'onReceived', responseData: '' }),
			]);
		}),
	);

	test(
		"the editor's type lists carry the nodes and the credential (with its declarative test), and their icons are served",
		withLogTail(async () => {
			const nodes = await state.client.request('GET', '/types/nodes.json');
			const credentials = await state.client.request('GET', '/types/credentials.json');
			const credential = credentials.find((entry) => entry.name === fx.CREDENTIAL_TYPE);
			expect(credential).toBeDefined();
			expect(credential.test.request).toMatchObject({ method: 'POST', url: TASK_QUERY_PATH });
			expect(credential.supportedNodes).toEqual(expect.arrayContaining([fx.ACTION_TYPE, fx.TRIGGER_TYPE]));
			const icons = [credential.iconUrl];
			for (const type of [fx.ACTION_TYPE, fx.TRIGGER_TYPE]) {
				const node = nodes.find((entry) => entry.name === type);
				expect(node).toBeDefined();
				expect(node.codex).toEqual(expect.objectContaining({ categories: expect.any(Array), alias: expect.any(Array) }));
				icons.push(node.iconUrl);
			}
			for (const iconUrl of icons) {
				expect(iconUrl).toEqual({ light: expect.stringMatching(/\.svg$/), dark: expect.stringMatching(/\.svg$/) });
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
			expect(workflowFiles.length).toBeGreaterThan(0);
			const types = await state.client.request('GET', '/types/nodes.json');
			const credentials = JSON.parse(fs.readFileSync(path.join(examplesDir, 'tomoviee-simulator.credential.json'), 'utf8'));
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
					for (const key of Object.keys(node.parameters)) expect([file, key, names.has(key)]).toEqual([file, key, true]);
					const optionNames = new Set(
						description.properties.filter((property) => property.name === 'options').flatMap((property) => property.options.map((option) => option.name)),
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

describe('credential test through n8n REST (POST /rest/credentials/test): the declarative test', () => {
	const WRONG_SECRET = 'wrong-secret-value';
	const WRONG_KEY = 'wrong-key-value';
	afterAll(() => state.sim.configure({ authFailure: 'http401', errorCodes: 'vendor' }));

	test.each([
		['HTTP 401', { authFailure: 'http401' }, 'HTTP 401'],
		['HTTP 200 with code 680008', { authFailure: 'code' }, 'code 680008'],
		['HTTP 200 with the older code 40101', { authFailure: 'code', errorCodes: 'legacy' }, 'code 40101'],
	])(
		'gateway answering wrong credentials with %s: the right pair passes, a wrong secret or key fails naming the rejection, the secret is never in a URL',
		(_form, config, named) =>
			withLogTail(async () => {
				state.sim.configure({ errorCodes: 'vendor', ...config });
				const from = state.sim.requests.length;
				const passing = await n8nLib.testCredential(state.client, state.credential);
				expect(passing).toEqual({ status: 'OK', message: expect.any(String) });
				const rejected = { status: 'Error', message: expect.stringContaining(`ToMoviee rejected the app key/secret (${named})`) };
				expect(await n8nLib.testCredential(state.client, { id: state.credential.id, data: { appSecret: WRONG_SECRET } })).toEqual(rejected);
				expect(await n8nLib.testCredential(state.client, { id: state.credential.id, data: { appKey: WRONG_KEY } })).toEqual(rejected);

				const lookups = requestsSince(from);
				// a look-up of a task that cannot exist per test, the secret only in Authorization
				// (n8n 2.41 sends a request answered 401 once more: its credential-refresh retry)
				expect(lookups.map((request) => [request.method, request.path])).toEqual(Array(lookups.length).fill(['POST', TASK_QUERY_PATH]));
				expect([...new Set(lookups.map((request) => request.headers.authorization))]).toEqual([
					EXPECTED_AUTHORIZATION,
					`Basic ${Buffer.from(`${APP_KEY}:${WRONG_SECRET}`).toString('base64')}`,
					`Basic ${Buffer.from(`${WRONG_KEY}:${APP_SECRET}`).toString('base64')}`,
				]);
				for (const request of lookups) {
					expect(request.body).toEqual({ task_id: expect.any(String) });
					expect(request.headers['x-app-key']).toEqual(expect.any(String));
					expect(request.headers['content-type']).toMatch(/^application\/json/);
				}
				for (const secret of [APP_SECRET, WRONG_SECRET]) {
					expect(lookups.filter((request) => decodeURIComponent(request.url).includes(secret))).toEqual([]);
				}
			})(),
	);

	test(
		'a Base URL with a trailing slash is joined without a double slash; the right pair passes on a non-zero code of no rule ("task not found")',
		withLogTail(async () => {
			state.sim.configure({ authFailure: 'http401', errorCodes: 'vendor' });
			const from = state.sim.requests.length;
			const withSlash = await n8nLib.testCredential(state.client, { id: state.credential.id, data: { baseUrl: `${state.simUrl}/` } });
			expect(withSlash).toEqual({ status: 'OK', message: expect.any(String) });
			expect(requestsSince(from).map((request) => request.path)).toEqual([TASK_QUERY_PATH]);
			const answer = await fetch(`${state.simUrl}${TASK_QUERY_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: EXPECTED_AUTHORIZATION, 'x-app-key': APP_KEY },
				body: JSON.stringify(requestsSince(from)[0].body),
			});
			expect(await answer.json()).toMatchObject({ code: 680002, msg: 'task not found' });
		}),
	);

	test(
		'a gateway in trouble (503) fails the Test without calling the key pair wrong',
		withLogTail(async () => {
			state.sim.injectFaults([{ route: 'query', kind: '503' }]);
			const answer = await n8nLib.testCredential(state.client, state.credential);
			expect(answer).toEqual({ status: 'Error', message: expect.stringContaining('ToMoviee answered HTTP 503') });
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
			const images = Array.from({ length: 20 }, (_, i) => ({ id: `img-${i}`, url: `https://images.example/photo-${i}.jpg` }));
			images.splice(7, 0, { id: 'img-bad', url: 'https://images.example/fail-me.jpg' });
			const from = state.sim.requests.length;

			const response = await postJson(url, { images });
			expect(response.status).toBe(200);
			const items = response.json;
			expect(items).toHaveLength(21);

			items.forEach((item, index) => {
				const image = images[index];
				expect(item.imageUrl).toBe(image.url);
				expect(item.taskId).toMatch(VENDOR_TASK_ID);
				if (image.id === 'img-bad') {
					expect(item).toEqual(
						expect.objectContaining({
							error: expect.stringMatching(/^ToMoviee task \S+ failed: image could not be recognized \(code 680003\) \[item 7\]$/),
							status: 'failed',
							statusCode: 4,
							reason: 'image could not be recognized',
							errorCode: 680003,
							errorMessage: 'image could not be recognized',
							resultUrls: [],
						}),
					);
				} else {
					expect(item.error).toBeUndefined();
					expect(item).toEqual(
						expect.objectContaining({
							status: 'succeeded',
							statusCode: 3,
							progress: 100,
							reason: 'success',
							controlType: '2',
							resultUrls: [expect.stringMatching(resultFilePattern(item.taskId))],
							resultUrlsExpireAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
							result: expect.objectContaining({ images_path: item.resultUrls }),
						}),
					);
				}
			});
			expect(new Set(items.map((item) => item.taskId)).size).toBe(21);

			const submits = requestsSince(from, isSubmit);
			expect(submits).toHaveLength(21);
			for (const request of [...submits, ...requestsSince(from, isQuery)]) {
				expect(request.method).toBe('POST');
				expect(request.headers.authorization).toBe(EXPECTED_AUTHORIZATION);
				expect(request.headers['x-app-key']).toBe(APP_KEY);
				expect(request.headers['content-type']).toMatch(/^application\/json/);
			}
			const byImage = (a, b) => a.template_info[0].input_params.init_image.localeCompare(b.template_info[0].input_params.init_image);
			expect(submits.map((request) => request.body).sort(byImage)).toEqual(
				images
					.map((image) => ({
						wsid: WSID,
						template_info: [
							{ input_params: { control_type: '2', init_image: image.url, template_id: 'tm_reference_img2mask_template_spatial' } },
						],
						storage_info: { input: { is_url: true }, output: { url: { expire_time: 1 } } },
					}))
					.sort(byImage),
			);
			const queried = requestsSince(from, isQuery).map((r) => r.body);
			expect(new Set(queried.map((body) => body.task_id))).toEqual(new Set(items.map((item) => item.taskId)));
			expect(state.sim.duplicatedInputs()).toEqual([]);

			const [execution] = await n8nLib.waitForExecutions(state.client, workflow.id, 1);
			expect(execution.status).toBe('success');
		}),
	);
});

describe('failed items in real n8n: error output, Continue, Retry On Fail', () => {
	// item 1 fails at ToMoviee, item 3 runs out of balance; both carry a 68xxxx code
	const urls = [
		'https://x.test/ok-0.png',
		'https://x.test/fail-1.png',
		'https://x.test/ok-2.png',
		'https://x.test/insufficient-3.png',
		'https://x.test/ok-4.png',
	];
	const failedFields = (index) =>
		index === 1
			? { status: 'failed', statusCode: 4, reason: 'image could not be recognized', errorCode: 680003, errorMessage: 'image could not be recognized' }
			: { status: 'failed', statusCode: 4, reason: 'insufficient balance', errorCode: 680001, errorMessage: 'insufficient balance' };

	test(
		'On Error "Continue (using error output)": exactly the failed items reach the error branch, with task id, status, reason and code',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(
				recognizeBatchWorkflow({
					name: 'e2e error output',
					webhookPath: 'e2e-error-output',
					recognize: { onError: 'continueErrorOutput' },
					connections: [[{ node: 'OK', type: 'main', index: 0 }], [{ node: 'ERR', type: 'main', index: 0 }]],
				}),
			);
			const from = state.sim.requests.length;
			expect((await postImages('e2e-error-output', urls)).status).toBe(200);
			const execution = await latestFinished(workflowId);
			expect(execution.status).toBe('success');
			const [success, errors] = nodeOutputs(execution, 'Recognize');
			const taskIds = new Map(requestsSince(from, isQuery).map((r) => [r.body.task_id, true]));
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
			for (const item of errors) expect(taskIds.has(item.details.taskId)).toBe(true);
			expect(n8nLib.nodeOutputJson(execution, 'OK')).toHaveLength(3);
			expect(n8nLib.nodeOutputJson(execution, 'ERR').map((item) => item.details.taskId)).toEqual(errors.map((item) => item.details.taskId));
		}),
	);

	test(
		'On Error "Continue": the failed items stay on the main output with every field plus error',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(
				recognizeBatchWorkflow({ name: 'e2e continue', webhookPath: 'e2e-continue', recognize: { onError: 'continueRegularOutput' } }),
			);
			expect((await postImages('e2e-continue', urls)).status).toBe(200);
			const execution = await latestFinished(workflowId);
			expect(execution.status).toBe('success');
			const outputs = nodeOutputs(execution, 'Recognize');
			expect(outputs).toHaveLength(1);
			const [items] = outputs;
			expect(items.map((item) => item.imageUrl)).toEqual(urls);
			items.forEach((item, index) => {
				expect(item.taskId).toMatch(VENDOR_TASK_ID);
				if (index === 1 || index === 3) {
					expect(item).toMatchObject({ ...failedFields(index), error: expect.stringContaining(`[item ${index}]`), resultUrls: [] });
				} else {
					expect(item).toMatchObject({ status: 'succeeded', reason: 'success' });
					expect(Object.keys(item)).not.toContain('error');
				}
			});
			expect(n8nLib.nodeOutputJson(execution, 'OK')).toHaveLength(5);
		}),
	);

	test(
		'Retry On Fail (3 tries), 10 items, one always failing: ToMoviee sees 12 submits, never 20 or 30',
		withLogTail(async () => {
			const workflowId = await createActiveWorkflow(
				recognizeBatchWorkflow({
					name: 'e2e retry on fail',
					webhookPath: 'e2e-retry-on-fail',
					recognize: { retryOnFail: true, maxTries: 3, waitBetweenTries: 100 },
				}),
			);
			const batch = Array.from({ length: 10 }, (_, i) => (i === 6 ? 'https://x.test/retry-fail-6.png' : `https://x.test/retry-${i}.png`));
			const from = state.sim.requests.length;
			expect((await postImages('e2e-retry-on-fail', batch)).status).toBe(200);
			const execution = await latestFinished(workflowId);
			expect(execution.status).toBe('error');
			const submits = requestsSince(from, isSubmit);
			const perImage = {};
			for (const submit of submits) {
				const image = submit.body.template_info[0].input_params.init_image;
				perImage[image] = (perImage[image] ?? 0) + 1;
			}
			console.log(`Retry On Fail: ${submits.length} submits for 10 items over 3 tries; per image ${JSON.stringify(perImage)}`);
			expect(submits).toHaveLength(12);
			expect(perImage).toEqual(Object.fromEntries(batch.map((url, i) => [url, i === 6 ? 3 : 1])));
			const { error } = execution.data.resultData;
			expect(error.message).toMatch(/failed: image could not be recognized \(code 680003\) \[item 6\]/);
			// the failure names the tasks that run (and are billed) anyway
			expect(error.description).toMatch(/ToMoviee had already accepted \d+ task\(s\) of this run/);
		}),
	);
});

describe('result downloads and redirects cannot hurt the instance', () => {
	test(
		'a result that streams 200 MB without Content-Length, Max Download Size 1 MB: the item fails, a few MB are read, n8n grows < 50 MB',
		withLogTail(async () => {
			await createActiveWorkflow(
				recognizeBatchWorkflow({
					name: 'e2e huge download',
					webhookPath: 'e2e-huge',
					responseMode: 'lastNode',
					recognize: { onError: 'continueRegularOutput' },
					options: { download: true, maxDownloadSizeMb: 1 },
				}),
			);
			const pid = probes.n8nPid(state.n8n.userFolder);
			expect(pid).toBeGreaterThan(0);
			// a normal run first, so the measured run allocates nothing a first run would
			const warm = await postImages('e2e-huge', ['https://x.test/warm-up.png']);
			expect(warm.json).toEqual([expect.objectContaining({ status: 'succeeded' })]);
			state.sim.configure({ hugeResults: true });
			try {
				await sleep(500);
				const before = probes.residentBytes(pid);
				const streamedBefore = state.sim.stats.streamedBytes;
				const sampler = probes.sampleResident(pid);
				const response = await postImages('e2e-huge', ['https://x.test/huge-mask.png']);
				await sleep(500);
				const highest = sampler.stop();
				const streamed = state.sim.stats.streamedBytes - streamedBefore;
				const growth = highest - before.rss;
				console.log(
					`huge result: ${probes.megabytes(streamed)} streamed of 200 MB; n8n VmRSS ${probes.megabytes(before.rss)} before, highest ${probes.megabytes(highest)} during (growth ${probes.megabytes(growth)}); VmHWM ${probes.megabytes(before.peak)} -> ${probes.megabytes(probes.residentBytes(pid).peak)}`,
				);
				expect(response.status).toBe(200);
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
				expect(growth).toBeLessThan(50 * 1024 * 1024);
			} finally {
				state.sim.configure({ hugeResults: false });
			}
		}),
	);

	test(
		'a 302 from the Base URL to another port is not followed: the other port never sees Authorization',
		withLogTail(async () => {
			const elsewhere = await probes.startRecorder();
			const url = await n8nLib.waitForWebhook(state.n8n.baseUrl, 'e2e-recognize');
			const from = state.sim.requests.length;
			state.sim.configure({ redirectApiTo: elsewhere.url });
			try {
				const response = await postJson(url, { images: [{ id: 'redirected', url: 'https://images.example/redirected.jpg' }] });
				expect(response.status).toBe(200);
				expect(response.json).toEqual([
					expect.objectContaining({
						imageUrl: 'https://images.example/redirected.jpg',
						error: expect.stringContaining(
							`answered with a redirect (HTTP 302) to ${elsewhere.url}; the credential is not sent to another host`,
						),
					}),
				]);
				expect(requestsSince(from, isSubmit)).toHaveLength(1);
				expect(state.sim.stats.redirected).toBeGreaterThanOrEqual(1);
				expect(elsewhere.requests.filter((request) => request.headers.authorization || request.headers['x-app-key'])).toEqual([]);
				expect(elsewhere.requests).toEqual([]);
			} finally {
				state.sim.configure({ redirectApiTo: null });
				await elsewhere.close();
			}
		}),
	);
});

/** One published ToMoviee Trigger workflow and the executions it started (cached per id). */
function triggerProbe() {
	const probe = { seen: new Map() };

	/** Trigger outputs of every finished execution so far: { outputs: [{status, json}], pending }. */
	probe.outputs = async () => {
		const { results } = await n8nLib.listExecutions(state.client, probe.workflowId);
		for (const execution of results) {
			if (probe.seen.has(execution.id) || execution.status === 'new' || execution.status === 'running') continue;
			const details = await n8nLib.getExecution(state.client, execution.id);
			const [item] = details.data.resultData.runData['ToMoviee Trigger'].at(-1).data.main[0];
			probe.seen.set(execution.id, { status: details.status, json: item.json, binary: item.binary });
		}
		return {
			outputs: [...probe.seen.values()],
			pending: results.filter((e) => e.status === 'new' || e.status === 'running').length,
		};
	};

	/**
	 * Executions started for task `id`, counted once n8n is idle: a genuine callback for a fresh
	 * task (the sentinel) is sent after the case and its execution awaited, so anything the case
	 * started has been saved by then.
	 */
	probe.executionsFor = async (id) => {
		const sentinel = await createTask(`https://x.test/sentinel-${Date.now()}.png?duration=0`);
		expect(await postJson(probe.signedUrl, callbackOf(sentinel))).toMatchObject({ status: 200 });
		const deadline = Date.now() + 30_000;
		for (;;) {
			const { outputs, pending } = await probe.outputs();
			if (pending === 0 && outputs.some((output) => output.json.taskId === sentinel)) {
				return outputs.filter((output) => output.json.taskId === id);
			}
			if (Date.now() > deadline) throw new Error(`the sentinel callback ${sentinel} started no execution`);
			await sleep(200);
		}
	};

	probe.publish = async ({ name, webhookId, options }) => {
		probe.workflowId = await createActiveWorkflow(fx.triggerWorkflow(state.credential, { name, webhookId, options }));
		probe.publicUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, `${webhookId}/callback`);
		probe.signedUrl = probes.signedUrl(probe.publicUrl, APP_SECRET);
	};
	return probe;
}

/** n8n's log since `offset` (a byte length of the log file). */
function logSince(offset) {
	return fs.readFileSync(state.n8n.logFile, 'utf8').slice(offset);
}
const logOffset = () => fs.statSync(state.n8n.logFile).size;

describe('ToMoviee Trigger in n8n: each callback case and the executions it starts', () => {
	const trigger = triggerProbe();
	let sequence = 0;
	/** A task that has ended at the simulator (succeeded unless the hint says otherwise). */
	const endedTask = (hint = 'ok', extra) => createTask(`https://x.test/${hint}-${++sequence}.png?duration=0`, extra);

	beforeAll(async () => {
		await trigger.publish({ name: 'e2e trigger cases', webhookId: TRIGGER_WEBHOOK_ID, options: { maxBodySizeKb: 1 } });
	});

	test.each([
		['bare task (the default form)', 'bare'],
		['{code,msg,data} envelope', 'envelope'],
		['camelCase, status as string, result as object', 'camel'],
	])('%s: 200 {code:0,msg:ok} and exactly one execution with the task as ToMoviee reports it', async (_form, form) =>
		withLogTail(async () => {
			const id = await endedTask('form', { params: JSON.stringify({ row: 7 }) });
			const from = state.sim.requests.length;
			const response = await postJson(trigger.signedUrl, callbackOf(id, form));
			expect(response.status).toBe(200);
			expect(response.json ?? response.text).toEqual(OK_ANSWER);
			const executions = await trigger.executionsFor(id);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			const resultUrls = [expect.stringMatching(resultFilePattern(id))];
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
			const lookups = requestsSince(from, (r) => isQuery(r) && r.body.task_id === id);
			expect(lookups.length).toBeGreaterThanOrEqual(1);
			expect(lookups[0].headers.authorization).toBe(EXPECTED_AUTHORIZATION);
		})(),
	);

	test.each([
		['missing signature', () => trigger.publicUrl],
		['signature made with another secret', () => probes.signedUrl(trigger.publicUrl, 'another-secret')],
		// the scheme before issue 13, HMAC over the path only
		[
			'signature of the path alone (the old scheme)',
			() => `${trigger.publicUrl}?tm_signature=${fx.signPath(APP_SECRET, new URL(trigger.publicUrl).pathname)}`,
		],
		// the signing oracle: a URL the node signed for another host with this trigger's path
		[
			'signature for the same path on another host',
			() => probes.signedUrl(trigger.publicUrl, APP_SECRET, `https://evil.test${new URL(trigger.publicUrl).pathname}`),
		],
		['signature of another trigger', () => probes.signedUrl(trigger.publicUrl, APP_SECRET, `${state.n8n.baseUrl}/webhook/other/callback`)],
		["n8n's own resume-token parameter instead", () => `${trigger.publicUrl}?signature=${probes.triggerSignature(APP_SECRET, trigger.publicUrl)}`],
	])('%s: 401 JSON, a warning in the log, no execution', async (_case, makeUrl) =>
		withLogTail(async () => {
			const id = await endedTask('unsigned');
			const url = makeUrl();
			const offset = logOffset();
			const response = await postJson(url, callbackOf(id));
			expect(response.status).toBe(401);
			expect(response.json).toEqual({ code: 401, msg: expect.any(String) });
			expect(await trigger.executionsFor(id)).toHaveLength(0);
			const log = logSince(offset);
			expect(log).toContain(REFUSED_LOG);
			// the log never holds a signature that was sent
			const sent = new URL(url).searchParams;
			for (const value of [sent.get('tm_signature'), sent.get('signature')].filter(Boolean)) expect(log).not.toContain(value);
		})(),
	);

	test(
		'malformed JSON: 422 from n8n itself and no execution',
		withLogTail(async () => {
			const before = (await trigger.outputs()).outputs.length;
			const response = await postJson(trigger.signedUrl, '{"task_id": "e2e-malformed", "status": 3');
			expect(response.status).toBe(422);
			expect(await trigger.executionsFor('e2e-malformed')).toHaveLength(0);
			// only the sentinel's execution was added
			expect((await trigger.outputs()).outputs.length).toBe(before + 1);
		}),
	);

	test(
		'JSON without a task id: 400 JSON, a warning, no execution',
		withLogTail(async () => {
			const before = (await trigger.outputs()).outputs.length;
			const offset = logOffset();
			const response = await postJson(trigger.signedUrl, { status: 3, progress: 100, params: 'no-id' });
			expect(response.status).toBe(400);
			expect(response.json).toEqual({ code: 400, msg: expect.any(String) });
			await trigger.executionsFor('none');
			expect((await trigger.outputs()).outputs.length).toBe(before + 1);
			expect(logSince(offset)).toContain(REFUSED_LOG);
		}),
	);

	test(
		'body over maxBodySizeKb (1 KB): 413 JSON, a warning, no execution',
		withLogTail(async () => {
			const id = await endedTask('oversized');
			const offset = logOffset();
			const response = await postJson(trigger.signedUrl, { ...callbackOf(id), reason: 'x'.repeat(2048) });
			expect(response.status).toBe(413);
			expect(response.json).toEqual({ code: 413, msg: expect.any(String) });
			expect(await trigger.executionsFor(id)).toHaveLength(0);
			expect(logSince(offset)).toContain(REFUSED_LOG);
		}),
	);

	test(
		'a task still processing (not in the Statuses filter): 200 {code:0,msg:ok} and no execution',
		withLogTail(async () => {
			const id = await createTask('https://x.test/never-ends.png');
			const response = await postJson(trigger.signedUrl, callbackOf(id));
			expect(response.status).toBe(200);
			expect(response.json ?? response.text).toEqual(OK_ANSWER);
			expect(await trigger.executionsFor(id)).toHaveLength(0);
		}),
	);

	test(
		'a signed callback for a task ToMoviee does not know: 503 (asked again, never dropped), a warning, nothing starts; the genuine one afterwards starts exactly one',
		withLogTail(async () => {
			const id = await endedTask('genuine');
			const genuine = callbackOf(id);
			const madeUpId = `tm_reference_img2mask-0-${genuine.task_id.slice(-22, -10)}ffffffffff`;
			const offset = logOffset();
			const forged = await postJson(trigger.signedUrl, { ...genuine, task_id: madeUpId });
			expect(forged.status).toBe(503);
			expect(await trigger.executionsFor(madeUpId)).toHaveLength(0);
			expect(logSince(offset)).toMatch(new RegExp(`${REFUSED_LOG}: ToMoviee does not know task ${escapeRegExp(madeUpId)} yet`));
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
			expect(failedRuns.map((e) => [e.json.status, e.json.errorCode])).toEqual([['failed', 680003]]);
			expect(failedRuns[0].json.resultUrls).toEqual([]);
		}),
	);

	test(
		'the same callback delivered 3 times in a row: 200 each time, exactly one execution',
		withLogTail(async () => {
			const id = await endedTask('dup-seq');
			const responses = [];
			for (let i = 0; i < 3; i++) responses.push(await postJson(trigger.signedUrl, callbackOf(id)));
			expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
			expect(await trigger.executionsFor(id)).toHaveLength(1);
			expect(responses.map((response) => response.json ?? response.text)).toEqual(Array(3).fill(OK_ANSWER));
		}),
	);

	test(
		'the same callback delivered 10 times at once: 200 each time, exactly one execution',
		withLogTail(async () => {
			const id = await endedTask('dup-par');
			const body = callbackOf(id);
			const responses = await Promise.all(Array.from({ length: 10 }, () => postJson(trigger.signedUrl, body)));
			expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
			expect(await trigger.executionsFor(id)).toHaveLength(1);
			expect(responses.map((response) => response.json ?? response.text)).toEqual(Array(10).fill(OK_ANSWER));
		}),
	);
});

describe('ToMoviee Trigger with Verify With ToMoviee off, Include Raw on', () => {
	const trigger = triggerProbe();
	beforeAll(async () => {
		await trigger.publish({
			name: 'e2e trigger unverified',
			webhookId: UNVERIFIED_WEBHOOK_ID,
			options: { verifyWithApi: false, includeRaw: true },
		});
	});

	test(
		'the body is believed (the trade-off of the option): a made-up task starts an execution with its made-up outcome',
		withLogTail(async () => {
			const from = state.sim.requests.length;
			const body = {
				task_id: 'made-up-task',
				status: 3,
				progress: 100,
				reason: 'success',
				result: JSON.stringify({ images_path: ['https://masks.example/made-up.png'] }),
				params: '',
			};
			expect((await postJson(trigger.signedUrl, body)).json).toEqual(OK_ANSWER);
			const [execution] = await trigger.executionsFor('made-up-task');
			expect(execution.json).toMatchObject({ taskId: 'made-up-task', status: 'succeeded', resultUrls: ['https://masks.example/made-up.png'] });
			expect(requestsSince(from, (r) => isQuery(r) && r.body.task_id === 'made-up-task')).toEqual([]);
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
			const signature = new URL(trigger.signedUrl).searchParams.get('tm_signature');
			const signedPathAndQuery = `${new URL(trigger.signedUrl).pathname}?tm_signature=${signature}`;
			const response = await postJson(trigger.signedUrl, callbackOf(id), {
				headers: {
					'x-forwarded-uri': signedPathAndQuery,
					'x-original-uri': signedPathAndQuery,
					referer: trigger.signedUrl,
					authorization: 'Bearer some-token',
					cookie: 'session=abc',
				},
			});
			expect(response.status).toBe(200);
			const [execution] = await trigger.executionsFor(id);
			const { raw } = execution.json;
			expect(raw).toEqual({ body: expect.objectContaining({ task_id: id }), headers: expect.any(Object), query: {} });
			expect(raw.headers['x-forwarded-uri']).toBe(`${new URL(trigger.signedUrl).pathname}?tm_signature=[redacted]`);
			expect(raw.headers['x-original-uri']).toBe(`${new URL(trigger.signedUrl).pathname}?tm_signature=[redacted]`);
			expect(raw.headers.referer).toContain('[redacted]');
			expect(raw.headers.authorization).toBeUndefined();
			expect(raw.headers.cookie).toBeUndefined();
			expect(JSON.stringify(execution.json)).not.toContain(signature);
		}),
	);
});

describe('ToMoviee Trigger with Download Result Files on', () => {
	const trigger = triggerProbe();
	beforeAll(async () => {
		await trigger.publish({
			name: 'e2e trigger download',
			webhookId: DOWNLOAD_WEBHOOK_ID,
			options: { download: true, maxDownloadSizeMb: 1 },
		});
	});

	test(
		'a signed callback claiming success with images_path on a local port: that port gets no request; the files ToMoviee reports are downloaded',
		withLogTail(async () => {
			const internal = await probes.startRecorder();
			try {
				const id = await createTask('https://x.test/ssrf.png?duration=0');
				const from = state.sim.requests.length;
				const forged = { ...callbackOf(id), result: JSON.stringify({ images_path: [`${internal.url}/secret`] }) };
				expect((await postJson(trigger.signedUrl, forged)).json).toEqual(OK_ANSWER);
				const [execution] = await trigger.executionsFor(id);
				expect(execution.json).toMatchObject({ taskId: id, status: 'succeeded', resultUrls: [expect.stringMatching(resultFilePattern(id))] });
				expect(execution.json.downloadError).toBeUndefined();
				expect(execution.binary?.data).toMatchObject({ mimeType: 'image/png' });
				expect(requestsSince(from, (r) => r.path === `/files/${id}/0.png`)).toHaveLength(1);
				expect(internal.requests).toEqual([]);
			} finally {
				await internal.close();
			}
		}),
	);
});

describe('callback round trip: submit with callbackUrl, the simulator calls the published trigger', () => {
	test(
		'the node signs the URL with tm_signature over origin and path; exactly one trigger execution per task, carrying the pass-through data',
		withLogTail(async () => {
			const triggerWorkflow = await createWorkflow(
				fx.triggerWorkflow(state.credential, { name: 'e2e round trip trigger', webhookId: ROUND_TRIP_WEBHOOK_ID }),
			);
			await n8nLib.activateWorkflow(state.client, triggerWorkflow.id);
			const callbackUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, `${ROUND_TRIP_WEBHOOK_ID}/callback`);

			const submitWorkflow = await createWorkflow(fx.submitWithCallbackWorkflow(state.credential, callbackUrl));
			await n8nLib.activateWorkflow(state.client, submitWorkflow.id);
			const submitUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, 'e2e-submit');

			const from = state.sim.requests.length;
			const callbacksFrom = state.sim.callbacks.length;
			const images = Array.from({ length: 5 }, (_, i) => ({ id: `row-${i + 1}`, url: `https://images.example/cb-${i}.jpg` }));
			const response = await postJson(submitUrl, { images });
			expect(response.status).toBe(200);
			const submitted = response.json;
			expect(submitted).toHaveLength(5);
			for (const item of submitted) expect(item).toEqual(expect.objectContaining({ taskId: expect.stringMatching(VENDOR_TASK_ID) }));

			// the node signed the URL it sent: tm_signature = base64url(HMAC(secret, origin + path))
			const expectedCallback = `${callbackUrl}?tm_signature=${probes.triggerSignature(APP_SECRET, callbackUrl)}`;
			const submits = requestsSince(from, isSubmit);
			expect(submits.map((request) => request.body.callback)).toEqual(Array(5).fill(expectedCallback));
			expect(submits.map((request) => JSON.parse(request.body.params).imageId).sort()).toEqual(images.map((image) => image.id));

			const executions = await n8nLib.waitForExecutions(state.client, triggerWorkflow.id, 5, { timeoutMs: 60_000 });
			const outputs = [];
			for (const execution of executions) {
				outputs.push(n8nLib.nodeOutputJson(await n8nLib.getExecution(state.client, execution.id), 'ToMoviee Trigger')[0]);
			}
			const byTask = new Map(outputs.map((output) => [output.taskId, output]));
			expect(byTask.size).toBe(5);
			submitted.forEach((item, index) => {
				expect(byTask.get(item.taskId)).toEqual(
					expect.objectContaining({
						status: 'succeeded',
						params: { imageId: images[index].id },
						resultUrls: [expect.stringMatching(resultFilePattern(item.taskId))],
					}),
				);
			});
			// bare callbacks (the simulator's default form), each answered once
			const attempts = state.sim.callbacks.slice(callbacksFrom);
			expect(attempts.map((attempt) => attempt.status)).toEqual(Array(5).fill(200));
			expect(attempts.map((attempt) => Object.keys(attempt.body).includes('code'))).toEqual(Array(5).fill(false));
			await sleep(1000); // a late duplicate execution would have been saved by now
			expect(await n8nLib.countExecutions(state.client, triggerWorkflow.id)).toBe(5);
		}),
	);
});
