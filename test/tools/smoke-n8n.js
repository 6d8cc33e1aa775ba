'use strict';
/**
 * Proves test/e2e/lib/n8n.js against a real n8n 2.41.1 with a throwaway community package
 * (one node, one credential) generated in a temporary folder:
 * load the package, import + publish a webhook workflow, POST to it, read the saved execution,
 * run the package's credential test through REST, run `n8n execute`, list `export:nodes`.
 *
 *   node test/tools/smoke-n8n.js        (first run installs n8n into the cache: minutes)
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const n8nLib = require('../e2e/lib/n8n');

const PACKAGE_NAME = 'n8n-nodes-e2e-probe';
const PROBE_NODE_TYPE = `${PACKAGE_NAME}.e2eProbe`;
const PROBE_API_KEY = 'probe-key-123';

// ---------------------------------------------------------------- throwaway package

const PROBE_NODE_SOURCE = `'use strict';
class E2eProbe {
	constructor() {
		this.description = {
			displayName: 'E2E Probe',
			name: 'e2eProbe',
			group: ['transform'],
			version: 1,
			description: 'Marks items as probed',
			defaults: { name: 'E2E Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'e2eProbeApi', required: false }],
			properties: [],
		};
	}
	async execute() {
		return [this.getInputData().map((item, index) => ({
			json: { ...item.json, probed: true, index },
			pairedItem: { item: index },
		}))];
	}
}
module.exports = { E2eProbe };
`;

// The credential test calls GET <baseUrl>/check with the key in a header, like a real API's test.
const PROBE_CREDENTIAL_SOURCE = `'use strict';
class E2eProbeApi {
	constructor() {
		this.name = 'e2eProbeApi';
		this.displayName = 'E2E Probe API';
		this.properties = [
			{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
			{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		];
		this.authenticate = { type: 'generic', properties: { headers: { 'x-api-key': '={{$credentials.apiKey}}' } } };
		this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/check' } };
	}
}
module.exports = { E2eProbeApi };
`;

function writeProbePackage() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-e2e-probe-'));
	const files = {
		'package.json': JSON.stringify({
			name: PACKAGE_NAME,
			version: '0.0.1',
			n8n: {
				n8nNodesApiVersion: 1,
				nodes: ['dist/nodes/E2eProbe/E2eProbe.node.js'],
				credentials: ['dist/credentials/E2eProbeApi.credentials.js'],
			},
		}),
		'dist/nodes/E2eProbe/E2eProbe.node.js': PROBE_NODE_SOURCE,
		'dist/credentials/E2eProbeApi.credentials.js': PROBE_CREDENTIAL_SOURCE,
	};
	for (const [file, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.writeFileSync(path.join(dir, file), content);
	}
	return dir;
}

// ---------------------------------------------------------------- fixtures

function webhookWorkflow() {
	return {
		id: 'smokeWebhookFlow01',
		name: 'smoke webhook',
		active: false,
		settings: {},
		nodes: [
			{
				id: 'a1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5b0d2a3e-8c53-4c1e-9a57-1f0f5e0c0001',
				parameters: { httpMethod: 'POST', path: 'smoke-probe', responseMode: 'onReceived', options: {} },
			},
			{ id: 'a2', name: 'Probe', type: PROBE_NODE_TYPE, typeVersion: 1, position: [200, 0], parameters: {} },
		],
		connections: { Webhook: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	};
}

function manualWorkflow() {
	return {
		id: 'smokeManualFlow001',
		name: 'smoke manual',
		active: false,
		settings: {},
		nodes: [
			{ id: 'b1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: 'b2', name: 'Probe', type: PROBE_NODE_TYPE, typeVersion: 1, position: [200, 0], parameters: {} },
		],
		connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	};
}

/** A stand-in API for the credential test: 200 with the right key, 401 otherwise. */
async function startFakeApi() {
	const server = http.createServer((req, res) => {
		const ok = req.url === '/check' && req.headers['x-api-key'] === PROBE_API_KEY;
		res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
		res.end(JSON.stringify(ok ? { ok: true } : { message: 'bad key' }));
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, url: `http://127.0.0.1:${server.address().port}` };
}

// ---------------------------------------------------------------- steps

function progress(message) {
	process.stderr.write(`[smoke-n8n] ${message}\n`);
}

async function timed(label, action) {
	const started = Date.now();
	const result = await action();
	progress(`${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	return result;
}

async function importWorkflow(n8n, workflow) {
	const file = path.join(n8n.userFolder, `${workflow.id}.json`);
	fs.writeFileSync(file, JSON.stringify(workflow));
	const result = await n8n.cli(['import:workflow', `--input=${file}`]);
	assert.equal(result.code, 0, `import:workflow failed:\n${result.stdout}\n${result.stderr}`);
}

async function checkWebhookExecution(n8n, client) {
	await importWorkflow(n8n, webhookWorkflow());
	await n8nLib.activateWorkflow(client, webhookWorkflow().id);
	const url = await timed('webhook registered', () => n8nLib.waitForWebhook(n8n.baseUrl, 'smoke-probe'));

	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ hello: 'world' }),
	});
	assert.equal(response.status, 200, await response.text());

	const [execution] = await n8nLib.waitForExecutions(client, webhookWorkflow().id, 1);
	assert.equal(await n8nLib.countExecutions(client, webhookWorkflow().id), 1);
	const details = await n8nLib.getExecution(client, execution.id);
	assert.equal(details.status, 'success');
	const [probed] = n8nLib.nodeOutputJson(details, 'Probe');
	assert.equal(probed.probed, true);
	assert.deepEqual(probed.body, { hello: 'world' });
	progress(`webhook execution ${execution.id} saved with the probe node's output`);
}

async function checkCredentialTest(client) {
	const api = await startFakeApi();
	try {
		const credential = await n8nLib.createCredential(client, {
			name: 'probe',
			type: 'e2eProbeApi',
			data: { baseUrl: api.url, apiKey: PROBE_API_KEY },
		});
		const passing = await n8nLib.testCredential(client, credential);
		assert.equal(passing.status, 'OK', JSON.stringify(passing));
		const failing = await n8nLib.testCredential(client, { id: credential.id, data: { apiKey: "wrong" } });
		assert.equal(failing.status, 'Error', JSON.stringify(failing));
		progress(`credential test: right key -> ${passing.status}, wrong key -> ${failing.status} "${failing.message}"`);
	} finally {
		api.server.close();
	}
}

async function checkCliExecute(n8n) {
	await importWorkflow(n8n, manualWorkflow());
	const result = await timed('n8n execute while n8n runs', () =>
		n8n.cli(['execute', `--id=${manualWorkflow().id}`, '--rawOutput']),
	);
	assert.equal(result.code, 0, `execute failed:\n${result.stdout}\n${result.stderr}`);
	const run = n8nLib.rawOutputJson(result.stdout);
	const [probed] = run.data.resultData.runData.Probe[0].data.main[0];
	assert.equal(probed.json.probed, true);
}

async function checkExportNodes(n8n) {
	const output = path.join(n8n.userFolder, 'nodes.json');
	const result = await timed('export:nodes', () => n8n.cli(['export:nodes', `--output=${output}`]));
	assert.equal(result.code, 0, result.stderr);
	const names = JSON.parse(fs.readFileSync(output, 'utf8')).map((node) => node.name);
	assert.ok(names.includes(PROBE_NODE_TYPE), `${PROBE_NODE_TYPE} missing from export:nodes`);
	progress(`export:nodes lists ${names.length} node types, including ${PROBE_NODE_TYPE}`);
}

async function main() {
	const packageDir = writeProbePackage();
	n8nLib.resolveN8nInstall();
	const n8n = await timed('n8n started', () => n8nLib.startN8n({ packageDir }));
	try {
		const client = await n8nLib.setupOwner(n8n.baseUrl);
		await checkWebhookExecution(n8n, client);
		await checkCredentialTest(client);
		await checkCliExecute(n8n);
		await checkExportNodes(n8n);
		await timed('n8n restarted', () => n8n.restart());
		await n8nLib.waitForWebhook(n8n.baseUrl, 'smoke-probe');
		await timed('n8n stopped', () => n8n.cleanup());
		progress('all checks passed');
	} catch (error) {
		progress(`FAILED; n8n log tail:\n${n8n.logTail(40)}`);
		await n8n.cleanup();
		throw error;
	} finally {
		fs.rmSync(packageDir, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
