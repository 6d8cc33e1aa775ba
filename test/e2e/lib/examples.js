'use strict';
/**
 * The files in examples/ as a given n8n and simulator need them: the same workflows, with the
 * placeholders a user replaces (the simulator credential's Base URL, the Docker image's file
 * folder, the storage upload URL, the callback URL of a local n8n) pointed at this run's
 * simulator, home folder and n8n. Used by the examples e2e and `npm run demo`.
 */
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '../../../examples');
const CREDENTIAL_FILE = 'tomoviee-simulator.credential.json';
/** `~/.n8n-files` (n8n 2.x's default N8N_RESTRICT_FILE_ACCESS_TO) in n8n's Docker image. */
const DOCKER_FILES_FOLDER = '/home/node/.n8n-files';
const STORAGE_PLACEHOLDER = 'https://storage.example.com/uploads/';
const LOCAL_N8N_WEBHOOKS = 'http://localhost:5678/webhook/';

function workflowFileNames() {
	return fs
		.readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.workflow.json'))
		.sort();
}

function readExample(file) {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

/**
 * Imports the example credential and workflows (all, or `names` without `.workflow.json`) into
 * `n8n` with the CLI, with this run's places; resolves to the workflows by name. `credentialData`
 * overrides the credential's fields; `filesFolder`: what `~/.n8n-files` is for this n8n;
 * `storageUrl`: where uploads go; `webhookBase`: `<n8n>/webhook/`; `images`: replaces the Image
 * list nodes' images.
 */
async function importExamples(n8n, { credentialData, filesFolder, storageUrl, webhookBase, images, names }) {
	const credentials = readExample(CREDENTIAL_FILE);
	credentials[0].data = { ...credentials[0].data, ...credentialData };
	const credentialFile = path.join(n8n.userFolder, CREDENTIAL_FILE);
	fs.writeFileSync(credentialFile, JSON.stringify(credentials));
	const workflowsDir = path.join(n8n.userFolder, 'workflows');
	fs.mkdirSync(workflowsDir, { recursive: true });
	const workflows = {};
	for (const file of names ? names.map((name) => `${name}.workflow.json`) : workflowFileNames()) {
		let text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
		if (filesFolder) text = text.split(DOCKER_FILES_FOLDER).join(filesFolder);
		if (storageUrl) text = text.split(STORAGE_PLACEHOLDER).join(storageUrl);
		if (webhookBase) text = text.split(LOCAL_N8N_WEBHOOKS).join(webhookBase);
		const workflow = JSON.parse(text);
		for (const node of workflow.nodes) {
			if (images && node.name === 'Image list') node.parameters.jsonOutput = JSON.stringify({ images }, null, 2);
		}
		fs.writeFileSync(path.join(workflowsDir, file), JSON.stringify(workflow));
		workflows[file.replace('.workflow.json', '')] = workflow;
	}
	for (const args of [
		['import:credentials', `--input=${credentialFile}`],
		['import:workflow', '--separate', `--input=${workflowsDir}`],
	]) {
		const result = await n8n.cli(args);
		if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-3000)}`);
	}
	return workflows;
}

/**
 * Runs a workflow the way "Execute workflow" would, in an `n8n execute` process of its own;
 * resolves to the run ({ id, data }, for nodeItems() of ./n8n), or throws with the failing node's message.
 */
async function executeHeadless(n8n, workflow) {
	const result = await n8n.execute(workflow.id);
	const resultData = result.json?.data?.resultData;
	if (result.code !== 0 || !resultData || resultData.error) {
		const reason = resultData?.error?.message ?? (result.stdout + result.stderr).slice(-3000);
		throw new Error(`workflow "${workflow.name}" failed: ${reason}`);
	}
	return { id: workflow.name, data: result.json.data };
}

module.exports = { CREDENTIAL_FILE, workflowFileNames, readExample, importExamples, executeHeadless };
