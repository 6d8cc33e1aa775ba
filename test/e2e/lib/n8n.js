'use strict';
/**
 * Drives a throwaway real n8n for end-to-end tests: 2.41.1 on Node 24 (the default) or 1.123.81 on
 * Node 22 (`version: '1'`). Runs under Node 20; n8n itself runs on the Node that
 * test/tools/ensure-n8n.sh installs next to it, in a cache outside the repo.
 *
 *   const n8n = await startN8n({ packageDir });                 // package.json + dist/ of a built package
 *   const n8n1 = await startN8n({ packageTarball, version: '1' }); // `npm install` of an `npm pack` output
 *   await n8n.cli(['import:workflow', '--input=wf.json']);
 *   const client = await setupOwner(n8n.baseUrl);                // cookie session for /rest/...
 *   await n8n.cleanup();                                         // stop + delete the throwaway folder
 *
 * Measured on 2.41.1:
 * - CLI commands work while `n8n start` runs (SQLite in WAL mode, no lock errors), but they act on
 *   the database only: `import:workflow` of an already active workflow, `publish:workflow` and
 *   `unpublish:workflow` take effect in the running server after a restart() (webhooks are
 *   registered at start). `execute` starts its own task-runner broker, so cli() gives every
 *   command a free broker port of its own.
 * - A symlink at <userFolder>/.n8n/nodes/node_modules/<name> is loaded as an installed community
 *   package; no package.json listing it is needed.
 * Where 1.123.81 differs (handled here):
 * - `N8N_DISABLED_MODULES=mcp-registry` stops it at start (unknown module): not set there.
 * - /healthz/readiness answers before /rest/owner/setup exists: start() also waits for the
 *   "Editor is now accessible via" log line.
 * - CLI activation is `update:workflow --id=X --active=true` (2.x: `publish:workflow --id=X`);
 *   see activateByCli(). The REST routes these helpers use (owner setup, login, credentials and
 *   their test, POST /workflows/:id/activate with versionId, executions and their stop) are the
 *   same on both lines.
 */
const { spawn, execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const ENSURE_SCRIPT = path.join(REPO_ROOT, 'test/tools/ensure-n8n.sh');
const ENCRYPTION_KEY = 'tomoviee-e2e-fixed-encryption-key';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const CLI_TIMEOUT_MS = 180_000;

const DEFAULT_OWNER = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2eOwner-Passw0rd',
};

// ---------------------------------------------------------------- install

/** What ensure-n8n.sh exports for each n8n line (its first argument is the line or a version). */
const N8N_LINES = {
	2: { nodeVar: 'TOMOVIEE_NODE24_BIN', n8nVar: 'TOMOVIEE_N8N_BIN' },
	1: { nodeVar: 'TOMOVIEE_NODE22_BIN', n8nVar: 'TOMOVIEE_N8N1_BIN' },
};

/** 1 or 2, from a line ('1', 2) or an exact version ('1.123.81'); undefined means 2. */
function n8nMajor(version = '2') {
	const major = Number(String(version).split('.')[0]);
	if (!N8N_LINES[major]) throw new Error(`no n8n line for version "${version}": use 1, 2 or an exact 1.x/2.x version`);
	return major;
}

const cachedInstalls = new Map();

/**
 * Paths of n8n's bin script and the Node it runs on, for `version` (a line '1'/'2' or an exact
 * version; default 2.41.1); installs them on first use (minutes). Resolves to
 * { node, n8n, nodeModules, version, major }.
 */
function resolveN8nInstall(version) {
	const key = String(version ?? '2');
	if (cachedInstalls.has(key)) return cachedInstalls.get(key);
	const major = n8nMajor(key);
	const { nodeVar, n8nVar } = N8N_LINES[major];
	// exported variables name a line's pinned version: an exact version always asks the script
	let node = key.includes('.') ? undefined : process.env[nodeVar];
	let n8n = key.includes('.') ? undefined : process.env[n8nVar];
	if (!node || !n8n) {
		// ensure-n8n.sh is a no-op when the cache is warm; its progress lines go to our stderr
		const exports = execFileSync('bash', [ENSURE_SCRIPT, key], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		node = exportedValue(exports, nodeVar);
		n8n = exportedValue(exports, n8nVar);
	}
	const nodeModules = path.resolve(path.dirname(n8n), '../..');
	const installed = JSON.parse(fs.readFileSync(path.join(nodeModules, 'n8n/package.json'), 'utf8')).version;
	const install = { node, n8n, nodeModules, version: installed, major };
	cachedInstalls.set(key, install);
	return install;
}

function exportedValue(shellExports, name) {
	const match = new RegExp(`^export ${name}=(.*)$`, 'm').exec(shellExports);
	if (!match) throw new Error(`ensure-n8n.sh printed no ${name}:\n${shellExports}`);
	return match[1].replace(/^'(.*)'$/, '$1');
}

// ---------------------------------------------------------------- process

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

function readPackageName(packageDir) {
	const { name } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(name)) {
		throw new Error(`n8n only loads packages named n8n-nodes-* or @scope/n8n-nodes-*, not "${name}"`);
	}
	return name;
}

/** Installs the package the way n8n finds community packages: under .n8n/nodes/node_modules. */
function linkCommunityPackage(userFolder, packageDir) {
	const target = path.join(userFolder, '.n8n/nodes/node_modules', readPackageName(packageDir));
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });
	fs.symlinkSync(path.resolve(packageDir), target, 'dir');
}

/**
 * The command that installs a community package by hand without a second n8n-workflow: npm (7+)
 * installs peer dependencies by default, and the copy it puts in ~/.n8n/nodes/node_modules is the
 * one `require('n8n-workflow')` finds from the package, not n8n's own. `--omit=peer` leaves it out.
 */
const COMMUNITY_INSTALL_ARGS = ['install', '--omit=peer', '--no-audit', '--no-fund'];

/**
 * Installs a packed package (`npm pack` output) the way a self-hoster does by hand:
 * `cd <userFolder>/.n8n/nodes && npm install --omit=peer <tarball>`, with npm running on the Node
 * that runs n8n. Resolves to the installed folder (a real folder, not a link).
 */
async function npmInstallCommunityPackage(userFolder, tarball, { node } = resolveN8nInstall()) {
	const nodesDir = path.join(userFolder, '.n8n/nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	// npm run / npx export their config (the repo's ignore-scripts, prefix...): keep it out
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
	env.PATH = `${path.dirname(node)}${path.delimiter}${process.env.PATH}`;
	const result = await runFile('npm', [...COMMUNITY_INSTALL_ARGS, path.resolve(tarball)], {
		cwd: nodesDir,
		env,
		timeout: CLI_TIMEOUT_MS,
	});
	if (result.code !== 0) {
		throw new Error(`npm install of ${tarball} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
	}
	const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
	const [name] = Object.keys(dependencies);
	return path.join(nodesDir, 'node_modules', name);
}

function n8nEnv({ install, userFolder, port, brokerPort, extraEnv }) {
	const { node, major } = install;
	// Jest sets NODE_ENV=test, and n8n 2.41.1 then exits at start with code 1 and no output.
	const inherited = { ...process.env };
	delete inherited.NODE_ENV;
	return {
		...inherited,
		// n8n starts its task runner with the Node found on PATH
		PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1', // resume and webhook URLs then point at the address n8n listens on
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		// 2.x reaches out to the internet at start otherwise; 1.123 refuses to start with it (unknown module)
		...(major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		N8N_SECURE_COOKIE: 'false', // the session cookie travels over plain http
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...extraEnv,
	};
}

function tailOfFile(file, lines = 60) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function isProcessGroupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalProcessGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

/** Stops n8n and its task runner: SIGTERM to the process group, SIGKILL if it lingers. */
async function killProcessGroup(pgid) {
	signalProcessGroup(pgid, 'SIGTERM');
	const deadline = Date.now() + STOP_TIMEOUT_MS;
	while (isProcessGroupAlive(pgid) && Date.now() < deadline) await sleep(100);
	if (!isProcessGroupAlive(pgid)) return;
	signalProcessGroup(pgid, 'SIGKILL');
	while (isProcessGroupAlive(pgid)) await sleep(50);
}

function spawnN8nStart({ node, n8n }, env, logFile) {
	const log = fs.openSync(logFile, 'a');
	// detached: its own process group, so stop() reaches the task runner too
	const child = spawn(node, [n8n, 'start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		detached: true,
		stdio: ['ignore', log, log],
	});
	fs.closeSync(log);
	child.exitState = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	return child;
}

async function isReady(baseUrl) {
	try {
		const response = await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
		return response.status === 200;
	} catch {
		return false;
	}
}

function logSince(file, offset) {
	try {
		const fd = fs.openSync(file, 'r');
		try {
			const length = Math.max(0, fs.fstatSync(fd).size - offset);
			const buffer = Buffer.alloc(length);
			fs.readSync(fd, buffer, 0, length, offset);
			return buffer.toString('utf8');
		} finally {
			fs.closeSync(fd);
		}
	} catch {
		return '';
	}
}

/**
 * Ready: /healthz/readiness answers 200 and, when `editorLineAfter` (a log offset) is given, the
 * log has printed "Editor is now accessible via" since then (1.123 answers readiness before its
 * REST routes exist).
 */
async function waitUntilReady(baseUrl, child, logFile, { editorLineAfter } = {}) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	let exited;
	child.exitState.then((state) => (exited = state));
	while (Date.now() < deadline) {
		if (exited) {
			await sleep(200); // let the last log lines land
			throw new Error(`n8n exited during start (${JSON.stringify(exited)}). Log tail:\n${tailOfFile(logFile)}`);
		}
		const editorUp =
			editorLineAfter === undefined || logSince(logFile, editorLineAfter).includes('Editor is now accessible via');
		if (editorUp && (await isReady(baseUrl))) return;
		await sleep(250);
	}
	throw new Error(`n8n was not ready within ${START_TIMEOUT_MS / 1000} s. Log tail:\n${tailOfFile(logFile)}`);
}

function runFile(file, args, options) {
	return new Promise((resolve) => {
		execFile(file, args, { maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({ code, stdout, stderr });
		});
	});
}

/**
 * Starts `n8n start` in a throwaway user folder with the package installed as a community package:
 * `packageDir` (a built package folder) is linked in, or `packageTarball` (an `npm pack` output) is
 * installed with npm the way the README tells self-hosters (npmInstallCommunityPackage).
 * `version`: '2' (default, 2.41.1), '1' (1.123.81) or an exact version.
 * Returns { baseUrl, port, userFolder, logFile, env, version, major, packagePath, stop, restart,
 * cleanup, logTail, logOffset, logSince, cli, execute, activateByCli }.
 */
async function startN8n({ packageDir, packageTarball, version, port, env: extraEnv = {}, userFolder } = {}) {
	const install = resolveN8nInstall(version);
	const ownsUserFolder = !userFolder;
	userFolder ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-n8n-'));
	let packagePath;
	if (packageTarball) {
		packagePath = await npmInstallCommunityPackage(userFolder, packageTarball, install);
	} else if (packageDir) {
		linkCommunityPackage(userFolder, packageDir);
		packagePath = path.join(userFolder, '.n8n/nodes/node_modules', readPackageName(packageDir));
	}

	port ??= await freePort();
	const env = n8nEnv({ install, userFolder, port, brokerPort: await freePort(), extraEnv });
	const baseUrl = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	let child;

	async function start() {
		const logOffset = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
		child = spawnN8nStart(install, env, logFile);
		try {
			await waitUntilReady(baseUrl, child, logFile, install.major < 2 ? { editorLineAfter: logOffset } : {});
		} catch (error) {
			await killProcessGroup(child.pid);
			throw error;
		}
	}

	async function stop() {
		if (!child) return;
		const stopping = child;
		child = undefined;
		await killProcessGroup(stopping.pid);
		await stopping.exitState;
	}

	await start();

	/** Runs `n8n <args>` against the same user folder and database; never throws on exit codes. */
	async function cli(args, { timeoutMs = CLI_TIMEOUT_MS } = {}) {
		const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
		return runFile(install.node, [install.n8n, ...args], { cwd: userFolder, env: cliEnv, timeout: timeoutMs });
	}

	return {
		baseUrl,
		port,
		userFolder,
		logFile,
		env,
		version: install.version,
		major: install.major,
		packagePath,
		stop,
		async restart() {
			await stop();
			await start();
		},
		/** Stops n8n and deletes the user folder if startN8n created it. */
		async cleanup() {
			await stop();
			if (ownsUserFolder) fs.rmSync(userFolder, { recursive: true, force: true });
		},
		logTail: (lines = 60) => tailOfFile(logFile, lines),
		/** The log's current length: pass it to logSince() to read what n8n logs from now on. */
		logOffset: () => (fs.existsSync(logFile) ? fs.statSync(logFile).size : 0),
		logSince: (offset) => logSince(logFile, offset),
		cli,
		/**
		 * `n8n execute --id=<id> --rawOutput` in a process of its own (same database; both lines
		 * take only --id). Resolves to { code, stdout, stderr, json }: json is the run data document
		 * it prints (undefined when there is none, e.g. the run failed before it).
		 */
		async execute(workflowId, options) {
			const result = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], options);
			let json;
			try {
				json = rawOutputJson(result.stdout);
			} catch {
				json = undefined;
			}
			return { ...result, json };
		},
		/**
		 * Marks a workflow active in the database with the CLI: `publish:workflow --id` in 2.x,
		 * `update:workflow --id --active=true` in 1.x. Like every CLI change it takes effect in the
		 * running server after restart(); activateWorkflow() (REST) acts at once.
		 */
		activateByCli(workflowId) {
			return cli(
				install.major >= 2
					? ['publish:workflow', `--id=${workflowId}`]
					: ['update:workflow', `--id=${workflowId}`, '--active=true'],
			);
		},
	};
}

// ---------------------------------------------------------------- webhooks

/**
 * Waits until n8n has registered a production POST webhook. `webhookPath` is what follows
 * /webhook/ (`<path>` for the Webhook node, `<webhookId>/<path>` for a node with a webhookId).
 * Registration lags /healthz/readiness, and a GET answers "Did you mean to make a POST request?"
 * only once the POST webhook exists.
 */
async function waitForWebhook(baseUrl, webhookPath, { timeoutMs = 30_000 } = {}) {
	const url = `${baseUrl}/webhook/${webhookPath.replace(/^\/?(webhook\/)?/, '')}`;
	const deadline = Date.now() + timeoutMs;
	let lastAnswer = '';
	while (Date.now() < deadline) {
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
			lastAnswer = `${response.status} ${await response.text()}`;
			if (lastAnswer.includes('Did you mean to make a POST request')) return url;
		} catch (error) {
			lastAnswer = String(error);
		}
		await sleep(200);
	}
	throw new Error(`webhook ${url} was not registered within ${timeoutMs} ms; last answer: ${lastAnswer}`);
}

// ---------------------------------------------------------------- REST

class RestError extends Error {
	constructor(method, restPath, status, body) {
		super(`${method} ${restPath} answered ${status}: ${JSON.stringify(body)}`);
		this.status = status;
		this.body = body;
	}
}

/**
 * A client for n8n's internal /rest API that keeps the session cookie. rest() resolves to the
 * `data` of n8n's `{ data }` envelope and throws a RestError (with .status, .body) on non-2xx.
 */
function createRestClient(baseUrl) {
	let cookie = '';
	// The session token is bound to the browser-id sent at login, so send the same one always.
	const browserId = 'tomoviee-e2e';

	/** Any path of the server (e.g. /types/nodes.json) with the session; resolves to the parsed JSON. */
	async function request(method, urlPath, body) {
		const headers = { 'browser-id': browserId };
		if (cookie) headers.cookie = cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${baseUrl}${urlPath}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const authCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (authCookie) cookie = authCookie.split(';')[0];
		const text = await response.text();
		let parsed;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			parsed = text;
		}
		if (!response.ok) throw new RestError(method, urlPath, response.status, parsed);
		return parsed;
	}

	async function rest(method, restPath, body) {
		const parsed = await request(method, `/rest${restPath}`, body);
		return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
	}

	return { baseUrl, rest, request };
}

/** Creates the instance owner (first call on a fresh instance) and logs in as them. */
async function setupOwner(baseUrl, owner = DEFAULT_OWNER) {
	const client = createRestClient(baseUrl);
	await client.rest('POST', '/owner/setup', owner);
	return login(baseUrl, owner, client);
}

async function login(baseUrl, { email, password } = DEFAULT_OWNER, client = createRestClient(baseUrl)) {
	const user = await client.rest('POST', '/login', { emailOrLdapLoginId: email, password });
	return { ...client, user };
}

/** Creates a credential in the owner's personal project; resolves to { id, name, type, ... }. */
async function createCredential(client, { name, type, data }) {
	return client.rest('POST', '/credentials', { name, type, data });
}

/**
 * Runs n8n's credential test (the editor's "Test" button) on a stored credential, the way the
 * editor does: it sends the form's data with secrets redacted, and n8n restores them from the
 * stored values. `data` overrides single fields (e.g. a wrong key). 2.41.1 only tests stored
 * credentials. Resolves to { status: 'OK' | 'Error', message }.
 */
async function testCredential(client, { id, data = {} }) {
	const stored = await client.rest('GET', `/credentials/${id}?includeData=true`);
	const credentials = { id, name: stored.name, type: stored.type, data: { ...stored.data, ...data } };
	return client.rest('POST', '/credentials/test', { credentials });
}

/**
 * Creates a workflow (POST /rest/workflows); resolves to it with its id. `major`: the n8n line
 * (n8n.major): 1.123 needs `active` in the body (else SQLITE_CONSTRAINT on workflow_entity.active),
 * 2.x takes activation through publishing only.
 */
async function createWorkflow(client, workflow, { major = 2 } = {}) {
	return client.rest('POST', '/workflows', major < 2 ? { active: false, ...workflow } : workflow);
}

/**
 * Publishes (activates) a workflow in the running n8n, which registers its webhooks at once;
 * `n8n publish:workflow` only takes effect after a restart.
 */
async function activateWorkflow(client, workflowId) {
	const { versionId } = await client.rest('GET', `/workflows/${workflowId}`);
	return client.rest('POST', `/workflows/${workflowId}/activate`, { versionId });
}

// ---------------------------------------------------------------- executions

/** Finished executions (any status but new/running) of a workflow, newest first, at most 100. */
async function listExecutions(client, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const page = await client.rest('GET', `/executions?filter=${filter}&limit=100`);
	return {
		count: page.count,
		finished: page.results.filter((e) => e.status !== 'new' && e.status !== 'running'),
		results: page.results,
	};
}

/** Number of finished executions of a workflow (executions are saved once they finish). */
async function countExecutions(client, workflowId) {
	return (await listExecutions(client, workflowId)).count;
}

/** Polls until a workflow has at least `count` finished executions; resolves to that list. */
async function waitForExecutions(client, workflowId, count, { timeoutMs = 30_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const { finished } = await listExecutions(client, workflowId);
		if (finished.length >= count) return finished;
		if (Date.now() > deadline) {
			throw new Error(`workflow ${workflowId} has ${finished.length} finished executions, expected ${count}`);
		}
		await sleep(250);
	}
}

function flatted() {
	// n8n stores run data in the `flatted` format; use n8n's own copy of the parser (any line's:
	// a 1.x-only run must not install 2.x for it)
	const install = cachedInstalls.values().next().value ?? resolveN8nInstall();
	return require(require.resolve('flatted', { paths: [install.nodeModules] }));
}

/** An execution with its run data parsed: { id, status, ..., data: IRunExecutionData }. */
async function getExecution(client, executionId) {
	const execution = await client.rest('GET', `/executions/${executionId}`);
	const data = typeof execution.data === 'string' ? flatted().parse(execution.data) : execution.data;
	return { ...execution, data };
}

/**
 * Stops a running or waiting execution (the editor's Stop button): POST /rest/executions/:id/stop.
 * n8n marks it canceled in the database at once on both lines; the node that was running learns it
 * through its execution cancel signal, and the execution is saved again once that node returns.
 */
async function stopExecution(client, executionId) {
	return client.rest('POST', `/executions/${executionId}/stop`);
}

/** Polls a workflow's newest execution until `accept(execution)`; resolves to it. */
async function waitForLatestExecution(client, workflowId, accept, { timeoutMs = 60_000, describe = 'the expected state' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const [latest] = (await listExecutions(client, workflowId)).results;
		if (latest && accept(latest)) return latest;
		if (Date.now() > deadline) {
			throw new Error(`the newest execution of workflow ${workflowId} is ${latest ? latest.status : 'missing'}, expected ${describe}`);
		}
		await sleep(200);
	}
}

/** The `json` of every item a node output on its first output in its last run. */
function nodeOutputJson(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${execution.id}`);
	const items = runs[runs.length - 1].data?.main?.[0] ?? [];
	return items.map((item) => item.json);
}

// ---------------------------------------------------------------- plain HTTP

/** POSTs JSON (or a raw string) and resolves to { status, text, json } (json undefined if not JSON). */
async function postJson(url, body, { headers = {} } = {}) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

/**
 * Wraps a test body so a failure carries the end of n8n's log (most real-n8n failures are
 * explained there). `getN8n` returns the running instance (or undefined).
 */
function withLogTail(getN8n, run, lines = 40) {
	return async (...args) => {
		try {
			await run(...args);
		} catch (error) {
			const n8n = getN8n();
			if (n8n && error && typeof error === 'object') {
				// debug lines (when the instance logs at debug) would crowd out the rest
				const tail = n8n
					.logTail(lines * 20)
					.split('\n')
					.filter((line) => !/^\S+ \| debug \|/.test(line))
					.slice(-lines)
					.join('\n');
				error.message += `\n\n--- end of the n8n log (${n8n.logFile}) ---\n${tail}`;
			}
			throw error;
		}
	};
}

// ---------------------------------------------------------------- CLI output

/**
 * The JSON document that `n8n execute --rawOutput` prints after its log lines: the block that
 * ends last, from a line starting with `{` or `[` to a line ending with `}` or `]`. At log level
 * debug n8n prints it through its logger: the first line prefixed with `<time> | info  | `, the
 * last one followed by the log metadata (` {"file":"base-command.js",...}`).
 */
function rawOutputJson(stdout) {
	const lines = stdout
		.split('\n')
		.map((line) =>
			line
				.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z \| \w+ *\| (?=[[{])/, '')
				.replace(/^([\]}]) \{"file":"[^"]*".*\}$/, '$1'),
		);
	const starts = lines.flatMap((line, index) => (/^[[{]/.test(line) ? [index] : []));
	const ends = lines.flatMap((line, index) => (/[\]}]\s*$/.test(line) ? [index] : []));
	for (const end of ends.reverse()) {
		for (const start of starts.filter((index) => index <= end)) {
			try {
				return JSON.parse(lines.slice(start, end + 1).join('\n'));
			} catch {
				// not a whole document; try the next candidate
			}
		}
	}
	throw new Error(`no JSON document in n8n output:\n${stdout.slice(-2000)}`);
}

module.exports = {
	DEFAULT_OWNER,
	COMMUNITY_INSTALL_ARGS,
	n8nMajor,
	resolveN8nInstall,
	npmInstallCommunityPackage,
	startN8n,
	waitForWebhook,
	createRestClient,
	setupOwner,
	login,
	createCredential,
	testCredential,
	createWorkflow,
	activateWorkflow,
	listExecutions,
	countExecutions,
	waitForExecutions,
	getExecution,
	stopExecution,
	waitForLatestExecution,
	nodeOutputJson,
	rawOutputJson,
	postJson,
	withLogTail,
	RestError,
};
