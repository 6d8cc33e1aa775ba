'use strict';
/**
 * A throwaway real n8n for the e2e tests, the demo and the benches: 2.41.1 on Node 24 (the
 * default) or 1.123.81 on Node 22 (`version: '1'`), installed by test/tools/ensure-n8n.sh into a
 * cache outside the repo; and a client for its internal /rest API.
 *
 *   const n8n = await startN8n({ packageDir });                   // a built package folder, linked in
 *   const n8n1 = await startN8n({ packageTarball, version: '1' }); // `npm install` of an `npm pack` output
 *   const client = await setupOwner(n8n.baseUrl);                  // cookie session for /rest/...
 *   await n8n.cleanup();                                           // stop + delete the throwaway folder
 *
 * Measured on 2.41.1: CLI commands work while `n8n start` runs (SQLite in WAL mode) but act on the
 * database only (webhooks are registered at start); `execute` starts its own task-runner
 * broker, so cli() gives every command a free broker port. A symlink at
 * <userFolder>/.n8n/nodes/node_modules/<name> is loaded as an installed community package.
 * Where 1.123.81 differs: it refuses N8N_DISABLED_MODULES=mcp-registry; /healthz/readiness answers
 * before /rest/owner/setup exists (start also waits for "Editor is now accessible via"); a new
 * workflow needs `active` in its body.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const proc = require('./process');

const ENSURE_SCRIPT = path.resolve(__dirname, '../../tools/ensure-n8n.sh');
const DEFAULT_OWNER = { email: 'owner@example.com', firstName: 'E2E', lastName: 'Owner', password: 'E2eOwner-Passw0rd' };
/** What ensure-n8n.sh exports for each n8n line (its first argument is the line or a version). */
const N8N_LINES = { 2: { nodeVar: 'TOMOVIEE_NODE24_BIN', n8nVar: 'TOMOVIEE_N8N_BIN' }, 1: { nodeVar: 'TOMOVIEE_NODE22_BIN', n8nVar: 'TOMOVIEE_N8N1_BIN' } };
const installs = new Map();

/**
 * n8n's bin script and the Node it runs on for `version` (a line '1'/'2' or an exact version;
 * default 2.41.1), installed on first use (minutes): { node, n8n, nodeModules, version, major }.
 */
function resolveN8nInstall(version = '2') {
	const key = String(version);
	if (installs.has(key)) return installs.get(key);
	const major = Number(key.split('.')[0]);
	if (!N8N_LINES[major]) throw new Error(`no n8n line for version "${key}": use 1, 2 or an exact 1.x/2.x version`);
	const { nodeVar, n8nVar } = N8N_LINES[major];
	// the exported variables name a line's pinned version: an exact version always asks the script
	let node = key.includes('.') ? undefined : process.env[nodeVar];
	let n8n = key.includes('.') ? undefined : process.env[n8nVar];
	if (!node || !n8n) {
		const exports = execFileSync('bash', [ENSURE_SCRIPT, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
		const value = (name) => new RegExp(`^export ${name}='?(.*?)'?$`, 'm').exec(exports)?.[1];
		[node, n8n] = [value(nodeVar), value(n8nVar)];
		if (!node || !n8n) throw new Error(`ensure-n8n.sh printed no ${nodeVar}/${n8nVar}:\n${exports}`);
	}
	const nodeModules = path.resolve(path.dirname(n8n), '../..');
	const installed = JSON.parse(fs.readFileSync(path.join(nodeModules, 'n8n/package.json'), 'utf8')).version;
	const install = { node, n8n, nodeModules, version: installed, major };
	installs.set(key, install);
	return install;
}

/** The environment n8n runs with; Jest's NODE_ENV=test makes 2.41.1 exit at start without a word. */
function n8nEnv(install, extra) {
	const env = { ...process.env };
	delete env.NODE_ENV;
	return {
		...env,
		PATH: `${path.dirname(install.node)}${path.delimiter}${process.env.PATH}`, // n8n's task runner uses this Node
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1', // resume and webhook URLs then point at the address n8n listens on
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		...(install.major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}), // 2.x goes online at start otherwise
		N8N_SECURE_COOKIE: 'false', // the session cookie travels over plain http
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...extra,
	};
}

/**
 * Installs a packed package the way the README tells self-hosters: `npm install --omit=peer
 * <tarball>` in <userFolder>/.n8n/nodes, npm on n8n's Node (without --omit=peer npm 7+ installs a
 * second n8n-workflow there, which the package would then load instead of n8n's own).
 */
async function npmInstall(userFolder, tarball, install) {
	const nodesDir = path.join(userFolder, '.n8n/nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	// npm run / npx export their config (the repo's ignore-scripts, prefix...): keep it out
	const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
	env.PATH = `${path.dirname(install.node)}${path.delimiter}${process.env.PATH}`;
	const args = ['install', '--omit=peer', '--no-audit', '--no-fund', path.resolve(tarball)];
	const result = await proc.run('npm', args, { cwd: nodesDir, env, timeout: 180_000 });
	if (result.code !== 0) throw new Error(`npm install of ${tarball} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
	const [name] = Object.keys(JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies);
	return path.join(nodesDir, 'node_modules', name);
}

/**
 * Starts `n8n start` in a throwaway user folder with the package installed as a community
 * package: `packageDir` linked in, or `packageTarball` installed with npm. `version`: '2'
 * (default), '1' or an exact version. Resolves to { baseUrl, port, userFolder, logFile, env,
 * version, major, packagePath, pid(), stop, restart, cleanup, logTail, logOffset, logSince, cli,
 * execute }.
 */
async function startN8n({ packageDir, packageTarball, version, env: extraEnv = {} } = {}) {
	const install = resolveN8nInstall(version);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-n8n-'));
	let packagePath;
	if (packageTarball) {
		packagePath = await npmInstall(userFolder, packageTarball, install);
	} else if (packageDir) {
		const { name } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		packagePath = path.join(userFolder, '.n8n/nodes/node_modules', name);
		fs.mkdirSync(path.dirname(packagePath), { recursive: true });
		fs.symlinkSync(path.resolve(packageDir), packagePath, 'dir');
	}
	const port = await proc.freePort();
	const env = n8nEnv(install, {
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'tomoviee-e2e-fixed-encryption-key',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(await proc.freePort()),
		...extraEnv,
	});
	const baseUrl = `http://127.0.0.1:${port}`;
	const logFile = path.join(userFolder, 'n8n.log');
	let child;

	async function start() {
		const logFrom = proc.fileSize(logFile);
		child = await proc.startGroup(install.node, [install.n8n, 'start'], {
			name: 'n8n',
			cwd: userFolder,
			env,
			logFile,
			timeoutMs: 90_000,
			isReady: async () =>
				(install.major >= 2 || proc.logSince(logFile, logFrom).includes('Editor is now accessible via')) &&
				(await fetch(`${baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)),
		});
	}
	async function stop() {
		const stopping = child;
		child = undefined;
		if (stopping) await proc.killGroup(stopping.pid);
	}
	/** `n8n <args>` on the same user folder and database; never throws on exit codes. */
	async function cli(args, { timeoutMs = 180_000 } = {}) {
		const cliEnv = { ...env, N8N_RUNNERS_BROKER_PORT: String(await proc.freePort()) };
		return proc.run(install.node, [install.n8n, ...args], { cwd: userFolder, env: cliEnv, timeout: timeoutMs });
	}

	await start();
	return {
		baseUrl,
		port,
		userFolder,
		logFile,
		env,
		version: install.version,
		major: install.major,
		packagePath,
		/** The `n8n start` process (its memory is what the benches and the download test measure). */
		pid: () => child?.pid,
		stop,
		async restart() {
			await stop();
			await start();
		},
		async cleanup() {
			await stop();
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
		logTail: (lines = 60) => proc.tail(logFile, lines),
		logOffset: () => proc.fileSize(logFile),
		logSince: (offset) => proc.logSince(logFile, offset),
		cli,
		/** `n8n execute --id=<id> --rawOutput`: { code, stdout, stderr, json (the run data, if printed) }. */
		async execute(workflowId) {
			const result = await cli(['execute', `--id=${workflowId}`, '--rawOutput']);
			return { ...result, json: rawOutputJson(result.stdout) };
		},
	};
}

/**
 * The JSON document `n8n execute --rawOutput` prints after its log lines: the last block from a
 * line starting with `{`/`[` to one ending with `}`/`]`. At log level debug n8n prints it through
 * its logger (`<time> | info  | ` before it, ` {"file":...}` metadata after it). Undefined when there is none.
 */
function rawOutputJson(stdout) {
	const lines = stdout
		.split('\n')
		.map((line) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z \| \w+ *\| (?=[[{])/, '').replace(/^([\]}]) \{"file":"[^"]*".*\}$/, '$1'));
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
	return undefined;
}

/**
 * Waits until n8n has registered a production POST webhook (`<path>`, or `<webhookId>/<path>` for
 * a node with a webhookId): registration lags readiness, and a GET answers "Did you mean to make a
 * POST request?" only once it exists. Resolves to its URL.
 */
async function waitForWebhook(baseUrl, webhookPath, { timeoutMs = 30_000 } = {}) {
	const url = `${baseUrl}/webhook/${webhookPath}`;
	let answer = '';
	await proc.until(
		() => `webhook ${url}; last answer: ${answer}`,
		async () => {
			answer = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text(), String);
			return answer.includes('Did you mean to make a POST request');
		},
		{ timeoutMs, pollMs: 200 },
	);
	return url;
}

/** POSTs JSON (or a raw string) and resolves to { status, text, json } (json undefined if not JSON). */
async function postJson(url, body, { headers = {} } = {}) {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, text, json: parseJson(text) };
}

function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

const FINISHED = (execution) => execution && !['new', 'running', 'waiting'].includes(execution.status);

/**
 * A client for n8n's internal /rest API with the session cookie (bound to the browser-id sent at
 * login). rest() resolves to the `data` of n8n's `{ data }` envelope and throws (with .status) on
 * non-2xx; request() reaches any path (e.g. /types/nodes.json).
 */
function createClient(baseUrl, { major = 2 } = {}) {
	let cookie = '';
	async function request(method, urlPath, body) {
		const headers = { 'browser-id': 'tomoviee-e2e', ...(cookie ? { cookie } : {}) };
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const authCookie = response.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (authCookie) cookie = authCookie.split(';')[0];
		const text = await response.text();
		const parsed = text ? (parseJson(text) ?? text) : undefined;
		if (!response.ok) {
			throw Object.assign(new Error(`${method} ${urlPath} answered ${response.status}: ${JSON.stringify(parsed)}`), { status: response.status });
		}
		return parsed;
	}
	async function rest(method, restPath, body) {
		// n8n answers 503 "Database is not ready!" while SQLite is busy (a 10 000-item batch): ask again
		for (let attempt = 1; ; attempt++) {
			try {
				const parsed = await request(method, `/rest${restPath}`, body);
				return parsed && typeof parsed === 'object' && 'data' in parsed ? parsed.data : parsed;
			} catch (error) {
				if (error.status !== 503 || attempt >= 480) throw error;
				await proc.sleep(250);
			}
		}
	}
	const client = {
		baseUrl,
		request,
		rest,
		createCredential: ({ name, type, data }) => rest('POST', '/credentials', { name, type, data }),
		/**
		 * n8n's credential test the way the editor's Test button runs it: the stored data, with
		 * `data` overriding single fields (e.g. a wrong key). Resolves to { status: 'OK' | 'Error', message }.
		 */
		async testCredential({ id, data = {} }) {
			const stored = await rest('GET', `/credentials/${id}?includeData=true`);
			return rest('POST', '/credentials/test', { credentials: { id, name: stored.name, type: stored.type, data: { ...stored.data, ...data } } });
		},
		// 1.123 needs `active` in the body (else SQLITE_CONSTRAINT); 2.x activates by publishing only
		createWorkflow: (workflow) => rest('POST', '/workflows', major < 2 ? { active: false, ...workflow } : workflow),
		/** Publishes a workflow in the running n8n, which registers its webhooks at once. */
		async activate(workflowId) {
			const { versionId } = await rest('GET', `/workflows/${workflowId}`);
			return rest('POST', `/workflows/${workflowId}/activate`, { versionId });
		},
		/** Creates and publishes a workflow; resolves to its id. */
		async createActive(workflow) {
			const { id } = await client.createWorkflow(workflow);
			await client.activate(id);
			return id;
		},
		/** A workflow's executions, newest first (at most 100). */
		async executions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			return (await rest('GET', `/executions?filter=${filter}&limit=100`)).results;
		},
		/** An execution with its run data parsed (n8n stores it in the `flatted` format). */
		async execution(executionId) {
			const execution = await rest('GET', `/executions/${executionId}`);
			return { ...execution, data: typeof execution.data === 'string' ? flatted().parse(execution.data) : execution.data };
		},
		/** Polls until the workflow has `count` finished executions; resolves to them (newest first). */
		waitForExecutions: (workflowId, count, { timeoutMs = 30_000 } = {}) =>
			proc.until(`${count} finished executions of workflow ${workflowId}`, async () => {
				const finished = (await client.executions(workflowId)).filter((e) => e.status !== 'new' && e.status !== 'running');
				return finished.length >= count && finished;
			}, { timeoutMs }),
		/** Polls the workflow's newest execution until `accept(execution)` (default: finished); resolves to it. */
		waitForLatest: (workflowId, accept = FINISHED, { timeoutMs = 60_000 } = {}) =>
			proc.until(`the newest execution of workflow ${workflowId} (${accept.name || 'a state'})`, async () => {
				const [latest] = await client.executions(workflowId);
				return latest && accept(latest) ? latest : undefined;
			}, { timeoutMs, pollMs: 200 }),
	};
	return client;
}

function flatted() {
	// n8n's own copy of the parser (any line's: a 1.x-only run must not install 2.x for it)
	const install = installs.values().next().value ?? resolveN8nInstall();
	return require(require.resolve('flatted', { paths: [install.nodeModules] }));
}

/** Creates the instance owner (first call on a fresh instance) and logs in as them. */
async function setupOwner(baseUrl, options) {
	const client = createClient(baseUrl, options);
	await client.rest('POST', '/owner/setup', DEFAULT_OWNER);
	return login(baseUrl, options, client);
}

async function login(baseUrl, options, client = createClient(baseUrl, options)) {
	client.user = await client.rest('POST', '/login', { emailOrLdapLoginId: DEFAULT_OWNER.email, password: DEFAULT_OWNER.password });
	return client;
}

/** The outputs of a node's last run: [[items of output 0], [items of output 1], ...]. */
function lastRun(execution, nodeName) {
	const runs = execution.data.resultData.runData[nodeName];
	if (!runs) throw new Error(`node "${nodeName}" did not run in execution ${execution.id}`);
	return runs.at(-1).data?.main ?? [];
}
/** Every output of a node's last run, as json: [[output 0], [output 1], ...]. */
const nodeOutputs = (execution, nodeName) => lastRun(execution, nodeName).map((items) => (items ?? []).map((item) => item.json));
/** The items (json and binary) of a node's first output in its last run. */
const nodeItems = (execution, nodeName) => lastRun(execution, nodeName)[0] ?? [];
const nodeOutputJson = (execution, nodeName) => nodeItems(execution, nodeName).map((item) => item.json);

/** Wraps a test body so a failure carries the end of n8n's log, without its debug lines. */
function withLogTail(getN8n, run, lines = 40) {
	return async (...args) => {
		try {
			await run(...args);
		} catch (error) {
			const n8n = getN8n();
			if (n8n && error && typeof error === 'object') {
				const logTail = n8n.logTail(lines * 20).split('\n').filter((line) => !/^\S+ \| debug \|/.test(line));
				error.message += `\n\n--- end of the n8n log (${n8n.logFile}) ---\n${logTail.slice(-lines).join('\n')}`;
			}
			throw error;
		}
	};
}

module.exports = {
	DEFAULT_OWNER, FINISHED, resolveN8nInstall, n8nEnv, startN8n, waitForWebhook, postJson, setupOwner, login, nodeOutputs,
	nodeItems, nodeOutputJson, withLogTail,
};
