'use strict';
/**
 * The editor stage: the package in a real n8n 2.41.1 (test/e2e/lib/n8n.js), the ToMoviee simulator
 * behind the credential, and n8n's editor in Debian's Chromium (puppeteer-core), used the way a
 * no-code builder does: the credential form and its Test, every resource and operation of the
 * ToMoviee node, a Recognize and a Text to Video run from the panel, the ToMoviee Trigger's URL.
 * The tests run in order on one page: each goes on from where the one before left the editor.
 *
 * Screenshots go to $TOMOVIEE_SCREENSHOTS_DIR (`npm run screenshots` sets docs/images), else to a
 * temporary folder that is deleted afterwards.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const n8nLib = require('../e2e/lib/n8n');
const fx = require('../e2e/lib/fixtures');
const { createSimulator } = require('../simulator');
const { launchBrowser } = require('./lib/browser');
const { describedOperations, describedPanel } = require('./lib/describedPanel');
const { EditorPage } = require('./lib/editorPage');
const { NAMED_CAMERA_MOVES, PANELS, URL_HINT } = require('./panels');

const APP_KEY = 'test-key';
const APP_SECRET = 'test-secret';
const IMAGE_URL = 'https://cdn.example.com/photos/dancer.jpg';
const PROMPT = 'A red fox trots through fresh snow at dawn, slow tracking shot, soft golden light';
const REJECTED = 'ToMoviee rejected the app key/secret';

jest.setTimeout(300_000);

const state = {};
const screenshotDir = process.env.TOMOVIEE_SCREENSHOTS_DIR
	? path.resolve(fx.REPO_ROOT, process.env.TOMOVIEE_SCREENSHOTS_DIR)
	: fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-screenshots-'));
const screenshot = (name) => state.editor.screenshot(path.join(screenshotDir, name));

/**
 * A test that goes on from where the one before left the editor and ends with no console errors or uncaught exceptions on the
 * page: a failure carries the n8n log's tail and a screenshot of the editor (kept in the temporary folder), and the tests after
 * a failed one do not start (their failures would only repeat it).
 */
const step = (run) =>
	n8nLib.withLogTail(
		() => state.n8n,
		async () => {
			if (state.failedStep) throw new Error(`not run: the editor is not where it should be after "${state.failedStep}" failed`);
			const errorMark = state.editor.errors.length;
			try {
				await run(state.editor);
				expect(state.editor.errors.slice(errorMark)).toEqual([]);
			} catch (error) {
				state.failedStep = expect.getState().currentTestName;
				const shot = path.join(os.tmpdir(), `tomoviee-editor-failure-${Date.now()}.png`);
				if (await state.editor.page.screenshot({ path: shot }).catch(() => false)) error.message += `\nthe editor then: ${shot}`;
				throw error;
			}
		},
	);

beforeAll(async () => {
	fs.mkdirSync(screenshotDir, { recursive: true });
	state.pkg = fx.stagePackage();
	state.sim = createSimulator({ taskDurationMs: 300, appKey: APP_KEY, appSecret: APP_SECRET });
	state.simUrl = (await state.sim.start(0, '127.0.0.1')).url;
	state.n8n = await n8nLib.startN8n({ packageDir: state.pkg.dir, env: { NODE_ENV: 'production' } });
	const client = await n8nLib.setupOwner(state.n8n.baseUrl);
	// The one thing a user finds already there: a workflow with a manual trigger to build on.
	const start = { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = await client.rest('POST', '/workflows', { name: 'ToMoviee in the editor', nodes: [start], connections: {}, settings: { executionOrder: 'v1' } });
	state.browser = await launchBrowser();
	state.editor = new EditorPage(await state.browser.browser.newPage(), state.n8n.baseUrl);
	await state.editor.signIn(n8nLib.DEFAULT_OWNER);
	await state.editor.openWorkflow(workflow.id);
}, 1_200_000); // a first run installs Chromium, Node 24 and n8n

afterAll(async () => {
	await state.browser?.close();
	await state.n8n?.cleanup();
	await state.sim?.stop();
	state.pkg?.remove();
	if (!process.env.TOMOVIEE_SCREENSHOTS_DIR) fs.rmSync(screenshotDir, { recursive: true, force: true });
	else console.log(`screenshots in ${screenshotDir}`);
});

/** A panel's fields and its Options entries in a stable order. */
const fieldsAndOptions = ({ fields, options }) => ({ fields, options: [...options].sort() });

test("the table of panels is what the node's description shows for each operation", () => {
	const { ToMoviee } = require(path.join(fx.REPO_ROOT, 'dist/nodes/ToMoviee/ToMoviee.node.js'));
	const { description } = new ToMoviee();
	expect(describedOperations(description).sort()).toEqual(Object.keys(PANELS).sort());
	const described = Object.keys(PANELS).map((key) => [key, fieldsAndOptions(describedPanel(description, ...key.split('.')))]);
	expect(Object.fromEntries(described)).toEqual(Object.fromEntries(Object.entries(PANELS).map(([key, panel]) => [key, fieldsAndOptions(panel)])));
});

test(
	"the ToMoviee node is found by name, and its credential form tests the key pair: the package's message for a wrong one, success for the right one",
	step(async (editor) => {
		await editor.addNode({ opener: '[data-test-id="canvas-handle-plus"]', search: 'ToMoviee', action: 'Extract a mask from an image' });
		await editor.page.click('[data-test-id="node-credentials-empty-state"]');
		await editor.page.waitForSelector('[data-test-id="editCredential-modal"]');
		await editor.fill('appKey', APP_KEY);
		await editor.fill('appSecret', 'not-the-secret');
		await editor.fill('baseUrl', state.simUrl);
		await editor.page.click('[data-test-id="credential-save-button"]');
		// n8n tests a credential when it is saved; the details of a failure open on "More details"
		await editor.clickText('[data-test-id="editCredential-modal"] a, [data-test-id="editCredential-modal"] span', 'More details');
		await editor.waitForContent('[data-test-id="node-credentials-config-container"]', REJECTED);

		await editor.fill('appSecret', APP_SECRET);
		await editor.page.click('[data-test-id="credential-save-button"]');
		// a credential that passes its test is saved and the form closes
		await editor.page.waitForSelector('[data-test-id="editCredential-modal"]', { hidden: true });
		await editor.page.click('[data-test-id="credential-edit-button"]');
		await editor.page.waitForSelector('[data-test-id="credentials-config-container-test-success"]', { visible: true });
		// Retry is the form's Test button; while the test runs it shows a spinner instead of its name
		await editor.clickText('[data-test-id="node-credentials-config-container"] button', 'Retry');
		await editor.waitForText('[data-test-id="credentials-config-container-test-success"] button', 'Retry');
		expect(await editor.page.$eval('[data-test-id="node-credentials-config-container"]', (e) => e.innerText)).not.toContain(REJECTED);
		await screenshot('credential.png');
		await editor.page.click('[data-test-id="editCredential-modal"] .el-dialog__headerbtn');
		await editor.page.waitForSelector('[data-test-id="editCredential-modal"]', { hidden: true });
	}),
);

test(
	'every resource and operation shows its own parameters with their labels and hints, and its own Options',
	step(async (editor) => {
		const seen = {};
		for (const [key, panel] of Object.entries(PANELS)) {
			await editor.choose('resource', panel.resource);
			await editor.choose('operation', panel.operation);
			const shown = await editor.shownParameters();
			const options = await editor.optionEntries();
			const menus = {};
			for (const name of Object.keys(panel.menus)) menus[name] = await editor.menuEntries(name);
			seen[key] = { ...fieldsAndOptions({ fields: shown.map((item) => item.label), options }), menus };
			for (const label of panel.fields.filter((field) => field.endsWith(' URL'))) {
				const field = shown.find((item) => item.label === label);
				expect({ key, label, hint: field?.text.includes(URL_HINT), placeholder: field?.placeholder }).toEqual({
					key,
					label,
					hint: true,
					placeholder: expect.stringMatching(/^https:\/\/cdn\.example\.com\//),
				});
			}
		}
		expect(seen).toEqual(Object.fromEntries(Object.entries(PANELS).map(([key, panel]) => [key, { ...fieldsAndOptions(panel), menus: panel.menus }])));
	}),
);

/**
 * Turns Download Result Files on, runs the open node from its panel and checks the first output item: succeeded, a task id of
 * `capability`, the result file (`fileName(taskId)`, `mimeType`) in the Binary tab. Resolves with the table's headers, first
 * row and the task id.
 */
async function runWithDownload(capability, fileName, mimeType, beforeRun = async () => {}) {
	const { editor } = state;
	await editor.addOption('Download Result Files');
	await editor.switchOn('download');
	await beforeRun();
	await editor.executeStep(`${capability}-0-`);
	const { headers, firstRow } = await editor.outputTable();
	expect(firstRow[headers.indexOf('status')]).toBe('succeeded');
	const taskId = firstRow[headers.indexOf('taskId')];
	expect(taskId).toMatch(new RegExp(`^${capability}-0-\\w+$`));
	const file = await editor.outputBinary();
	expect(file).toContain(fileName(taskId));
	expect(file).toContain(mimeType);
	return { headers, firstRow, taskId };
}

test(
	'a one-item Recognize runs from the panel: status, result file and task id first, the mask in the Binary tab',
	step(async (editor) => {
		await editor.choose('resource', 'Image Recognition');
		await editor.choose('operation', 'Recognize');
		await editor.fill('imageUrl', IMAGE_URL);
		const shot = () => screenshot('node-panel.png');
		const { headers, firstRow, taskId } = await runWithDownload('tm_reference_img2mask', (id) => `${id}-edge.png`, 'image/png', shot);
		expect(headers.slice(0, 4)).toEqual(['status', 'resultUrls', 'resultUrlsExpireAt', 'taskId']);
		expect(firstRow[headers.indexOf('resultUrls')]).toContain(`${state.simUrl}/files/${taskId}/0.png`);
		await screenshot('output.png');
		await editor.closePanel();
		// the canvas names the operation and the control type
		const subtitles = await editor.page.$$eval('[data-test-id="canvas-node"]', (nodes) => nodes.map((e) => e.innerText));
		expect(subtitles.some((text) => text.includes('Recognize: edge'))).toBe(true);
	}),
);

test(
	'a one-item Text to Video runs from the panel with a named camera move, the video in the Binary tab',
	step(async (editor) => {
		const node = await editor.page.waitForFunction(() =>
			[...document.querySelectorAll('[data-test-id="canvas-node"]')].find((e) => e.innerText.includes('Recognize: edge')),
		);
		await node.evaluate((e) => e.scrollIntoView());
		await node.asElement().click({ count: 2 });
		await editor.page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]');
		await editor.choose('resource', 'Video');
		await editor.choose('operation', 'Text to Video');
		await editor.fill('prompt', PROMPT);
		await editor.addOption('Camera Move');
		const moves = await editor.menuEntries('cameraMove');
		expect(moves).toHaveLength(46);
		expect(moves.filter((entry) => !/^Preset \d+$/.test(entry))).toEqual(NAMED_CAMERA_MOVES);
		await editor.choose('cameraMove', 'Slow Zoom In (5)');
		await runWithDownload('tm_text2video_b', (id) => `${id}-video.mp4`, 'video/mp4');
		const submit = state.sim.requests.find((request) => request.path.endsWith('/tm_text2video_b'));
		expect(submit.body).toMatchObject({ prompt: PROMPT, camera_move_index: 5 });
		await editor.closePanel();
	}),
);

test(
	'the ToMoviee Trigger shows its Production URL and how to use it',
	step(async (editor) => {
		await editor.addNode({ opener: '[data-test-id="node-creator-plus-button"]', search: 'ToMoviee', category: 'Triggers (1)', action: 'On new ToMoviee event' });
		// the trigger panel (left) says what to do with the node, in the package's words
		const panel = await editor.waitForContent('[data-test-id="ndv"]', 'Waiting for ToMoviee to call back');
		expect(panel).toContain('publish it and use the Production URL as the Callback URL option of your ToMoviee nodes');
		expect(panel).toContain('Copy the Production URL (Webhook URLs above) into the "Callback URL" option of a ToMoviee node');
		await editor.page.click('[data-test-id="node-parameters"] .webhooks .headline');
		await editor.page.click('[data-test-id="node-parameters"] .webhooks [data-test-id="radio-button-production"]');
		const url = await editor.page.waitForFunction(() => {
			const text = document.querySelector('[data-test-id="node-parameters"] .webhooks .webhook-url')?.innerText.trim();
			return text && !text.includes('/webhook-test/') ? text : false;
		});
		expect(await url.jsonValue()).toMatch(new RegExp(`^${state.n8n.baseUrl}/webhook/[0-9a-f-]{36}/callback$`));
		await screenshot('trigger.png');
	}),
);
