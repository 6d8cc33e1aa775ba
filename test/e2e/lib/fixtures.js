'use strict';
/**
 * Workflows and helpers for the real-n8n e2e suite. Node types and parameters are the package's
 * public surface as n8n sees it (`n8n-nodes-tomoviee.toMoviee`, `...toMovieeTrigger`).
 */
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const PACKAGE_NAME = 'n8n-nodes-tomoviee';
const ACTION_TYPE = `${PACKAGE_NAME}.toMoviee`;
const TRIGGER_TYPE = `${PACKAGE_NAME}.toMovieeTrigger`;
const CREDENTIAL_TYPE = 'toMovieeApi';

/**
 * Stages the package the way `npm install` would leave it: package.json plus the published
 * files, and no node_modules, so `require('n8n-workflow')` must resolve to n8n's own copy.
 */
function stagePackage() {
	// A package folder prepared elsewhere (e.g. an unpacked `npm pack`) replaces the repo's build.
	const prepared = process.env.TOMOVIEE_E2E_PACKAGE_DIR;
	if (prepared) return { dir: path.resolve(prepared), remove: () => {} };
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-package-'));
	const target = path.join(dir, PACKAGE_NAME);
	fs.mkdirSync(target);
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist/nodes/ToMoviee/ToMoviee.node.js'))) {
		process.stderr.write('[e2e] dist/ is missing: running `npm run build`\n');
		execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
	}
	for (const entry of ['package.json', 'dist', 'README.md', 'LICENSE']) {
		const source = path.join(REPO_ROOT, entry);
		if (fs.existsSync(source)) fs.cpSync(source, path.join(target, entry), { recursive: true });
	}
	return {
		dir: target,
		remove: () => fs.rmSync(dir, { recursive: true, force: true }),
	};
}

/**
 * `npm pack` of the staged package: the tarball a registry would serve, for installing the package
 * with npm the way self-hosters do. Resolves to { tarball, remove }.
 */
function packPackage() {
	const staged = stagePackage();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-pack-'));
	try {
		const packed = execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', dir], {
			cwd: staged.dir,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const [{ filename }] = JSON.parse(packed);
		return {
			tarball: path.join(dir, path.basename(filename)),
			remove: () => {
				fs.rmSync(dir, { recursive: true, force: true });
				staged.remove();
			},
		};
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		staged.remove();
		throw error;
	}
}

/** base64url(HMAC-SHA256(appSecret, pathname)), the trigger's documented URL signature. */
function signPath(secret, pathname) {
	return crypto.createHmac('sha256', secret).update(pathname).digest('base64url');
}

function credentialRef(credential) {
	return { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
}

/** Webhook node that answers with every item of the last node, so a POST runs the workflow. */
function webhookNode(name, webhookPath, webhookId) {
	return {
		id: `${webhookId}-node`,
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode: 'lastNode',
			responseData: 'allEntries',
			options: {},
		},
	};
}

function splitOutNode(field) {
	return {
		id: 'split-out',
		name: 'Split Out',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [200, 0],
		parameters: { fieldToSplitOut: field, options: {} },
	};
}

function chain(names) {
	const connections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = {
			main: [[{ node: names[i + 1], type: 'main', index: 0 }]],
		};
	}
	return connections;
}

/**
 * POST {"images":[{"id","url"}]} -> Split Out -> ToMoviee recognize (wait on, continue on fail).
 * The webhook answers with the ToMoviee node's items.
 */
function recognizeWorkflow(credential) {
	const nodes = [
		webhookNode('Images In', 'e2e-recognize', '7a1c2f0e-0000-4000-8000-00000000e2e1'),
		splitOutNode('body.images'),
		{
			id: 'recognize',
			name: 'Recognize',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			onError: 'continueRegularOutput',
			credentials: credentialRef(credential),
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '2',
				waitForCompletion: true,
				options: { pollInterval: 0.2, timeout: 60 },
			},
		},
	];
	return {
		name: 'e2e recognize batch',
		nodes,
		connections: chain(nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
	};
}

/** POST {"images":[...]} -> Split Out -> ToMoviee submit with a callback to the trigger, no wait. */
function submitWithCallbackWorkflow(credential, callbackUrl) {
	const nodes = [
		webhookNode('Images In', 'e2e-submit', '7a1c2f0e-0000-4000-8000-00000000e2e2'),
		splitOutNode('body.images'),
		{
			id: 'submit',
			name: 'Submit',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			credentials: credentialRef(credential),
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '0',
				waitForCompletion: false,
				options: {
					callbackUrl,
					passThrough: '={{ JSON.stringify({ imageId: $json.id }) }}',
				},
			},
		},
	];
	return {
		name: 'e2e submit with callback',
		nodes,
		connections: chain(nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
	};
}

/** ToMoviee Trigger -> No Operation. */
function triggerWorkflow(credential, { name, webhookId, options = {} }) {
	const nodes = [
		{
			id: `${webhookId}-node`,
			name: 'ToMoviee Trigger',
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId,
			credentials: credentialRef(credential),
			parameters: { options },
		},
		{
			id: `${webhookId}-noop`,
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		},
	];
	return {
		name,
		nodes,
		connections: chain(nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
	};
}

/**
 * An HTTP Request node that POSTs {executionId, items} to `url` once per run of its node
 * (executeOnce), so a counter sees how often the workflow's tail ran.
 */
function reportRunNode(name, url) {
	return {
		id: `${name.toLowerCase().replace(/\W+/g, '-')}-report`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [800, 0],
		executeOnce: true,
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ executionId: $execution.id, items: $input.all().length }) }}',
			options: {},
		},
	};
}

/**
 * POST {"images":[{"id","url"}]} (answered at once) -> Split Out -> ToMoviee recognize, waiting with
 * `waitMethod` ('callback': parks the execution until ToMoviee calls its resume URL; 'poll') ->
 * Done (No Operation) -> optionally `reportUrl` once per run (reportRunNode).
 */
function waitingRecognizeWorkflow(
	credential,
	{ name, webhookPath, waitMethod = 'callback', timeout = 120, pollInterval, onError, reportUrl, options = {} },
) {
	const nodes = [
		{
			id: `${webhookPath}-in`,
			name: 'Images In',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `${webhookPath}-hook`,
			parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
		},
		splitOutNode('body.images'),
		{
			id: `${webhookPath}-wait`,
			name: 'Recognize',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [400, 0],
			...(onError ? { onError } : {}),
			credentials: credentialRef(credential),
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '2',
				waitForCompletion: true,
				waitMethod,
				options: { timeout, ...(pollInterval ? { pollInterval } : {}), ...options },
			},
		},
		{ id: `${webhookPath}-done`, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
	];
	if (reportUrl) nodes.push(reportRunNode('Report', reportUrl));
	return { name, nodes, connections: chain(nodes.map((node) => node.name)), settings: { executionOrder: 'v1' } };
}

/**
 * Manual Trigger -> the image URLs as items -> ToMoviee recognize (submit only) -> ToMoviee Task ›
 * Get on each task id (wait for completion by polling, continue on fail). For `n8n execute`.
 */
function taskGetWorkflow(credential, imageUrls) {
	const nodes = [
		{ id: 'manual', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: 'images',
			name: 'Images',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [200, 0],
			parameters: {
				mode: 'raw',
				jsonOutput: JSON.stringify({ images: imageUrls.map((url) => ({ url })) }),
				options: {},
			},
		},
		{ ...splitOutNode('images'), position: [400, 0] },
		{
			id: 'submit',
			name: 'Submit',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [600, 0],
			credentials: credentialRef(credential),
			parameters: {
				resource: 'imageRecognition',
				operation: 'recognize',
				imageUrl: '={{ $json.url }}',
				controlType: '1',
				waitForCompletion: false,
				options: {},
			},
		},
		{
			id: 'get',
			name: 'Get Task',
			type: ACTION_TYPE,
			typeVersion: 1,
			position: [800, 0],
			onError: 'continueRegularOutput',
			credentials: credentialRef(credential),
			parameters: {
				resource: 'task',
				operation: 'get',
				taskId: '={{ $json.taskId }}',
				waitForCompletion: true,
				options: { pollInterval: 0.2, timeout: 60 },
			},
		},
	];
	return {
		name: 'e2e task get',
		nodes,
		connections: chain(nodes.map((node) => node.name)),
		settings: { executionOrder: 'v1' },
	};
}

module.exports = {
	REPO_ROOT,
	PACKAGE_NAME,
	ACTION_TYPE,
	TRIGGER_TYPE,
	CREDENTIAL_TYPE,
	stagePackage,
	packPackage,
	signPath,
	credentialRef,
	splitOutNode,
	webhookNode,
	chain,
	recognizeWorkflow,
	submitWithCallbackWorkflow,
	triggerWorkflow,
	reportRunNode,
	waitingRecognizeWorkflow,
	taskGetWorkflow,
};
