'use strict';
/**
 * Issue 22, point 1, in a real n8n 2.41.1: a trigger delivery counts as done only once n8n has
 * accepted the execution. n8n is made unable to start one the way a busy database or queue makes
 * it: another process holds SQLite's write lock (`BEGIN EXCLUSIVE`, n8n's database is in WAL mode,
 * so the trigger still reads its workflow and credential and runs), and n8n answers 500 "There
 * was a problem executing the workflow". ToMoviee's repeat must then start the execution.
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const probes = require('./lib/probes');
const { createSimulator } = require('../simulator');
const { callbackBody } = require('../simulator/callbacks');

const APP_KEY = 'delivery-key';
const APP_SECRET = 'delivery-secret';
const WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-0000000000d1';
const MASK_CAPABILITY_PATH = '/v1/open/capacity/application/tm_reference_img2mask';
const state = {};

jest.setTimeout(180_000);

const withLogTail = (run) => probes.withLogTail(() => state.n8n, run);

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	state.sim = createSimulator({ taskDurationMs: 100, appKey: APP_KEY, appSecret: APP_SECRET });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir });
	state.client = await n8nLib.setupOwner(state.n8n.baseUrl);
	const credential = await n8nLib.createCredential(state.client, {
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: { appKey: APP_KEY, appSecret: APP_SECRET, baseUrl: state.simUrl },
	});
	const workflow = await state.client.rest('POST', '/workflows', fx.triggerWorkflow(credential, { name: 'e2e delivery', webhookId: WEBHOOK_ID }));
	state.workflowId = workflow.id;
	await n8nLib.activateWorkflow(state.client, workflow.id);
	state.signedUrl = probes.signedUrl(await n8nLib.waitForWebhook(state.n8n.baseUrl, `${WEBHOOK_ID}/callback`), APP_SECRET);
}, 1_200_000);

afterAll(async () => {
	state.lock?.kill();
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
});

/** A task that has ended at the simulator; resolves to its id. */
async function endedTask() {
	const response = await probes.postJson(
		`${state.simUrl}${MASK_CAPABILITY_PATH}`,
		{ template_info: [{ input_params: { control_type: '0', init_image: 'https://x.test/delivery.png?duration=0', template_id: 'tm_reference_img2mask_template_spatial' } }] },
		{ headers: { authorization: `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64')}`, 'x-app-key': APP_KEY } },
	);
	const taskId = response.json.data.task_id;
	while (state.sim.tasks.get(taskId).view().status !== 3) await probes.sleep(50);
	return taskId;
}

/** Another process takes SQLite's write lock on n8n's database; resolves to its release. */
async function holdWriteLock() {
	const lock = spawn('sqlite3', [path.join(state.n8n.userFolder, '.n8n/database.sqlite')], { stdio: ['pipe', 'pipe', 'inherit'] });
	state.lock = lock;
	lock.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
	await new Promise((resolve) => lock.stdout.once('data', resolve));
	return async () => {
		lock.stdin.write('COMMIT;\n.quit\n');
		await new Promise((resolve) => lock.once('exit', resolve));
		state.lock = undefined;
	};
}

async function executionsOfTask(taskId) {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const { results } = await n8nLib.listExecutions(state.client, state.workflowId);
		const finished = results.filter((execution) => execution.status !== 'new' && execution.status !== 'running');
		if (finished.length === results.length) {
			const outputs = [];
			for (const execution of finished) {
				const details = await n8nLib.getExecution(state.client, execution.id);
				outputs.push(details.data.resultData.runData['ToMoviee Trigger'].at(-1).data.main[0][0].json);
			}
			return outputs.filter((json) => json.taskId === taskId);
		}
		if (Date.now() > deadline) throw new Error('executions still running after 30 s');
		await probes.sleep(200);
	}
}

test(
	'n8n cannot start the execution (500): the delivery is not remembered, the repeat starts exactly one execution, later repeats none',
	withLogTail(async () => {
		const taskId = await endedTask();
		const body = callbackBody(state.sim.tasks.get(taskId), 'bare', Date.now());
		const release = await holdWriteLock();
		let refused;
		try {
			refused = await probes.postJson(state.signedUrl, body);
		} finally {
			await release();
		}
		expect(refused.status).toBe(500);
		const repeats = [];
		for (let i = 0; i < 3; i++) repeats.push(await probes.postJson(state.signedUrl, body));
		expect(repeats.map((repeat) => [repeat.status, repeat.json])).toEqual(Array(3).fill([200, { code: 0, msg: 'ok' }]));
		const runs = await executionsOfTask(taskId);
		expect(runs).toHaveLength(1);
		expect(runs[0]).toMatchObject({ taskId, status: 'succeeded', deliveryKey: expect.stringMatching(/^[\w-]{43}$/) });
	}),
);
