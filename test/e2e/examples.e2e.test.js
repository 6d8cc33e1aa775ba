'use strict';
/**
 * Every workflow in examples/, checked against what a default n8n 2.41.1 loaded, then imported and
 * run against the simulator as a user would after installing the package: no
 * N8N_RESTRICT_FILE_ACCESS_TO override, so files can only be written inside `~/.n8n-files` (this
 * n8n's HOME is a throwaway folder). The placeholders a user replaces are pointed at this run
 * (lib/examples.js). queue-mode-dedupe needs PostgreSQL and runs in the queue-mode stage.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const fx = require('./lib/fixtures');
const { nodeItems, nodeOutputJson } = require('./lib/n8n');
const examples = require('./lib/examples');
const { useStack } = require('./lib/stack');
const { makeMaskPng } = require('../simulator/png');

jest.setTimeout(240_000);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-home-'));
// The folder exists, as on an install that follows the README (created, or a mounted volume).
const filesFolder = path.join(home, '.n8n-files');
fs.mkdirSync(filesFolder);
const credentialData = examples.readExample(examples.CREDENTIAL_FILE)[0].data;
const stack = useStack({
	sim: { taskDurationMs: 300, appKey: credentialData.appKey, appSecret: credentialData.appSecret, wsid: credentialData.wsid },
	env: { HOME: home },
	credential: false,
});
const { withLogTail } = stack;
let workflows;
/** Files the workflows saved: everything in ~/.n8n-files but the inbox. */
const savedFiles = () => fs.readdirSync(filesFolder).filter((name) => name !== 'inbox').sort();
const run = (name) => examples.executeHeadless(stack.n8n, workflows[name]);

beforeAll(async () => {
	const places = { filesFolder, storageUrl: `${stack.simUrl}/storage/`, webhookBase: `${stack.n8n.baseUrl}/webhook/` };
	workflows = await examples.importExamples(stack.n8n, { credentialData: { baseUrl: stack.simUrl }, ...places });
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
beforeEach(() => {
	for (const name of savedFiles()) fs.rmSync(path.join(filesFolder, name));
});

test(
	'every node type/version exists and every ToMoviee parameter and option is a real one',
	withLogTail(async () => {
		const types = await stack.client.request('GET', '/types/nodes.json');
		const credentials = examples.readExample(examples.CREDENTIAL_FILE);
		expect(credentials.map((credential) => credential.type)).toEqual([fx.CREDENTIAL_TYPE]);
		expect(Object.keys(credentials[0].data).sort()).toEqual(['appKey', 'appSecret', 'baseUrl', 'wsid']);
		const files = examples.workflowFileNames();
		expect(files.length).toBeGreaterThan(0);
		for (const file of files) {
			const workflow = examples.readExample(file);
			expect([file, workflow.id.length <= 21]).toEqual([file, true]);
			for (const node of workflow.nodes) {
				const versions = types.filter((type) => type.name === node.type).flatMap((type) => [type.version].flat());
				expect([file, node.name, versions.includes(node.typeVersion)]).toEqual([file, node.name, true]);
				if (!node.type.startsWith(`${fx.PACKAGE_NAME}.`)) continue;
				const { properties } = types.find((type) => type.name === node.type);
				const names = new Set(properties.map((property) => property.name));
				for (const key of Object.keys(node.parameters)) expect([file, key, names.has(key)]).toEqual([file, key, true]);
				const optionNames = new Set(properties.filter((property) => property.name === 'options').flatMap((property) => property.options.map((option) => option.name)));
				for (const key of Object.keys(node.parameters.options ?? {})) expect([file, `options.${key}`, optionNames.has(key)]).toEqual([file, `options.${key}`, true]);
				expect(Object.keys(node.credentials)).toEqual([fx.CREDENTIAL_TYPE]);
				expect(node.credentials[fx.CREDENTIAL_TYPE].id).toBe(credentials[0].id);
			}
		}
	}),
);

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
		const [recognized] = nodeItems(await run('first-mask'), 'Recognize subject');
		expect(recognized.json).toMatchObject({ status: 'succeeded', controlType: '2', imageUrl: 'https://example.com/images/portrait.jpg' });
		expect(recognized.binary.data).toMatchObject({ mimeType: 'image/png', fileName: `${recognized.json.taskId}-subject.png` });
		expect(savedFiles()).toEqual([`${recognized.json.taskId}-subject.png`]);
		expect(fs.readFileSync(path.join(filesFolder, savedFiles()[0])).subarray(1, 4).toString('latin1')).toBe('PNG');
	}),
);

test(
	'recognize-images: three images, one item each, in order, succeeded',
	withLogTail(async () => {
		const items = nodeOutputJson(await run('recognize-images'), 'Recognize subject');
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
		const items = nodeItems(await run(name), nodeName);
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) {
			expect(item.json.status).toBe('succeeded');
			expect(item.binary.data).toMatchObject({ mimeType, fileName: expect.stringMatching(fileNamePattern) });
		}
		expect(savedFiles()).toEqual(items.map((item) => item.binary.data.fileName).sort());
	})(),
);

test(
	'file-to-url: files from the inbox uploaded to storage, ToMoviee given their public URLs, the masks saved',
	withLogTail(async () => {
		const inbox = path.join(filesFolder, 'inbox');
		fs.mkdirSync(inbox, { recursive: true });
		const names = ['beach.png', 'city.png'];
		for (const [index, name] of names.entries()) fs.writeFileSync(path.join(inbox, name), makeMaskPng(String(index), 32 + index));
		const from = stack.sim.requests.length;
		const items = nodeItems(await run('file-to-url'), 'Recognize edges');
		for (const name of names) expect(stack.sim.storedFiles.get(name)?.bytes.equals(fs.readFileSync(path.join(inbox, name)))).toBe(true);
		const sent = stack.requestsSince(from, (request) => request.path.endsWith('/tm_reference_img2mask'));
		expect(sent.map((request) => request.body.template_info[0].input_params.init_image).sort()).toEqual(names.map((name) => `${stack.simUrl}/storage/${name}`));
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(savedFiles()).toEqual(items.map((item) => item.binary.data.fileName).sort());
	}),
);

test(
	'submit-with-callback and continue-on-callback: one trigger execution per submitted task, with its pass-through data',
	withLogTail(async () => {
		const trigger = workflows['continue-on-callback'];
		await stack.client.activate(trigger.id);
		await stack.webhook(`${trigger.nodes.find((node) => node.webhookId).webhookId}/callback`);
		const submitted = nodeOutputJson(await run('submit-with-callback'), 'Submit (callback)');
		expect(submitted).toHaveLength(3);
		const continued = [];
		for (const { id } of await stack.client.waitForExecutions(trigger.id, submitted.length, { timeoutMs: 60_000 })) {
			continued.push(nodeOutputJson(await stack.client.execution(id), 'Mask ready')[0]);
		}
		expect(continued.map((item) => item.taskId).sort()).toEqual(submitted.map((item) => item.taskId).sort());
		expect(continued.map((item) => item.imageId).sort()).toEqual(['img-001', 'img-002', 'img-003']);
		for (const item of continued) expect(item).toMatchObject({ status: 'succeeded', maskUrl: expect.stringContaining(stack.simUrl) });
	}),
);
