'use strict';
/**
 * n8n 2.41.1 in queue mode for the e2e stage and `npm run demo -- --queue`: one main (`n8n start`),
 * one worker (`n8n worker`, default concurrency 10) and two webhook processes (`n8n webhook`),
 * sharing one PostgreSQL database, one Redis, one N8N_ENCRYPTION_KEY and one installed copy of the
 * package, with a small load balancer of our own in front of the webhook processes.
 *
 *   const q = await startQueueMode({ packageDir });
 *   q.balancer.url          // N8N_WEBHOOK_URL: every production and resume URL points here
 *   q.main.baseUrl          // editor + REST (log in with n8nLib.setupOwner(q.main.baseUrl))
 *   q.webhooks[i].baseUrl   // each webhook process directly
 *   await q.cleanup();      // every process, both servers, every folder (also after a failure)
 *
 * Layout of the throwaway folder (q.root):
 *   services/                 PostgreSQL + Redis data (test/tools/ensure-services.sh)
 *   nodes/node_modules/<pkg>  the package, once (a symlink to the staged package folder)
 *   main/ worker/ webhook-1/ webhook-2/
 *                             one N8N_USER_FOLDER per process; each .n8n/nodes is a symlink to
 *                             ../../nodes, so all four load the same installed package
 *
 * Facts this relies on (read in n8n 2.41.1):
 * - EXECUTIONS_MODE=queue puts binary data in the database by default; it is set explicitly
 *   (N8N_DEFAULT_BINARY_DATA_MODE=database) so the stage says what it tests.
 * - N8N_WEBHOOK_URL (WEBHOOK_URL is deprecated in 2.41) is the base of production webhook URLs and of
 *   $execution.resumeUrl (/webhook-waiting/<id>?signature=...).
 * - The worker logs "Worker started execution <id> (job <n>)" for each job it takes (a parked
 *   execution that is resumed is a new job), and "n8n worker is now ready" once it takes jobs.
 * - `n8n webhook` logs "Webhook listener waiting for requests." once it listens.
 * - N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true keeps production webhooks off the main, so every
 *   callback must go through a webhook process.
 * - N8N_BLOCK_ENV_ACCESS_IN_NODE=false and TOMOVIEE_E2E_ROLE=<role> let a Set node record with
 *   `{{ $env.TOMOVIEE_E2E_ROLE }}` which process ran it.
 */
const { spawn, execFile, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const n8nLib = require('./n8n');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const SERVICES_SCRIPT = path.join(REPO_ROOT, 'test/tools/ensure-services.sh');
const ENCRYPTION_KEY = 'tomoviee-queue-e2e-fixed-encryption-key';
const START_TIMEOUT_MS = 180_000; // four n8n processes starting on 2 shared cores
const STOP_TIMEOUT_MS = 20_000;
const READY_LINES = {
	worker: 'n8n worker is now ready',
	webhook: 'Webhook listener waiting for requests',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

function run(file, args, options = {}) {
	return new Promise((resolve) => {
		execFile(file, args, { maxBuffer: 64 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
			resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
		});
	});
}

function readFileOr(file, fallback = '') {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return fallback;
	}
}

function tail(file, lines = 40) {
	return readFileOr(file)
		.split('\n')
		.filter((line) => line.trim() !== '')
		.slice(-lines)
		.join('\n');
}

function percentile(values, p) {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// ---------------------------------------------------------------- PostgreSQL + Redis

function exportedValues(shellExports) {
	const values = {};
	for (const match of shellExports.matchAll(/([A-Z_][A-Z0-9_]*)=('[^']*'|[^\s]*)/g)) {
		values[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
	}
	return values;
}

/** Starts PostgreSQL and Redis in `dir` (installing them first when missing). */
async function startServices(dir) {
	const result = await run('bash', [SERVICES_SCRIPT, 'start', '--dir', dir], { timeout: 600_000 });
	process.stderr.write(result.stderr);
	if (result.code !== 0) throw new Error(`ensure-services.sh start failed (exit ${result.code}):\n${result.stderr}`);
	const values = exportedValues(result.stdout);
	const pg = {
		host: values.TOMOVIEE_PG_HOST,
		port: Number(values.TOMOVIEE_PG_PORT),
		user: values.TOMOVIEE_PG_USER,
		password: values.TOMOVIEE_PG_PASSWORD,
		database: values.TOMOVIEE_PG_DATABASE,
	};
	const redis = { host: values.TOMOVIEE_REDIS_HOST, port: Number(values.TOMOVIEE_REDIS_PORT) };
	if (!pg.port || !redis.port) throw new Error(`ensure-services.sh printed no ports:\n${result.stdout}`);

	/** Runs SQL with psql; resolves to the rows as arrays of strings (unaligned, tab-separated). */
	async function psql(sql, { database = pg.database } = {}) {
		const answer = await run(
			'psql',
			['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', database, '-XqAt', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
			{ env: { ...process.env, PGPASSWORD: pg.password }, timeout: 60_000 },
		);
		if (answer.code !== 0) throw new Error(`psql failed: ${answer.stderr}\n${sql}`);
		return answer.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	return { dir, pg, redis, psql, stop: () => run('bash', [SERVICES_SCRIPT, 'stop', dir], { timeout: 60_000 }) };
}

// ---------------------------------------------------------------- load balancer

/**
 * An HTTP proxy in this process in front of the webhook processes (what nginx or a cloud load
 * balancer does in a real setup). `/webhook/*`, `/webhook-waiting/*` (and `/webhook-test/*`) go to
 * the webhook processes, each request to the next one in turn (one turn counter per path prefix);
 * anything else to the main. A target that refuses the connection is skipped from then on (as a
 * health check would), and the request is sent to the next one; markDown(i) skips one at once.
 *
 * maxInFlightPerTarget: at most that many requests at one webhook process at once, the others
 * wait in the balancer (nginx `max_conns` + queue, HAProxy `maxconn`). n8n 2.41's default
 * expression engine builds a fresh V8 isolate for every webhook request of a community node
 * (about 90 ms CPU and 15 MB each; the warm pool holds one): 100 callbacks at once cost a webhook
 * process 1.3 GB and starved its database pool (answers after 40-90 s, 500/503). Measured here.
 *
 * mirror(request) -> true sends the request to every live webhook process at once (a callback
 * delivered once to each); the answer is the one of the process whose turn it was.
 *
 * Every request is recorded: { method, path, at, ms, status, targets: [{ index, status, ms, error }] }.
 */
function createBalancer({ webhookTargets, mainTarget, mirror = () => false, maxInFlightPerTarget = Infinity }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const down = new Set();
	// Like nginx `max_conns` with a queue: at most this many requests at a webhook process at once.
	const gates = new Map(); // target index -> { active, waiting: [resolve] }
	let peakInFlight = 0;
	async function enter(index) {
		if (index === undefined || !Number.isFinite(maxInFlightPerTarget)) return;
		const gate = gates.get(index) ?? { active: 0, waiting: [] };
		gates.set(index, gate);
		if (gate.active >= maxInFlightPerTarget) await new Promise((resolve) => gate.waiting.push(resolve));
		gate.active++;
		peakInFlight = Math.max(peakInFlight, gate.active);
	}
	function leave(index) {
		const gate = gates.get(index);
		if (!gate) return;
		gate.active--;
		gate.waiting.shift()?.();
	}
	const turns = new Map();
	const records = [];
	let server;
	let url;

	function liveTargets() {
		return webhookTargets.map((target, index) => ({ ...target, index })).filter((t) => !down.has(t.index));
	}

	function nextTargets(prefix) {
		const live = liveTargets();
		if (live.length === 0) return [];
		const turn = turns.get(prefix) ?? 0;
		turns.set(prefix, turn + 1);
		const start = turn % live.length;
		return [...live.slice(start), ...live.slice(0, start)];
	}

	async function forward(target, req, body) {
		await enter(target.index);
		try {
			return await send(target, req, body);
		} finally {
			leave(target.index);
		}
	}

	function send(target, req, body) {
		const started = Date.now();
		return new Promise((resolve) => {
			const headers = { ...req.headers, host: `127.0.0.1:${target.port}` };
			headers['content-length'] = String(body.length);
			delete headers['transfer-encoding'];
			const outgoing = http.request(
				{ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent },
				(res) => {
					const chunks = [];
					res.on('data', (chunk) => chunks.push(chunk));
					res.on('end', () =>
						resolve({ index: target.index, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }),
					);
					res.on('error', (error) =>
						resolve({ index: target.index, error: error.code || error.message, ms: Date.now() - started }),
					);
				},
			);
			outgoing.setTimeout(120_000, () => outgoing.destroy(new Error('balancer: upstream timeout')));
			outgoing.on('error', (error) => resolve({ index: target.index, error: error.code || error.message, ms: Date.now() - started }));
			outgoing.end(body);
		});
	}

	/** Tries the targets in order until one answers; a refused connection marks that target down. */
	async function forwardWithFailover(candidates, req, body, attempts) {
		for (const target of candidates) {
			if (target.index !== undefined && down.has(target.index)) continue;
			const answer = await forward(target, req, body);
			attempts.push({ index: answer.index, status: answer.status, error: answer.error, ms: answer.ms });
			if (!answer.error) return answer;
			if (target.index !== undefined && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(answer.error)) {
				down.add(target.index);
			}
		}
		return undefined;
	}

	async function handle(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const started = Date.now();
		const pathname = req.url.split('?')[0];
		const prefix = /^\/(webhook|webhook-waiting|webhook-test)\//.exec(pathname)?.[1];
		const record = { method: req.method, path: pathname, url: req.url, at: started, targets: [], body: body.subarray(0, 16_384).toString('utf8') };
		records.push(record);
		let answer;
		if (!prefix) {
			answer = await forwardWithFailover([mainTarget], req, body, record.targets);
		} else if (mirror({ method: req.method, path: pathname, url: req.url })) {
			const [primary, ...others] = nextTargets(prefix);
			record.mirrored = true;
			const answers = await Promise.all(
				[primary, ...others].filter(Boolean).map((target) => forwardWithFailover([target], req, body, record.targets)),
			);
			answer = answers.find((a) => a && a.index === primary?.index) ?? answers.find(Boolean);
			if (!answer && primary) {
				// every target failed: one more go at whatever is still live
				answer = await forwardWithFailover(liveTargets(), req, body, record.targets);
			}
		} else {
			answer = await forwardWithFailover(nextTargets(prefix), req, body, record.targets);
		}
		record.ms = Date.now() - started;
		if (!answer) {
			record.status = 502;
			res.writeHead(502, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 502, msg: 'no webhook process answered' }));
			return;
		}
		record.status = answer.status;
		record.index = answer.index;
		const headers = { ...answer.headers };
		delete headers['transfer-encoding'];
		delete headers.connection;
		delete headers['keep-alive'];
		headers['content-length'] = String(answer.body.length);
		res.writeHead(answer.status, headers);
		res.end(answer.body);
	}

	return {
		records,
		get url() {
			return url;
		},
		/** Most requests one webhook process had at once (bounded by maxInFlightPerTarget). */
		get peakInFlight() {
			return peakInFlight;
		},
		down,
		markDown: (index) => down.add(index),
		markUp: (index) => down.delete(index),
		async start(port = 0) {
			server = http.createServer((req, res) => {
				handle(req, res).catch((error) => {
					if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(`balancer error: ${error.message}`);
				});
			});
			server.keepAliveTimeout = 5_000;
			await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
			url = `http://127.0.0.1:${server.address().port}`;
			return url;
		},
		async stop() {
			agent.destroy();
			if (!server) return;
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(() => resolve()));
			server = undefined;
		},
	};
}

/**
 * Latency summary of balancer records: { count, p50, p99, max (answer time as the caller saw it,
 * queueing in the balancer included), serviceP50, serviceP99 (time at the n8n process), byStatus,
 * byTarget }.
 */
function summarizeRecords(records) {
	const ms = records.map((record) => record.ms).filter((value) => value !== undefined);
	const service = records.flatMap((record) => record.targets.map((attempt) => attempt.ms));
	const byStatus = {};
	const byTarget = {};
	for (const record of records) {
		byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
		for (const attempt of record.targets) {
			const key = attempt.index === undefined ? 'main' : `webhook-${attempt.index + 1}`;
			byTarget[key] = (byTarget[key] ?? 0) + 1;
		}
	}
	return {
		count: records.length,
		p50: percentile(ms, 50),
		p99: percentile(ms, 99),
		max: ms.length ? Math.max(...ms) : undefined,
		serviceP50: percentile(service, 50),
		serviceP99: percentile(service, 99),
		byStatus,
		byTarget,
	};
}

// ---------------------------------------------------------------- a counting sink

/**
 * An HTTP server that records every request (the "downstream step" of the workflows points its
 * HTTP Request node here): { method, path, query, headers, body (Buffer), json, at }.
 */
async function startSink() {
	const requests = [];
	const server = http.createServer(async (req, res) => {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const parsed = new URL(req.url, 'http://sink');
		let json;
		if (/json/.test(req.headers['content-type'] ?? '')) {
			try {
				json = JSON.parse(body.toString('utf8'));
			} catch {
				json = undefined;
			}
		}
		requests.push({ method: req.method, path: parsed.pathname, query: Object.fromEntries(parsed.searchParams), headers: req.headers, body, json, at: Date.now() });
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end('{"ok":true}');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${server.address().port}`;
	return {
		url,
		requests,
		on: (pathname) => requests.filter((request) => request.path === pathname),
		async stop() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

// ---------------------------------------------------------------- n8n processes

function isGroupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
	} catch {
		// already gone
	}
}

async function killGroup(pgid, { graceful = true } = {}) {
	if (graceful) {
		signalGroup(pgid, 'SIGTERM');
		const deadline = Date.now() + STOP_TIMEOUT_MS;
		while (isGroupAlive(pgid) && Date.now() < deadline) await sleep(100);
	}
	if (!isGroupAlive(pgid)) return;
	signalGroup(pgid, 'SIGKILL');
	while (isGroupAlive(pgid)) await sleep(50);
}

/** Resident memory (bytes) of every process in each group: Map<pgid, bytes>. */
function groupRss(pgids) {
	const wanted = new Set(pgids);
	const totals = new Map(pgids.map((pgid) => [pgid, 0]));
	const pageSize = 4096;
	let entries = [];
	try {
		entries = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
	} catch {
		return totals;
	}
	for (const pid of entries) {
		const stat = readFileOr(`/proc/${pid}/stat`);
		if (!stat) continue;
		// fields after the command name "(...)": state ppid pgrp ...; rss is field 24 overall
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const pgrp = Number(fields[2]);
		if (!wanted.has(pgrp)) continue;
		totals.set(pgrp, totals.get(pgrp) + Number(fields[21]) * pageSize);
	}
	return totals;
}

/**
 * Starts n8n in queue mode. Options:
 *   packageDir          the staged package (package.json + dist/), linked once for every process
 *   webhookProcesses    2
 *   workerConcurrency   undefined = n8n's default (10)
 *   dbPoolSize          DB_POSTGRESDB_POOL_SIZE of each process (10; n8n's default 2 starves under bursts)
 *   env                 extra environment for every process
 *   mirror              balancer option (see createBalancer)
 *   maxInFlightPerWebhookProcess  balancer option maxInFlightPerTarget (5; Infinity = no limit)
 *   log                 progress lines (default: stderr)
 */
async function startQueueMode({ packageDir, webhookProcesses = 2, workerConcurrency, dbPoolSize = 10, maxInFlightPerWebhookProcess = 5, env: extraEnv = {}, mirror, log } = {}) {
	const say = log ?? ((line) => process.stderr.write(`[queue] ${line}\n`));
	const started = Date.now();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-queue-'));
	fs.chmodSync(root, 0o755); // PostgreSQL runs as the `postgres` user when we are root: it must reach services/
	const processes = []; // { role, name, child, pgid, port, userFolder, logFile, baseUrl }
	let services;
	let balancer;
	let sampler;
	let watcher;
	const peaks = { total: 0, byName: {} };
	const groupsFile = path.join(root, 'process-groups');
	let cleanedUp = false;

	async function cleanup() {
		if (cleanedUp) return;
		cleanedUp = true;
		clearInterval(sampler);
		await Promise.allSettled(processes.map((p) => stopProcess(p)));
		// TOMOVIEE_QUEUE_KEEP_LOGS=<folder>: keep each process log (the rest is deleted)
		const keepLogs = process.env.TOMOVIEE_QUEUE_KEEP_LOGS;
		if (keepLogs) {
			fs.mkdirSync(keepLogs, { recursive: true });
			for (const p of processes) {
				if (fs.existsSync(p.logFile)) fs.copyFileSync(p.logFile, path.join(keepLogs, `${p.name}.log`));
			}
		}
		await balancer?.stop().catch(() => {});
		await services?.stop();
		try {
			watcher?.kill('SIGKILL');
		} catch {
			// gone
		}
		fs.rmSync(root, { recursive: true, force: true });
	}

	async function stopProcess(p, { graceful = true } = {}) {
		if (!p.child) return;
		const child = p.child;
		p.child = undefined;
		await killGroup(child.pid, { graceful });
		await child.exitState;
	}

	try {
		// A detached watcher: when this process dies without cleaning up (a killed test run), it kills
		// the n8n process groups, stops PostgreSQL/Redis and deletes the folder.
		fs.writeFileSync(groupsFile, '');
		watcher = spawn(
			'bash',
			[
				'-c',
				`while kill -0 ${process.pid} 2>/dev/null && [ -d "$1" ]; do sleep 2; done
				[ -d "$1" ] || exit 0
				for g in $(cat "$1/process-groups" 2>/dev/null); do kill -KILL -- "-$g" 2>/dev/null; done
				bash "$2" stop "$1/services" >/dev/null 2>&1
				rm -rf "$1"`,
				'tomoviee-queue-watcher',
				root,
				SERVICES_SCRIPT,
			],
			{ detached: true, stdio: 'ignore' },
		);
		watcher.unref();

		say('PostgreSQL + Redis...');
		services = await startServices(path.join(root, 'services'));

		// the package, installed once
		const nodesDir = path.join(root, 'nodes');
		const { name: packageName } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
		fs.symlinkSync(path.resolve(packageDir), path.join(nodesDir, 'node_modules', packageName), 'dir');

		const { node, n8n } = n8nLib.resolveN8nInstall();
		const roles = [
			{ role: 'main', name: 'main', command: 'start' },
			{ role: 'worker', name: 'worker', command: 'worker', args: workerConcurrency ? [`--concurrency=${workerConcurrency}`] : [] },
			...Array.from({ length: webhookProcesses }, (_, i) => ({ role: 'webhook', name: `webhook-${i + 1}`, command: 'webhook' })),
		];
		for (const spec of roles) {
			const userFolder = path.join(root, spec.name);
			fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
			fs.symlinkSync(nodesDir, path.join(userFolder, '.n8n', 'nodes'), 'dir');
			const port = await freePort();
			processes.push({ ...spec, args: spec.args ?? [], userFolder, port, brokerPort: await freePort(), logFile: path.join(userFolder, 'n8n.log'), baseUrl: `http://127.0.0.1:${port}` });
		}
		const main = processes[0];
		const webhooks = processes.filter((p) => p.role === 'webhook');

		balancer = createBalancer({
			webhookTargets: webhooks.map((p) => ({ port: p.port, name: p.name })),
			mainTarget: { port: main.port, name: main.name },
			mirror,
			maxInFlightPerTarget: maxInFlightPerWebhookProcess,
		});
		const balancerUrl = await balancer.start();

		const inherited = { ...process.env };
		delete inherited.NODE_ENV; // Jest's NODE_ENV=test makes n8n 2.41.1 exit at start without a word
		const sharedEnv = {
			...inherited,
			PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: services.pg.host,
			DB_POSTGRESDB_PORT: String(services.pg.port),
			DB_POSTGRESDB_USER: services.pg.user,
			DB_POSTGRESDB_PASSWORD: services.pg.password,
			DB_POSTGRESDB_DATABASE: services.pg.database,
			// n8n's default pool is 2 connections per process: a burst of webhooks (or a worker at
			// concurrency 10) then waits for connections, times out after 20 s and n8n declares the
			// database down (503 "Database is not ready!"). Measured here with 100 deliveries at once.
			DB_POSTGRESDB_POOL_SIZE: String(dbPoolSize),
			QUEUE_BULL_REDIS_HOST: services.redis.host,
			QUEUE_BULL_REDIS_PORT: String(services.redis.port),
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_WEBHOOK_URL: `${balancerUrl}/`,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			...extraEnv,
		};

		function spawnProcess(p) {
			const env = {
				...sharedEnv,
				N8N_USER_FOLDER: p.userFolder,
				N8N_PORT: String(p.port),
				N8N_RUNNERS_BROKER_PORT: String(p.brokerPort),
				TOMOVIEE_E2E_ROLE: p.role,
				TOMOVIEE_E2E_PROCESS: p.name,
				...(p.role === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(p.port) } : {}),
			};
			p.env = env;
			const logFd = fs.openSync(p.logFile, 'a');
			const child = spawn(node, [n8n, p.command, ...p.args], { cwd: p.userFolder, env, detached: true, stdio: ['ignore', logFd, logFd] });
			fs.closeSync(logFd);
			child.exitState = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
			child.exitState.then((state) => (p.exited = state));
			p.exited = undefined;
			p.child = child;
			p.pgid = child.pid;
			fs.appendFileSync(groupsFile, `${child.pid}\n`);
			return child;
		}

		async function waitReady(p) {
			const deadline = Date.now() + START_TIMEOUT_MS;
			const readyLine = READY_LINES[p.role];
			while (Date.now() < deadline) {
				if (p.exited) {
					await sleep(200);
					throw new Error(`${p.name} exited during start (${JSON.stringify(p.exited)}). Log tail:\n${tail(p.logFile)}`);
				}
				let ready = readyLine ? readFileOr(p.logFile).includes(readyLine) : true;
				if (ready && p.role !== 'worker') {
					try {
						const response = await fetch(`${p.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) });
						ready = response.status === 200;
					} catch {
						ready = false;
					}
				}
				if (ready) return;
				await sleep(250);
			}
			throw new Error(`${p.name} was not ready within ${START_TIMEOUT_MS / 1000} s. Log tail:\n${tail(p.logFile)}`);
		}

		function sample() {
			const live = processes.filter((p) => p.child);
			const rss = groupRss(live.map((p) => p.pgid));
			let total = 0;
			for (const p of live) {
				const bytes = rss.get(p.pgid) ?? 0;
				total += bytes;
				peaks.byName[p.name] = Math.max(peaks.byName[p.name] ?? 0, bytes);
			}
			peaks.total = Math.max(peaks.total, total);
		}
		sampler = setInterval(sample, 500);
		sampler.unref();

		// The main first: it runs the database migrations the others expect.
		say('n8n main (migrations on a fresh database)...');
		spawnProcess(main);
		await waitReady(main);
		say(`main ready after ${((Date.now() - started) / 1000).toFixed(0)} s; worker + ${webhooks.length} webhook processes...`);
		const others = processes.slice(1);
		for (const p of others) spawnProcess(p);
		await Promise.all(others.map((p) => waitReady(p)));
		say(`queue mode ready in ${((Date.now() - started) / 1000).toFixed(0)} s (balancer ${balancerUrl})`);

		const byName = Object.fromEntries(processes.map((p) => [p.name, p]));
		const topology = {
			root,
			services,
			balancer,
			processes,
			main,
			worker: byName.worker,
			webhooks,
			byName,
			startSeconds: (Date.now() - started) / 1000,
			/** Peak resident memory so far: { total, byName } in bytes (process groups incl. task runners). */
			peakMemory: () => {
				sample();
				return { total: peaks.total, byName: { ...peaks.byName } };
			},
			/** Kills one process (SIGKILL to its group by default: a crash, not a shutdown). */
			async kill(name, { graceful = false } = {}) {
				await stopProcess(byName[name], { graceful });
			},
			/** Starts a stopped process again and waits until it is ready. */
			async restart(name) {
				const p = byName[name];
				await stopProcess(p);
				spawnProcess(p);
				await waitReady(p);
				const index = webhooks.indexOf(p);
				if (index >= 0) balancer.markUp(index);
			},
			logOf: (name) => readFileOr(byName[name].logFile),
			logTail: (name, lines = 40) => tail(byName[name].logFile, lines),
			/** Job starts per execution id from a process log ("Worker started execution <id>"). */
			jobStarts(name = 'worker') {
				const counts = new Map();
				for (const match of readFileOr(byName[name].logFile).matchAll(/Worker started execution (\d+)/g)) {
					counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
				}
				return counts;
			},
			/** Executions of a workflow straight from the database: [{ id, status, mode }]. */
			async executions(workflowId) {
				const rows = await services.psql(
					`SELECT id, status, mode FROM execution_entity WHERE "workflowId" = '${String(workflowId).replace(/'/g, "''")}' ORDER BY id`,
				);
				return rows.map(([id, status, mode]) => ({ id, status, mode }));
			},
			/** Waits until the workflow has at least `count` executions and none is new/running. */
			async settledExecutions(workflowId, { count = 1, timeoutMs = 120_000, settleMs = 0 } = {}) {
				const deadline = Date.now() + timeoutMs;
				let quietSince;
				for (;;) {
					const list = await topology.executions(workflowId);
					const busy = list.filter((e) => e.status === 'new' || e.status === 'running').length;
					if (list.length >= count && busy === 0) {
						quietSince ??= Date.now();
						if (Date.now() - quietSince >= settleMs) return list;
					} else {
						quietSince = undefined;
					}
					if (Date.now() > deadline) {
						throw new Error(`workflow ${workflowId}: ${list.length} executions (${busy} new/running), expected ${count} settled`);
					}
					await sleep(250);
				}
			},
			/** `n8n <args>` against the same database (a process of its own); never throws on exit codes. */
			async cli(args, { timeoutMs = 180_000 } = {}) {
				const env = { ...main.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), N8N_PORT: String(await freePort()) };
				return run(node, [n8n, ...args], { cwd: main.userFolder, env, timeout: timeoutMs });
			},
			cleanup,
		};
		return topology;
	} catch (error) {
		await cleanup();
		throw error;
	}
}

/** Waits until every webhook process has registered a production POST webhook. */
async function waitForWebhookEverywhere(topology, webhookPath, options) {
	for (const p of topology.webhooks) {
		if (p.child) await n8nLib.waitForWebhook(p.baseUrl, webhookPath, options);
	}
	return `${topology.balancer.url}/webhook/${webhookPath.replace(/^\/?(webhook\/)?/, '')}`;
}

module.exports = {
	startQueueMode,
	startServices,
	createBalancer,
	summarizeRecords,
	startSink,
	waitForWebhookEverywhere,
	percentile,
	ENCRYPTION_KEY,
	_internal: { exportedValues, groupRss, execFileSync },
};
