'use strict';
/**
 * What the real-n8n tests, the demo and the benches put into n8n: the package (staged as npm
 * would install it, or packed) and the workflows, built from one set of node builders. Node
 * types and parameters are the package's public surface as n8n sees it.
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

// ---------------------------------------------------------------- the package

/**
 * The package the way `npm install` leaves it: package.json plus the published files and no
 * node_modules, so `require('n8n-workflow')` must resolve to n8n's own copy. Resolves to { dir, remove }.
 * TOMOVIEE_E2E_PACKAGE_DIR (e.g. an unpacked `npm pack`) replaces the repo's build.
 */
function stagePackage() {
	const prepared = process.env.TOMOVIEE_E2E_PACKAGE_DIR;
	if (prepared) return { dir: path.resolve(prepared), remove: () => {} };
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist/nodes/ToMoviee/ToMoviee.node.js'))) {
		process.stderr.write('[e2e] dist/ is missing: running `npm run build`\n');
		execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
	}
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-package-'));
	const target = path.join(dir, PACKAGE_NAME);
	for (const entry of ['package.json', 'dist', 'README.md', 'LICENSE']) {
		const source = path.join(REPO_ROOT, entry);
		if (fs.existsSync(source)) fs.cpSync(source, path.join(target, entry), { recursive: true });
	}
	return { dir: target, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `npm pack` of the staged package, the tarball a registry would serve: { tarball, remove }. */
function packPackage() {
	const staged = stagePackage();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-pack-'));
	const remove = () => {
		fs.rmSync(dir, { recursive: true, force: true });
		staged.remove();
	};
	try {
		const packed = execFileSync('npm', ['pack', '--json', '--silent', '--pack-destination', dir], {
			cwd: staged.dir,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		return { tarball: path.join(dir, path.basename(JSON.parse(packed)[0].filename)), remove };
	} catch (error) {
		remove();
		throw error;
	}
}

// ---------------------------------------------------------------- nodes

const TYPE_VERSIONS = { 'n8n-nodes-base.webhook': 2, 'n8n-nodes-base.set': 3.4, 'n8n-nodes-base.httpRequest': 4.2, 'n8n-nodes-base.removeDuplicates': 2 };

/** A node of `type` (its usual typeVersion); workflow() places it. */
function node(name, type, parameters = {}, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion: TYPE_VERSIONS[type] ?? 1, position: [0, 0], parameters, ...extra };
}

const credentialRef = (credential) => ({ [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } });

/** A Webhook node on POST /webhook/<path>; `respond: 'lastNode'` answers with every item of the last node. */
function webhookIn(webhookPath, { name = 'Images In', respond = 'onReceived' } = {}) {
	const parameters = { httpMethod: 'POST', path: webhookPath, responseMode: respond, options: {} };
	if (respond === 'lastNode') parameters.responseData = 'allEntries';
	return node(name, 'n8n-nodes-base.webhook', parameters, { webhookId: crypto.randomUUID() });
}

const splitOut = (field = 'body.images') => node('Split Out', 'n8n-nodes-base.splitOut', { fieldToSplitOut: field, options: {} });
const noOp = (name = 'Done') => node(name, 'n8n-nodes-base.noOp');

/** A ToMoviee action node with `parameters`; `extra` adds node settings (onError, retryOnFail...). */
const toMoviee = (credential, name, parameters, extra = {}) => node(name, ACTION_TYPE, parameters, { credentials: credentialRef(credential), ...extra });

/**
 * Image Recognition › Recognize of `$json.url`. `wait`: 'poll', 'callback' or false (submit only).
 */
function recognize(credential, { name = 'Recognize', wait = 'poll', controlType = '2', options = {}, ...extra } = {}) {
	return toMoviee(
		credential,
		name,
		{
			resource: 'imageRecognition',
			operation: 'recognize',
			imageUrl: '={{ $json.url }}',
			controlType,
			waitForCompletion: Boolean(wait),
			...(wait ? { waitMethod: wait } : {}),
			options,
		},
		extra,
	);
}

/** The ToMoviee Trigger; its callback URL is /webhook/<webhookId>/callback. */
function trigger(credential, { webhookId = crypto.randomUUID(), options = {} } = {}) {
	return node('ToMoviee Trigger', TRIGGER_TYPE, { options }, { webhookId, credentials: credentialRef(credential) });
}

/** An HTTP Request node POSTing {executionId, items} to `url` once per run, so a counter sees each run of the tail. */
function reportRun(url, name = 'Report') {
	return node(
		name,
		'n8n-nodes-base.httpRequest',
		{
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ executionId: $execution.id, items: $input.all().length }) }}',
			options: {},
		},
		{ executeOnce: true },
	);
}

/**
 * Workflow `name` of `nodes`, each connected to the next unless `connections` is given.
 */
function workflow(name, nodes, connections) {
	nodes.forEach((entry, index) => (entry.position = [index * 220, 0]));
	if (!connections) {
		connections = {};
		for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** POST {"images":[{id, url}]} to /webhook/<path> -> Split Out -> `nodes`. */
const imageBatch = (name, webhookPath, nodes, { respond } = {}) => workflow(name, [webhookIn(webhookPath, { respond }), splitOut(), ...nodes]);

/**
 * The batch that waits: images -> Recognize (`wait`: 'callback' parks the execution until ToMoviee
 * calls its resume URL; 'poll') -> Done -> optionally `reportUrl` once per run.
 */
function waitingBatch(credential, { name, webhookPath, wait = 'callback', timeout = 120, options = {}, reportUrl, ...extra }) {
	const nodes = [recognize(credential, { wait, options: { timeout, ...options }, ...extra }), noOp()];
	if (reportUrl) nodes.push(reportRun(reportUrl));
	return imageBatch(name, webhookPath, nodes);
}

/** ToMoviee Trigger -> Done. */
const triggerWorkflow = (credential, { name, webhookId, options }) => workflow(name, [trigger(credential, { webhookId, options }), noOp()]);

module.exports = {
	REPO_ROOT, PACKAGE_NAME, ACTION_TYPE, TRIGGER_TYPE, CREDENTIAL_TYPE, stagePackage, packPackage, node, credentialRef, webhookIn, splitOut, noOp,
	toMoviee, recognize, trigger, workflow, imageBatch, waitingBatch, triggerWorkflow,
};
