'use strict';
/**
 * n8n 2.41.1 in queue mode for the e2e stage and `npm run demo -- --queue`: one main (`n8n start`),
 * one worker (`n8n worker`, default concurrency 10) and two webhook processes (`n8n webhook`),
 * sharing one PostgreSQL, one Redis, one N8N_ENCRYPTION_KEY and one installed copy of the package,
 * behind the load balancer of lib/balancer.js.
 *
 *   const q = await startQueueMode({ packageDir });
 *   q.balancer.url          // N8N_WEBHOOK_URL: every production and resume URL points here
 *   q.main.baseUrl          // editor + REST
 *   await q.cleanup();      // every process, both servers, every folder (also after a failure)
 *
 * Layout of the throwaway folder (q.root): services/ (PostgreSQL + Redis data,
 * test/tools/ensure-services.sh), nodes/node_modules/<pkg> (the package, once), and main/
 * worker/ webhook-1/ webhook-2/ (one N8N_USER_FOLDER each, whose .n8n/nodes links to ../../nodes).
 *
 * Facts this relies on (read in n8n 2.41.1): N8N_WEBHOOK_URL is the base of production webhook
 * URLs and of $execution.resumeUrl; the worker logs "Worker started execution <id>" for each job
 * (a resumed execution is a new job) and "n8n worker is now ready"; `n8n webhook` logs "Webhook
 * listener waiting for requests."; N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true keeps production
 * webhooks off the main; N8N_BLOCK_ENV_ACCESS_IN_NODE=false lets a Set node record
 * `{{ $env.TOMOVIEE_E2E_PROCESS }}`, the process that ran it.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const n8nLib = require('./n8n');
const fx = require('./fixtures');
const proc = require('./process');
const { createBalancer } = require('./balancer');

const SERVICES_SCRIPT = path.resolve(__dirname, '../../tools/ensure-services.sh');
const READY_LINES = { worker: 'n8n worker is now ready', webhook: 'Webhook listener waiting for requests' };
const DEDUPE_EXAMPLE = JSON.parse(fs.readFileSync(path.join(fx.REPO_ROOT, 'examples/queue-mode-dedupe.workflow.json'), 'utf8'));
const DEDUPE_WEBHOOK_ID = DEDUPE_EXAMPLE.nodes.find((node) => node.webhookId).webhookId;
/** The database the dedupe example's table lives in. */
const APP_DATABASE = 'tomoviee_app';

/** Starts PostgreSQL and Redis in `dir` (installing them first when missing). */
async function startServices(dir) {
	const result = await proc.run('bash', [SERVICES_SCRIPT, 'start', '--dir', dir], { timeout: 600_000 });
	process.stderr.write(result.stderr);
	if (result.code !== 0) throw new Error(`ensure-services.sh start failed (exit ${result.code}):\n${result.stderr}`);
	const values = {};
	for (const [, name, value] of result.stdout.matchAll(/([A-Z_][A-Z0-9_]*)=('[^']*'|\S*)/g)) values[name] = value.replace(/^'(.*)'$/, '$1');
	const pg = {
		host: values.TOMOVIEE_PG_HOST,
		port: Number(values.TOMOVIEE_PG_PORT),
		user: values.TOMOVIEE_PG_USER,
		password: values.TOMOVIEE_PG_PASSWORD,
		database: values.TOMOVIEE_PG_DATABASE,
	};
	const redis = { host: values.TOMOVIEE_REDIS_HOST, port: Number(values.TOMOVIEE_REDIS_PORT) };
	if (!pg.port || !redis.port) throw new Error(`ensure-services.sh printed no ports:\n${result.stdout}`);

	/** Runs SQL with psql; resolves to the rows as arrays of strings. */
	async function psql(sql, { database = pg.database } = {}) {
		const args = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', database, '-XqAt', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql];
		const answer = await proc.run('psql', args, { env: { ...process.env, PGPASSWORD: pg.password }, timeout: 60_000 });
		if (answer.code !== 0) throw new Error(`psql failed: ${answer.stderr}\n${sql}`);
		return answer.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}
	return { pg, redis, psql, stop: () => proc.run('bash', [SERVICES_SCRIPT, 'stop', dir], { timeout: 60_000 }) };
}

/**
 * Starts n8n in queue mode. Options: packageDir (package.json + dist/), webhookProcesses (2),
 * workerConcurrency (n8n's default 10), dbPoolSize (10 per process: n8n's default of 2 starves
 * under bursts, 503 "Database is not ready!"), maxInFlightPerWebhookProcess (5) and mirror
 * (balancer options), env (for every process), log (progress lines; default stderr).
 */
async function startQueueMode({ packageDir, webhookProcesses = 2, workerConcurrency, dbPoolSize = 10, maxInFlightPerWebhookProcess = 5, env: extraEnv = {}, mirror, log } = {}) {
	const say = log ?? ((line) => process.stderr.write(`[queue] ${line}\n`));
	const started = Date.now();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-queue-'));
	fs.chmodSync(root, 0o755); // PostgreSQL runs as `postgres` when we are root: it must reach services/
	const groupsFile = path.join(root, 'process-groups');
	const processes = [];
	const peaks = { total: 0, byName: {} };
	let services;
	let balancer;
	let sampler;
	let watcher;
	let cleanedUp = false;

	async function stopProcess(p, { graceful = true } = {}) {
		const child = p.child;
		p.child = undefined;
		if (child) await proc.killGroup(child.pid, { graceful });
	}

	async function cleanup() {
		if (cleanedUp) return;
		cleanedUp = true;
		clearInterval(sampler);
		await Promise.allSettled(processes.map((p) => stopProcess(p)));
		// TOMOVIEE_QUEUE_KEEP_LOGS=<folder>: keep each process log (the rest is deleted)
		const keepLogs = process.env.TOMOVIEE_QUEUE_KEEP_LOGS;
		if (keepLogs) fs.mkdirSync(keepLogs, { recursive: true });
		for (const p of processes) if (keepLogs && fs.existsSync(p.logFile)) fs.copyFileSync(p.logFile, path.join(keepLogs, `${p.name}.log`));
		await balancer?.stop().catch(() => {});
		await services?.stop();
		watcher?.kill('SIGKILL');
		fs.rmSync(root, { recursive: true, force: true });
	}

	try {
		// A detached watcher: when this process dies without cleaning up (a killed test run), it kills
		// the n8n process groups, stops PostgreSQL/Redis and deletes the folder.
		fs.writeFileSync(groupsFile, '');
		const script = `while kill -0 ${process.pid} 2>/dev/null && [ -d "$1" ]; do sleep 2; done
			[ -d "$1" ] || exit 0
			for g in $(cat "$1/process-groups" 2>/dev/null); do kill -KILL -- "-$g" 2>/dev/null; done
			bash "$2" stop "$1/services" >/dev/null 2>&1
			rm -rf "$1"`;
		watcher = spawn('bash', ['-c', script, 'tomoviee-queue-watcher', root, SERVICES_SCRIPT], { detached: true, stdio: 'ignore' });
		watcher.unref();

		say('PostgreSQL + Redis...');
		services = await startServices(path.join(root, 'services'));
		const nodesDir = path.join(root, 'nodes');
		const { name: packageName } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		fs.mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
		fs.symlinkSync(path.resolve(packageDir), path.join(nodesDir, 'node_modules', packageName), 'dir');

		const install = n8nLib.resolveN8nInstall();
		const roles = [
			{ role: 'main', name: 'main', command: 'start', args: [] },
			{ role: 'worker', name: 'worker', command: 'worker', args: workerConcurrency ? [`--concurrency=${workerConcurrency}`] : [] },
			...Array.from({ length: webhookProcesses }, (_, i) => ({ role: 'webhook', name: `webhook-${i + 1}`, command: 'webhook', args: [] })),
		];
		for (const spec of roles) {
			const userFolder = path.join(root, spec.name);
			fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
			fs.symlinkSync(nodesDir, path.join(userFolder, '.n8n', 'nodes'), 'dir');
			const port = await proc.freePort();
			processes.push({ ...spec, userFolder, port, brokerPort: await proc.freePort(), logFile: path.join(userFolder, 'n8n.log'), baseUrl: `http://127.0.0.1:${port}` });
		}
		const [main] = processes;
		const webhooks = processes.filter((p) => p.role === 'webhook');
		balancer = createBalancer({
			webhookTargets: webhooks.map((p) => ({ port: p.port, name: p.name })),
			mainTarget: { port: main.port, name: main.name },
			mirror,
			maxInFlightPerTarget: maxInFlightPerWebhookProcess,
		});
		const balancerUrl = await balancer.start();
		const sharedEnv = n8nLib.n8nEnv(install, {
			N8N_ENCRYPTION_KEY: 'tomoviee-queue-e2e-fixed-encryption-key',
			EXECUTIONS_MODE: 'queue',
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: services.pg.host,
			DB_POSTGRESDB_PORT: String(services.pg.port),
			DB_POSTGRESDB_USER: services.pg.user,
			DB_POSTGRESDB_PASSWORD: services.pg.password,
			DB_POSTGRESDB_DATABASE: services.pg.database,
			DB_POSTGRESDB_POOL_SIZE: String(dbPoolSize),
			QUEUE_BULL_REDIS_HOST: services.redis.host,
			QUEUE_BULL_REDIS_PORT: String(services.redis.port),
			N8N_DEFAULT_BINARY_DATA_MODE: 'database', // queue mode's default, set so the stage says what it tests
			N8N_WEBHOOK_URL: `${balancerUrl}/`,
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
			...extraEnv,
		});

		async function startProcess(p) {
			p.env = {
				...sharedEnv,
				N8N_USER_FOLDER: p.userFolder,
				N8N_PORT: String(p.port),
				N8N_RUNNERS_BROKER_PORT: String(p.brokerPort),
				TOMOVIEE_E2E_ROLE: p.role,
				TOMOVIEE_E2E_PROCESS: p.name,
				...(p.role === 'worker' ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(p.port) } : {}),
			};
			const isReady = async () =>
				(!READY_LINES[p.role] || proc.readText(p.logFile).includes(READY_LINES[p.role])) &&
				(p.role === 'worker' || (await fetch(`${p.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)));
			await proc.startGroup(install.node, [install.n8n, p.command, ...p.args], {
				name: p.name,
				cwd: p.userFolder,
				env: p.env,
				logFile: p.logFile,
				timeoutMs: 180_000, // four n8n processes starting on 2 shared cores
				isReady,
				onSpawn: (child) => {
					p.child = child;
					fs.appendFileSync(groupsFile, `${child.pid}\n`);
				},
			});
		}

		function sample() {
			const live = processes.filter((p) => p.child);
			const rss = proc.groupRss(live.map((p) => p.child.pid));
			let total = 0;
			for (const p of live) {
				const bytes = rss.get(p.child.pid) ?? 0;
				total += bytes;
				peaks.byName[p.name] = Math.max(peaks.byName[p.name] ?? 0, bytes);
			}
			peaks.total = Math.max(peaks.total, total);
		}
		sampler = setInterval(sample, 500);
		sampler.unref();

		say('n8n main (migrations on a fresh database)...');
		await startProcess(main); // first: it runs the database migrations the others expect
		say(`main ready after ${((Date.now() - started) / 1000).toFixed(0)} s; worker + ${webhooks.length} webhook processes...`);
		await Promise.all(processes.slice(1).map(startProcess));
		say(`queue mode ready in ${((Date.now() - started) / 1000).toFixed(0)} s (balancer ${balancerUrl})`);

		const byName = Object.fromEntries(processes.map((p) => [p.name, p]));
		const q = {
			root,
			services,
			balancer,
			processes,
			main,
			webhooks,
			startSeconds: (Date.now() - started) / 1000,
			/** Peak resident memory so far: { total, byName } in bytes (process groups incl. task runners). */
			peakMemory() {
				sample();
				return { total: peaks.total, byName: { ...peaks.byName } };
			},
			/** Kills one process (SIGKILL to its group: a crash, not a shutdown). */
			kill: (name) => stopProcess(byName[name], { graceful: false }),
			logTail: (name, lines = 40) => proc.tail(byName[name].logFile, lines),
			/** Job starts per execution id from a process log ("Worker started execution <id>"). */
			jobStarts(name = 'worker') {
				const counts = new Map();
				for (const [, id] of proc.readText(byName[name].logFile).matchAll(/Worker started execution (\d+)/g)) counts.set(id, (counts.get(id) ?? 0) + 1);
				return counts;
			},
			/** Executions of a workflow straight from the database, oldest first: [{ id, status, mode }]. */
			async executions(workflowId) {
				const rows = await services.psql(`SELECT id, status, mode FROM execution_entity WHERE "workflowId" = '${String(workflowId).replace(/'/g, "''")}' ORDER BY id`);
				return rows.map(([id, status, mode]) => ({ id, status, mode }));
			},
			/** Waits until the workflow has `count` executions, none new/running for `settleMs`. */
			async settledExecutions(workflowId, { count = 1, timeoutMs = 120_000, settleMs = 0 } = {}) {
				let quietSince;
				return proc.until(`${count} settled executions of workflow ${workflowId}`, async () => {
					const list = await q.executions(workflowId);
					const settled = list.length >= count && !list.some((e) => e.status === 'new' || e.status === 'running');
					quietSince = settled ? (quietSince ?? Date.now()) : undefined;
					return settled && Date.now() - quietSince >= settleMs && list;
				}, { timeoutMs });
			},
			/** Waits until every webhook process has registered a production webhook; resolves to its URL at the balancer. */
			async waitForWebhook(webhookPath) {
				for (const p of webhooks) if (p.child) await n8nLib.waitForWebhook(p.baseUrl, webhookPath);
				return `${balancer.url}/webhook/${webhookPath}`;
			},
			cleanup,
		};
		return q;
	} catch (error) {
		await cleanup();
		throw error;
	}
}

/** The balancer's `mirror` option: every callback to the dedupe example's trigger goes to both webhook processes. */
const mirrorDedupeCallbacks = ({ path: requestPath }) => requestPath.startsWith(`/webhook/${DEDUPE_WEBHOOK_ID}/`);

/**
 * examples/queue-mode-dedupe.workflow.json ready to create with `client`: its table created in
 * APP_DATABASE, its credentials a new Postgres one for that database and `credential` (ToMoviee).
 */
async function dedupeExample(q, client, credential) {
	const { pg, psql } = q.services;
	await psql(`CREATE DATABASE ${APP_DATABASE}`, { database: 'postgres' });
	await psql(DEDUPE_EXAMPLE.nodes.find((entry) => entry.name === 'Create table').parameters.query, { database: APP_DATABASE });
	const postgres = await client.createCredential({
		name: 'Postgres (dedupe table)',
		type: 'postgres',
		data: { host: pg.host, port: pg.port, database: APP_DATABASE, user: pg.user, password: pg.password, ssl: 'disable' },
	});
	const workflow = JSON.parse(JSON.stringify(DEDUPE_EXAMPLE));
	delete workflow.id;
	for (const entry of workflow.nodes) {
		if (entry.credentials?.toMovieeApi) entry.credentials = fx.credentialRef(credential);
		if (entry.credentials?.postgres) entry.credentials = { postgres: { id: postgres.id, name: postgres.name } };
	}
	return workflow;
}

/** A Set node recording which n8n process ran it (`ranOn`), keeping the item. */
const ranOnNode = () =>
	fx.node('Where', 'n8n-nodes-base.set', {
		mode: 'manual',
		includeOtherFields: true,
		assignments: { assignments: [{ id: 'ran-on', name: 'ranOn', value: '={{ $env.TOMOVIEE_E2E_PROCESS }}', type: 'string' }] },
		options: {},
	});

module.exports = { startQueueMode, DEDUPE_WEBHOOK_ID, APP_DATABASE, mirrorDedupeCallbacks, dedupeExample, ranOnNode };
