'use strict';
/**
 * Every workflow in examples/, imported and run in a default n8n 2.41.1 against the simulator, as
 * a user would after installing the package: no N8N_RESTRICT_FILE_ACCESS_TO override, so files can
 * only be written inside `~/.n8n-files` (this n8n's HOME is a throwaway folder). The placeholders a
 * user replaces are pointed at this run (test/e2e/lib/examples.js). queue-mode-dedupe needs
 * PostgreSQL and runs in the queue-mode stage (queue.e2e.test.js).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const n8nLib = require('./lib/n8n');
const fx = require('./lib/fixtures');
const probes = require('./lib/probes');
const examples = require('./lib/examples');
const { createSimulator } = require('../simulator');
const { makeMaskPng } = require('../simulator/png');

jest.setTimeout(240_000);

const state = {};
const withLogTail = (run) => probes.withLogTail(() => state.n8n, run);
/** Files the workflows saved: everything in ~/.n8n-files but the inbox. */
const savedFiles = () => fs.readdirSync(state.filesFolder).filter((name) => name !== 'inbox').sort();

beforeAll(async () => {
	state.pkg = fx.stagePackage();
	const credential = examples.readExample(examples.CREDENTIAL_FILE)[0].data;
	state.sim = createSimulator({ taskDurationMs: 300, appKey: credential.appKey, appSecret: credential.appSecret, wsid: credential.wsid });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.home = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-home-'));
	// The folder exists, as on an install that follows the README (created, or a mounted volume).
	state.filesFolder = path.join(state.home, '.n8n-files');
	fs.mkdirSync(state.filesFolder);
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir, env: { NODE_ENV: 'production', HOME: state.home } });
	state.client = await n8nLib.setupOwner(state.n8n.baseUrl);
	state.prepared = examples.prepareExamples(state.n8n.userFolder, {
		credentialData: { baseUrl: state.simUrl },
		filesFolder: state.filesFolder,
		storageUrl: `${state.simUrl}/storage/`,
		webhookBase: `${state.n8n.baseUrl}/webhook/`,
	});
	for (const args of [
		['import:credentials', `--input=${state.prepared.credentialFile}`],
		['import:workflow', '--separate', `--input=${state.prepared.workflowsDir}`],
	]) {
		const result = await state.n8n.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args[0]} failed: ${result.stdout}${result.stderr}`);
	}
}, 1_200_000);

afterAll(async () => {
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
	if (state.home) fs.rmSync(state.home, { recursive: true, force: true });
});

beforeEach(() => {
	for (const name of savedFiles()) fs.rmSync(path.join(state.filesFolder, name));
});

test('the examples keep their files inside the folder a default n8n 2.x allows', () => {
	for (const file of examples.workflowFileNames()) {
		for (const node of examples.readExample(file).nodes) {
			for (const key of ['fileName', 'fileSelector']) {
				const value = node.parameters?.[key];
				if (value !== undefined) expect([file, node.name, String(value).replace(/^=/, '')]).toEqual([file, node.name, expect.stringMatching(/^\/home\/node\/\.n8n-files\//)]);
			}
		}
	}
});

test(
	'first-mask: an image URL, Recognize (subject), the mask saved as a file',
	withLogTail(async () => {
		const runData = await examples.executeHeadless(state.n8n, state.prepared.workflows['first-mask']);
		const [recognized] = examples.lastItems(runData, 'Recognize subject');
		expect(recognized.json).toMatchObject({ status: 'succeeded', controlType: '2', imageUrl: 'https://example.com/images/portrait.jpg' });
		expect(recognized.binary.data).toMatchObject({ mimeType: 'image/png', fileName: `${recognized.json.taskId}-subject.png` });
		expect(savedFiles()).toEqual([`${recognized.json.taskId}-subject.png`]);
		const bytes = fs.readFileSync(path.join(state.filesFolder, savedFiles()[0]));
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	}),
);

test(
	'recognize-images: three images, one item each, in order, succeeded',
	withLogTail(async () => {
		const runData = await examples.executeHeadless(state.n8n, state.prepared.workflows['recognize-images']);
		const items = examples.lastItems(runData, 'Recognize subject').map((item) => item.json);
		expect(items.map((item) => [item.imageUrl.split('/').pop(), item.status])).toEqual([
			['portrait.jpg', 'succeeded'],
			['street.jpg', 'succeeded'],
			['dancer.png', 'succeeded'],
		]);
	}),
);

test.each([
	['text-to-video', 'Text to video', 'video/mp4', /-video\.mp4$/],
	['reference-to-image', 'Reference to image', 'image/png', /-image\.png$/],
	['music-batch', 'Text to music', 'audio/mpeg', /-music\.mp3$/],
])('%s: every result file saved in ~/.n8n-files', (name, nodeName, mimeType, fileNamePattern) =>
	withLogTail(async () => {
		const runData = await examples.executeHeadless(state.n8n, state.prepared.workflows[name]);
		const items = examples.lastItems(runData, nodeName);
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) {
			expect(item.json.status).toBe('succeeded');
			expect(item.binary.data.mimeType).toBe(mimeType);
			expect(item.binary.data.fileName).toMatch(fileNamePattern);
		}
		expect(savedFiles()).toEqual(items.map((item) => item.binary.data.fileName).sort());
	})(),
);

test(
	'file-to-url: files from the inbox uploaded to storage, ToMoviee given their public URLs, the masks saved',
	withLogTail(async () => {
		const inbox = path.join(state.filesFolder, 'inbox');
		fs.mkdirSync(inbox, { recursive: true });
		const names = ['beach.png', 'city.png'];
		for (const [index, name] of names.entries()) fs.writeFileSync(path.join(inbox, name), makeMaskPng(String(index), 32 + index));
		const from = state.sim.requests.length;
		const runData = await examples.executeHeadless(state.n8n, state.prepared.workflows['file-to-url']);

		for (const name of names) {
			expect(state.sim.storedFiles.get(name)?.bytes.equals(fs.readFileSync(path.join(inbox, name)))).toBe(true);
		}
		const sent = state.sim.requests.slice(from).filter((request) => request.path.endsWith('/tm_reference_img2mask'));
		expect(sent.map((request) => request.body.template_info[0].input_params.init_image).sort()).toEqual(
			names.map((name) => `${state.simUrl}/storage/${name}`),
		);
		const items = examples.lastItems(runData, 'Recognize edges');
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(savedFiles()).toEqual(items.map((item) => item.binary.data.fileName).sort());
	}),
);

test(
	'submit-with-callback and continue-on-callback: one trigger execution per submitted task, with its pass-through data',
	withLogTail(async () => {
		const trigger = state.prepared.workflows['continue-on-callback'];
		const webhookId = trigger.nodes.find((node) => node.webhookId).webhookId;
		await n8nLib.activateWorkflow(state.client, trigger.id);
		await n8nLib.waitForWebhook(state.n8n.baseUrl, `${webhookId}/callback`);
		const runData = await examples.executeHeadless(state.n8n, state.prepared.workflows['submit-with-callback']);
		const submitted = examples.lastItems(runData, 'Submit (callback)').map((item) => item.json);
		expect(submitted).toHaveLength(3);

		const executions = await n8nLib.waitForExecutions(state.client, trigger.id, submitted.length, { timeoutMs: 60_000 });
		const continued = [];
		for (const execution of executions) {
			const details = await n8nLib.getExecution(state.client, execution.id);
			continued.push(n8nLib.nodeOutputJson(details, 'Mask ready')[0]);
		}
		expect(continued.map((item) => item.taskId).sort()).toEqual(submitted.map((item) => item.taskId).sort());
		expect(continued.map((item) => item.imageId).sort()).toEqual(['img-001', 'img-002', 'img-003']);
		for (const item of continued) expect(item).toMatchObject({ status: 'succeeded', maskUrl: expect.stringContaining(state.simUrl) });
	}),
);
