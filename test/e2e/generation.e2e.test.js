'use strict';
/**
 * Generation operations in a real n8n 2.41.1 (issue 17): one video and one audio operation end
 * to end, polled with the result file downloaded as binary, and through the ToMoviee Trigger.
 */
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const { createSimulator } = require('../simulator');

const APP_KEY = 'gen-key';
const APP_SECRET = 'gen-secret';
const TRIGGER_WEBHOOK_ID = '7a1c2f0e-0000-4000-8000-00000000de01';
const state = {};

jest.setTimeout(240_000);

const withLogTail = (run) => n8nLib.withLogTail(() => state.n8n, run);

const OPERATIONS = {
	video: { resource: 'video', operation: 'textToVideo', extra: {}, extension: 'mp4', mimeType: 'video/mp4' },
	audio: { resource: 'audio', operation: 'textToMusic', extra: { duration: 10, count: 1 }, extension: 'mp3', mimeType: 'audio/mpeg' },
};

/** POST {"prompts":[...]} -> Split Out -> ToMoviee <operation>; the webhook answers with its items. */
function generationWorkflow(kind, path, webhookId, options) {
	const { resource, operation, extra } = OPERATIONS[kind];
	const nodes = [
		fx.webhookNode('Prompts In', path, webhookId),
		fx.splitOutNode('body.prompts'),
		{
			id: `${kind}-generate`,
			name: 'Generate',
			type: fx.ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			credentials: fx.credentialRef(state.credential),
			parameters: { resource, operation, prompt: '={{ $json.prompt }}', ...extra, options },
		},
	];
	return { name: `e2e ${kind} ${path}`, nodes, connections: fx.chain(nodes.map((node) => node.name)), settings: { executionOrder: 'v1' } };
}

async function activeWorkflow(workflow) {
	const created = await n8nLib.createWorkflow(state.client, workflow);
	await n8nLib.activateWorkflow(state.client, created.id);
	return created.id;
}

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	state.sim = createSimulator({ taskDurationMs: 300, appKey: APP_KEY, appSecret: APP_SECRET });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir });
	state.client = await n8nLib.setupOwner(state.n8n.baseUrl);
	state.credential = await n8nLib.createCredential(state.client, {
		name: 'ToMoviee (simulator)',
		type: fx.CREDENTIAL_TYPE,
		data: { appKey: APP_KEY, appSecret: APP_SECRET, baseUrl: state.simUrl },
	});
	state.triggerId = await activeWorkflow(fx.triggerWorkflow(state.credential, { name: 'e2e generation trigger', webhookId: TRIGGER_WEBHOOK_ID, options: { download: true, maxDownloadSizeMb: 10 } }));
	state.callbackUrl = await n8nLib.waitForWebhook(state.n8n.baseUrl, `${TRIGGER_WEBHOOK_ID}/callback`);
}, 1_200_000);

afterAll(async () => {
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
});

describe.each(Object.keys(OPERATIONS))('%s generation in n8n', (kind) => {
	const { extension, mimeType, resource, operation } = OPERATIONS[kind];
	const prompts = [{ prompt: `a ${kind} of a red fox in snow` }, { prompt: `a ${kind} of waves at dawn` }];

	test(
		'Poll with Download Result Files: every item succeeds with its media file as binary',
		withLogTail(async () => {
			const path = `e2e-gen-poll-${kind}`;
			const workflowId = await activeWorkflow(
				generationWorkflow(kind, path, `7a1c2f0e-0000-4000-8000-0000000${kind === 'video' ? 'de10' : 'de20'}`, { pollInterval: 0.2, timeout: 60, download: true, maxDownloadSizeMb: 10 }),
			);
			const url = await n8nLib.waitForWebhook(state.n8n.baseUrl, path);
			const response = await n8nLib.postJson(url, { prompts });
			expect(response.status).toBe(200);
			expect(response.json.map((item) => item.status)).toEqual(['succeeded', 'succeeded']);
			expect(response.json.map((item) => item.prompt)).toEqual(prompts.map((p) => p.prompt));
			for (const item of response.json) expect(item.resultUrls[0]).toMatch(new RegExp(`\\.${extension}\\?Expires=\\d+`));
			const [execution] = await n8nLib.waitForExecutions(state.client, workflowId, 1);
			const full = await n8nLib.getExecution(state.client, execution.id);
			const runs = full.data.resultData.runData.Generate;
			const items = runs[runs.length - 1].data.main[0];
			for (const item of items) {
				expect(item.binary.data).toMatchObject({ mimeType, fileName: expect.stringMatching(new RegExp(`^${item.json.taskId}-.+\\.${extension}$`)) });
			}
			const submits = state.sim.requests.filter((request) => request.path.endsWith(`/application/${kind === 'video' ? 'tm_text2video_b' : 'tm_text2music'}`));
			expect(submits.length).toBeGreaterThanOrEqual(2);
		}),
	);

	test(
		'submitted with the trigger as Callback URL: one trigger execution per task, with the file',
		withLogTail(async () => {
			const path = `e2e-gen-cb-${kind}`;
			await activeWorkflow(
				generationWorkflow(kind, path, `7a1c2f0e-0000-4000-8000-0000000${kind === 'video' ? 'de11' : 'de21'}`, { callbackUrl: state.callbackUrl }),
			);
			const before = (await n8nLib.waitForExecutions(state.client, state.triggerId, 0)).length;
			const url = await n8nLib.waitForWebhook(state.n8n.baseUrl, path);
			const response = await n8nLib.postJson(url, { prompts });
			expect(response.status).toBe(200);
			const submitted = response.json.map((item) => item.taskId);
			expect(submitted).toHaveLength(2);
			const executions = await n8nLib.waitForExecutions(state.client, state.triggerId, before + 2, { timeoutMs: 60_000 });
			const outputs = [];
			for (const execution of executions.slice(0, executions.length - before)) {
				const full = await n8nLib.getExecution(state.client, execution.id);
				const runs = full.data.resultData.runData['ToMoviee Trigger'];
				outputs.push(runs[0].data.main[0][0]);
			}
			const byTask = new Map(outputs.map((item) => [item.json.taskId, item]));
			for (const taskId of submitted) {
				const item = byTask.get(taskId);
				expect(item.json).toMatchObject({ status: 'succeeded', resultUrls: [expect.stringMatching(new RegExp(`\\.${extension}\\?`))] });
				expect(item.binary.data.mimeType).toBe(mimeType);
			}
			expect([resource, operation]).toEqual([OPERATIONS[kind].resource, OPERATIONS[kind].operation]);
		}),
	);
});
