'use strict';
/**
 * Loads, in this process: the repo's TypeScript (nodes, credentials, test harness) through a
 * transpile-only require hook, and n8n's HTTP Request node from the cached n8n 2.41.1, with
 * `n8n-workflow` / `n8n-core` always resolved to the repo's copy so both nodes run through one
 * engine (one WorkflowExecute, one NodeApiError class, one expression engine).
 */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { resolveN8nInstall } = require('../e2e/lib/n8n');

const REPO = path.resolve(__dirname, '../..');
const SHARED = ['n8n-workflow', 'n8n-core'];

function installTsHook() {
	const ts = require(require.resolve('typescript', { paths: [REPO] }));
	const options = {
		module: ts.ModuleKind.CommonJS,
		target: ts.ScriptTarget.ES2022,
		esModuleInterop: true,
		resolveJsonModule: true,
		sourceMap: false,
		inlineSourceMap: false,
	};
	require.extensions['.ts'] = (module, filename) => {
		const source = fs.readFileSync(filename, 'utf8');
		const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
		module._compile(outputText, filename);
	};
}

function installSharedResolution() {
	const original = Module._resolveFilename;
	const fromRepo = new Map();
	Module._resolveFilename = function (request, parent, ...rest) {
		const root = SHARED.find((name) => request === name || request.startsWith(`${name}/`));
		if (root && !(parent && parent.filename && parent.filename.startsWith(path.join(REPO, 'node_modules', root)))) {
			if (!fromRepo.has(request)) fromRepo.set(request, original.call(this, request, { id: REPO, filename: path.join(REPO, 'index.js'), paths: Module._nodeModulePaths(REPO) }, ...rest));
			return fromRepo.get(request);
		}
		return original.call(this, request, parent, ...rest);
	};
}

let loaded;
/**
 * `oursFrom`: another checkout whose nodes/ and credentials/ stand in for this repo's (A/B runs of
 * a proposed patch, `--ours-from DIR`); the harness, engine and HTTP Request node stay the same.
 */
function load(oursFrom) {
	if (loaded) return loaded;
	const OURS = oursFrom ? path.resolve(oursFrom) : REPO;
	installTsHook();
	installSharedResolution();
	const harness = require(path.join(REPO, 'test/harness/index.ts'));
	const { ToMoviee } = require(path.join(OURS, 'nodes/ToMoviee/ToMoviee.node.ts'));
	const { ToMovieeApi } = require(path.join(OURS, 'credentials/ToMovieeApi.credentials.ts'));
	const httpPath = path.join(resolveN8nInstall().nodeModules, 'n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js');
	const { HttpRequest } = require(httpPath);
	const workflowFromRepo = require.resolve('n8n-workflow', { paths: [REPO] });
	const workflowFromHttp = Module._resolveFilename('n8n-workflow', require.cache[httpPath]);
	if (workflowFromRepo !== workflowFromHttp) throw new Error(`two n8n-workflow copies: ${workflowFromRepo} vs ${workflowFromHttp}`);
	loaded = { oursFrom: OURS, harness, ToMoviee, ToMovieeApi, HttpRequest, httpPath, n8nWorkflow: workflowFromRepo };
	return loaded;
}

module.exports = { load, REPO };
