'use strict';
/**
 * Drives a throwaway real n8n 2.41.1 for end-to-end tests. Runs under Node 20; n8n itself runs
 * on the Node 24 that test/tools/ensure-n8n.sh installs into a cache outside the repo.
 *
 *   const n8n = await startN8n({ packageDir });        // package.json + dist/ of a built package
 *   await n8n.cli(['import:workflow', '--input=wf.json']);
 *   const client = await setupOwner(n8n.baseUrl);       // cookie session for /rest/...
 *   await n8n.cleanup();                                // stop + delete the throwaway folder
 *
 * Measured on 2.41.1:
 * - CLI commands work while `n8n start` runs (SQLite in WAL mode, no lock errors), but they act on
 *   the database only: `import:workflow` of an already active workflow, `publish:workflow` and
 *   `unpublish:workflow` take effect in the running server after a restart() (webhooks are
 *   registered at start). `execute` starts its own task-runner broker, so cli() gives every
 *   command a free broker port of its own.
 * - A symlink at <userFolder>/.n8n/nodes/node_modules/<name> is loaded as an installed community
 *   package; no package.json listing it is needed.
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

let cachedInstall;

/** Paths of the Node 24 binary and n8n's bin script; installs them on first use (minutes). */
function resolveN8nInstall() {
	if (cachedInstall) return cachedInstall;
	let node = process.env.TOMOVIEE_NODE24_BIN;
	let n8n = process.env.TOMOVIEE_N8N_BIN;
	if (!node || !n8n) {
		// ensure-n8n.sh is a no-op when the cache is warm; its progress lines go to our stderr
		const exports = execFileSync('bash', [ENSURE_SCRIPT], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		node = exportedValue(exports, 'TOMOVIEE_NODE24_BIN');
		n8n = exportedValue(exports, 'TOMOVIEE_N8N_BIN');
	}
	cachedInstall = { node, n8n, nodeModules: path.resolve(path.dirname(n8n), '../..') };
	return cachedInstall;
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

function n8nEnv({ userFolder, port, brokerPort, extraEnv }) {
	const { node } = resolveN8nInstall();
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
		N8N_DISABLED_MODULES: 'mcp-registry', // otherwise it reaches out to the internet at start
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

function spawnN8nStart(env, logFile) {
	const { node, n8n } = resolveN8nInstall();
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

async function waitUntilReady(baseUrl, child, logFile) {
	const deadline = Date.now() + START_TIMEOUT_MS;
	let exited;
	child.exitState.then((state) => (exited = state));
	while (Date.now() < deadline) {
		if (exited) {
			await sleep(200); // let the last log lines land
			throw new Error(`n8n exited during start (${JSON.stringify(exited)}). Log tail:\n${tailOfFile(logFile)}`);
		}
		if (await isReady(baseUrl)) return;
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
 * Starts `n8n start` in a throwaway user folder with `packageDir` installed as a community package.
 * Returns { baseUrl, port, userFolder, logFile, env, stop, restart, cleanup, logTail, cli }.
 */
async function startN8n({ packageDir, port, env: extraEnv = {}, userFolder } = {}) {
	const ownsUserFolder = !userFolder;
	userFolder ??= fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-n8n-'));
	if (packageDir) linkCommunityPackage(userFolder, packageDir);

	port ??= await freePort();
	const env = n8nEnv({ userFolder, port, brokerPort: await freePort(), extraEnv });
	const baseUrl = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	let child;

	async function start() {
		child = spawnN8nStart(env, logFile);
		try {
			await waitUntilReady(baseUrl, child, logFile);
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

	return {
		baseUrl,
		port,
		userFolder,
		logFile,
		env,
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
		/** Runs `n8n <args>` against the same user folder and database; never throws on exit codes. */
		async cli(args, { timeoutMs = CLI_TIMEOUT_MS } = {}) {
			const { node, n8n } = resolveN8nInstall();
			const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await freePort()) };
			return runFile(node, [n8n, ...args], { cwd: userFolder, env: cliEnv, timeout: timeoutMs });
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
	// n8n stores run data in the `flatted` format; use n8n's own copy of the parser
	return require(require.resolve('flatted', { paths: [resolveN8nInstall().nodeModules] }));
}

/** An execution with its run data parsed: { id, status, ..., data: IRunExecutionData }. */
async function getExecution(client, executionId) {
	const execution = await client.rest('GET', `/executions/${executionId}`);
	const data = typeof execution.data === 'string' ? flatted().parse(execution.data) : execution.data;
	return { ...execution, data };
}

/** The `json` of every item a node output on its first output in its last run. */
function nodeOutputJson(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${execution.id}`);
	const items = runs[runs.length - 1].data?.main?.[0] ?? [];
	return items.map((item) => item.json);
}

// ---------------------------------------------------------------- CLI output

/**
 * The JSON document that `n8n execute --rawOutput` prints after its log lines: the block that
 * ends last, from a line starting with `{` or `[` to a line ending with `}` or `]`.
 */
function rawOutputJson(stdout) {
	const lines = stdout.split('\n');
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
	resolveN8nInstall,
	startN8n,
	waitForWebhook,
	createRestClient,
	setupOwner,
	login,
	createCredential,
	testCredential,
	activateWorkflow,
	listExecutions,
	countExecutions,
	waitForExecutions,
	getExecution,
	nodeOutputJson,
	rawOutputJson,
	RestError,
};
