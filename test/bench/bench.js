'use strict';
/**
 * `npm run bench`: the ToMoviee node against n8n's HTTP Request node (issue 5).
 *
 * One simulator process (test/simulator/cli.js) serves every scenario; each measured run is a
 * fresh `runner.js` process that loads both node types into one n8n-core engine, warms up,
 * resets the simulator and runs the workflow once, so its CPU time and RSS are its own (the
 * simulator's work is not counted). Prints markdown tables, writes JSON.
 *
 *   node test/bench/bench.js [--reps 3] [--quick] [--only submit,ratelimit,wait,waitmem,faults,callback]
 *                            [--latency 50] [--poll 2,5] [--out bench-results/bench.json]
 *                            [--ours-from DIR]   (nodes/ + credentials/ of another checkout: A/B a patch)
 */
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { control, APP_KEY, APP_SECRET } = require('./runner');

const REPO = path.resolve(__dirname, '../..');

function parseArgs(argv) {
	const args = { reps: 3, quick: false, only: null, latency: 50, polls: [2, 5], out: path.join(REPO, 'bench-results/bench.json') };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		const value = () => (inline !== undefined ? inline : argv[++i]);
		if (flag === '--reps') args.reps = Number(value());
		else if (flag === '--quick') args.quick = true;
		else if (flag === '--only') args.only = value().split(',');
		else if (flag === '--latency') args.latency = Number(value());
		else if (flag === '--poll') args.polls = value().split(',').map(Number);
		else if (flag === '--out') args.out = path.resolve(value());
		else if (flag === '--ours-from') args.oursFrom = path.resolve(value());
		else throw new Error(`unknown flag ${flag}`);
	}
	if (args.quick) args.reps = Math.min(args.reps, 1);
	return args;
}

// ------------------------------------------------------------------ simulator process

async function startSimulator() {
	const child = spawn(
		process.execPath,
		[path.join(REPO, 'test/simulator/cli.js'), '--port', '0', '--app-key', APP_KEY, '--app-secret', APP_SECRET],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', (chunk) => {
			text += chunk;
			const match = /listening on (http:\/\/\S+)/.exec(text);
			if (match) resolve(match[1]);
		});
		child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
	});
	return { url, child };
}

const SIM_DEFAULTS = {
	maxInFlight: null,
	retryAfterSeconds: 1,
	faultRate: 0,
	faultKinds: ['429', '503', 'drop'],
	taskDurationMs: 300,
	seed: 1,
	recordLimit: 1000,
};

// ------------------------------------------------------------------ one measured run

function runScenario(spec, timeoutMs) {
	return new Promise((resolve, reject) => {
		const child = fork(path.join(__dirname, 'runner.js'), [JSON.stringify(spec)], {
			execArgv: ['--expose-gc', '--max-old-space-size=4096'],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			env: { ...process.env, N8N_LOG_LEVEL: 'silent' },
		});
		let result;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`scenario ${spec.id} timed out after ${timeoutMs} ms`));
		}, timeoutMs);
		child.on('message', (message) => (result = message));
		child.once('exit', (code) => {
			clearTimeout(timer);
			if (result) resolve(result);
			else reject(new Error(`scenario ${spec.id} exited with ${code} and no result`));
		});
	});
}

async function measure(sim, scenario, log, args) {
	await control(sim.url, 'config', { ...SIM_DEFAULTS, latencyMs: scenario.latencyMs, ...scenario.sim });
	await control(sim.url, 'reset', {});
	const spec = { ...scenario.run, id: scenario.id, simUrl: sim.url, oursFrom: args.oursFrom };
	log(`  ${scenario.id} ...`);
	const result = await runScenario(spec, scenario.timeoutMs ?? 10 * 60_000);
	const stats = await control(sim.url, 'stats');
	const row = { id: scenario.id, group: scenario.group, node: spec.node, n: spec.n, poll: scenario.poll, ...result, sim: stats };
	if (scenario.inspectTasks) {
		const tasks = await control(sim.url, 'tasks');
		const perImage = new Map();
		let lastFinishAt = 0;
		let slowestMs = 0;
		for (const task of tasks) {
			perImage.set(task.init_image, (perImage.get(task.init_image) ?? 0) + 1);
			if (task.finishesAt !== null) lastFinishAt = Math.max(lastFinishAt, task.finishesAt);
			slowestMs = Math.max(slowestMs, task.durationMs);
		}
		row.tasksCreated = tasks.length;
		row.inputsWithSeveralTasks = [...perImage.values()].filter((c) => c > 1).length;
		row.extraTasks = tasks.length - perImage.size;
		row.slowestTaskMs = slowestMs;
		row.lastTaskFinishedAfterStartMs = lastFinishAt ? lastFinishAt - result.startedAt : undefined;
		row.endAfterLastTaskFinishedMs = lastFinishAt ? result.endedAt - lastFinishAt : undefined;
	}
	row.queriesPerTask = stats.byRoute.submit ? +(stats.byRoute.query / Math.max(1, row.tasksCreated ?? row.uniqueTaskIds)).toFixed(2) : 0;
	log(
		`    wall ${row.wallMs} ms, cpu ${row.cpuMs} ms, in flight ${stats.maxInFlight}, peak RSS ${row.peakRssMb} MB ` +
			`(+${row.addedRssMb}), ok ${row.succeeded}/${row.n}${row.nodeError ? `, node error: ${row.nodeError}` : ''}`,
	);
	return row;
}

// ------------------------------------------------------------------ scenarios

function scenarios(args) {
	const L = args.latency;
	const list = [];
	const add = (id, group, sim, node, n, run = {}, extra = {}) =>
		list.push({ id, group, latencyMs: L, sim, ...extra, run: { node, n, wait: false, options: {}, ...run } });
	// 1. submit-only, no rate limit, interleaved ours/theirs repetitions
	for (const n of [100, 1000]) {
		for (let rep = 1; rep <= args.reps; rep++) for (const node of ['ours', 'theirs']) add(`submit-${n}-${node}-r${rep}`, 'submit', {}, node, n);
	}
	// 2. rate-limited gateway: at most 20 in flight, 429 + Retry-After: 1 beyond
	for (const n of [100, 1000]) {
		const sim = { maxInFlight: 20, retryAfterSeconds: 1 };
		add(`ratelimit-${n}-ours`, 'ratelimit', sim, 'ours', n);
		add(`ratelimit-${n}-theirs`, 'ratelimit', sim, 'theirs', n);
		add(`ratelimit-${n}-theirs-continue`, 'ratelimit', sim, 'theirs', n, { continueOnFail: true });
	}
	// 3a. wait mode: 1000 tasks finishing 1-5 s after submit, at a short and at the default poll interval
	for (const poll of args.polls) {
		const run = { wait: true, options: { pollInterval: poll, timeout: 120 } };
		add(`wait-1000-ours-poll${poll}`, 'wait', { taskDurationMs: [1000, 5000] }, 'ours', 1000, run, { inspectTasks: true, poll });
	}
	// 3b. 10 000 waiting tasks: RSS of the waiting run vs the same items submit-only; the last one
	// without the forced GCs: peak RSS as V8 lets it grow on its own
	if (!args.quick) {
		const sim = { taskDurationMs: 40_000 };
		const waiting = { wait: true, continueOnFail: true, options: { pollInterval: 10, timeout: 300, maxConcurrency: 50 } };
		const noLatency = { latencyMs: 0 };
		add('waitmem-10000-submit-only', 'waitmem', sim, 'ours', 10_000, { continueOnFail: true, retained: true, options: { maxConcurrency: 50 } }, noLatency);
		add('waitmem-10000-wait', 'waitmem', sim, 'ours', 10_000, { ...waiting, retained: true }, { ...noLatency, inspectTasks: true });
		add('waitmem-10000-wait-no-forced-gc', 'waitmem', sim, 'ours', 10_000, waiting, { ...noLatency, inspectTasks: true });
	}
	// 4. 10 % transient faults (429 with Retry-After 1 s, 503, dropped connection) on submit and query
	const faults = { faultRate: 0.1, faultKinds: ['429', '503', 'drop'], retryAfterSeconds: 1, seed: 5, taskDurationMs: [1000, 5000] };
	add('faults-1000-ours', 'faults', faults, 'ours', 1000, { wait: true, continueOnFail: true, options: { pollInterval: 2, timeout: 300 } }, { inspectTasks: true });
	add('faults-1000-theirs-continue', 'faults', faults, 'theirs', 1000, { continueOnFail: true }, { inspectTasks: true });
	return list.filter((s) => !args.only || args.only.includes(s.group));
}

/** Wait for Callback in a real n8n 2.41.1 (test/bench/callbacks.js, its own n8n and simulator). */
function runCallbackBench(args, log) {
	const sizes = args.quick ? '1000' : '1000,10000';
	log(`  callback (real n8n 2.41.1, ${sizes} items) ...`);
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(__dirname, 'callbacks.js'), '--sizes', sizes, '--latency', String(args.latency)], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout.on('data', (chunk) => (out += chunk));
		child.once('exit', (code) => {
			try {
				resolve(code === 0 ? JSON.parse(out).results : { failed: `exit ${code}` });
			} catch (error) {
				resolve({ failed: error.message });
			}
		});
	});
}

function callbackReport(results, lines, summary) {
	lines.push('### 5. Wait for Callback in a real n8n 2.41.1 (SQLite, one main process)', '');
	if (!Array.isArray(results)) {
		lines.push(`not measured: ${results.failed}`, '');
		return;
	}
	lines.push('| items | tasks end over | callback answer p50 / p99 / max ms | answers | task queries per task | parked execution data MB | n8n RSS before → parked → peak MB (added) | succeeded |');
	lines.push('|---:|---|---:|---|---:|---:|---|---:|');
	for (const r of results) {
		const window = `${r.taskDurationMs[0] / 1000}-${r.taskDurationMs[1] / 1000} s${r.size >= 10_000 ? ' (1 callback, the rest lost: the node\'s check)' : ''}`;
		lines.push(
			`| ${r.size} | ${window} | ${r.answerP50Ms} / ${r.answerP99Ms} / ${r.answerMaxMs} | ${JSON.stringify(r.callbackStatuses)} | ${r.queriesPerTask} | ${r.parkedDataMb} | ${r.rssBeforeMb} → ${r.rssParkedMb} → ${r.rssPeakMb} (+${r.addedPeakRssMb}) | ${r.succeeded}/${r.size} |`,
		);
		if (r.size === 1000) {
			summary.targets['5 callbacks answered within 100 ms at p99 (1000 items)'] = r.answerP99Ms <= 100;
			summary.targets['5 <= 2 task queries per task (1000 items)'] = r.queriesPerTask <= 2;
		}
	}
	lines.push('');
}

// ------------------------------------------------------------------ report

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ratio = (a, b) => (b ? +(a / b).toFixed(2) : null);
const yes = (ok) => (ok ? 'met' : '**not met**');

function report(rows, args, machine) {
	const lines = [];
	const summary = { targets: {} };
	const by = (group) => rows.filter((r) => r.group === group);

	const submitRows = by('submit');
	if (submitRows.length) {
		lines.push(`### 1. Submit only, no rate limit (simulator latency ${args.latency} ms; median of ${args.reps})`, '');
		lines.push('| N | node | wall ms | CPU ms | max in flight | peak RSS MB (+added) | ok |');
		lines.push('|---:|---|---:|---:|---:|---:|---:|');
		const ratios = [];
		for (const n of [100, 1000]) {
			const agg = {};
			for (const node of ['ours', 'theirs']) {
				const rs = submitRows.filter((r) => r.n === n && r.node === node);
				if (!rs.length) continue;
				agg[node] = {
					wall: median(rs.map((r) => r.wallMs)),
					cpu: median(rs.map((r) => r.cpuMs)),
					inFlight: Math.max(...rs.map((r) => r.sim.maxInFlight)),
					peak: median(rs.map((r) => r.peakRssMb)),
					added: median(rs.map((r) => r.addedRssMb)),
					ok: Math.min(...rs.map((r) => r.succeeded)),
				};
				const a = agg[node];
				lines.push(`| ${n} | ${node === 'ours' ? 'ToMoviee' : 'HTTP Request 4.5'} | ${a.wall} | ${a.cpu} | ${a.inFlight} | ${a.peak} (+${a.added}) | ${a.ok}/${n} |`);
			}
			if (agg.ours && agg.theirs) {
				const r = {
					n,
					wall: ratio(agg.ours.wall, agg.theirs.wall),
					cpu: ratio(agg.ours.cpu, agg.theirs.cpu),
					inFlight: ratio(agg.ours.inFlight, agg.theirs.inFlight),
					peakRss: ratio(agg.ours.peak, agg.theirs.peak),
				};
				ratios.push(r);
				lines.push(`| ${n} | **ours/theirs** | **${r.wall}** | **${r.cpu}** | ${r.inFlight} | ${r.peakRss} | |`);
			}
		}
		summary.submitRatios = ratios;
		summary.targets['1 ours/theirs <= 1.0 wall and CPU'] = ratios.every((r) => r.wall <= 1 && r.cpu <= 1);
		lines.push('');
	}

	const rl = by('ratelimit');
	if (rl.length) {
		lines.push('### 2. Rate-limited simulator (20 in flight, 429 + Retry-After: 1 beyond)', '');
		lines.push('| N | node | succeeded | wall ms | 429s | max in flight | result |');
		lines.push('|---:|---|---:|---:|---:|---:|---|');
		for (const r of rl) {
			const name = r.node === 'ours' ? 'ToMoviee' : r.id.endsWith('continue') ? 'HTTP Request (On Error: Continue)' : 'HTTP Request';
			const what = r.nodeError ? `node failed: ${r.nodeError.slice(0, 60)}` : r.failed ? `${r.failed} error items` : 'all ok';
			lines.push(`| ${r.n} | ${name} | ${r.succeeded}/${r.n} | ${r.wallMs} | ${r.sim.rejected} | ${r.sim.maxInFlight} | ${what} |`);
		}
		summary.targets['2 ours 100 % under rate limit'] = rl.filter((r) => r.node === 'ours').every((r) => r.succeeded === r.n);
		lines.push('');
	}

	const wait = by('wait');
	if (wait.length) {
		lines.push(`### 3a. Wait mode: 1000 tasks of 1-5 s (simulator latency ${args.latency} ms, default maxConcurrency 50)`, '');
		lines.push('| poll s | wall ms | slowest task ms | last task done, from start ms | target: (last task done + poll) × 1.1 | done → output ms | queries/task | peak RSS MB (+added) | succeeded |');
		lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
		for (const r of wait) {
			// The floor is when the slowest task ended, counted from the start (the submit phase included).
			r.targetWallMs = Math.round((r.lastTaskFinishedAfterStartMs + r.poll * 1000) * 1.1);
			lines.push(
				`| ${r.poll} | ${r.wallMs} | ${r.slowestTaskMs} | ${r.lastTaskFinishedAfterStartMs} | ${r.targetWallMs} | ${r.endAfterLastTaskFinishedMs} | ${r.queriesPerTask} | ${r.peakRssMb} (+${r.addedRssMb}) | ${r.succeeded}/${r.n} |`,
			);
			summary.targets[`3 wall <= (last task done + poll) x 1.1, poll ${r.poll} s`] = r.wallMs <= r.targetWallMs;
			summary.targets[`3 <= 1.5 queries per task, poll ${r.poll} s`] = r.queriesPerTask <= 1.5;
		}
		lines.push('', '"last task done": when the last task reached its final status at the simulator, counted from the run start (includes the submit phase); "done → output": from then to the node output.', '');
	}

	const mem = by('waitmem');
	if (mem.length) {
		lines.push('### 3b. 10 000 waiting tasks (latency 0, tasks of 40 s, pollInterval 10 s, maxConcurrency 50)', '');
		lines.push('| run | wall ms | CPU ms | baseline RSS MB | peak RSS MB | added RSS MB (peak) | added heap MB (peak) | added heap MB (after GC) | added RSS MB (after GC) | queries/task | succeeded |');
		lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
		for (const r of mem) {
			lines.push(`| ${r.id} | ${r.wallMs} | ${r.cpuMs} | ${r.baselineRssMb} | ${r.peakRssMb} | ${r.addedRssMb} | ${r.addedHeapMb} | ${r.retainedHeapAddedMb ?? ''} | ${r.retainedRssAddedMb ?? ''} | ${r.queriesPerTask} | ${r.succeeded}/${r.n} |`);
		}
		const w = mem.find((r) => r.id.endsWith('wait'));
		const free = mem.find((r) => r.id.endsWith('no-forced-gc'));
		const s = mem.find((r) => r.id.endsWith('submit-only'));
		if (w) {
			summary.waitmemAddedRssMb = w.addedRssMb;
			summary.waitmemWaitingOnlyRssMb = s ? +(w.addedRssMb - s.addedRssMb).toFixed(1) : undefined;
			summary.waitmemRetainedHeapMb = w.retainedHeapAddedMb;
			summary.targets['3 <= 100 MB added RSS for 10 000 waiting tasks (held: GC every 2 s)'] = w.addedRssMb <= 100;
			if (free) {
				summary.waitmemPeakRssNoForcedGcMb = free.addedRssMb;
				summary.targets['3 <= 100 MB added RSS for 10 000 waiting tasks (peak, no forced GC)'] = free.addedRssMb <= 100;
			}
			lines.push('', `Added RSS (peak) of the whole 10 000-task wait run: ${w.addedRssMb} MB${s ? `; beyond the same items submit-only: ${summary.waitmemWaitingOnlyRssMb} MB` : ''}; heap held (max after a full GC every 2 s): ${w.retainedHeapAddedMb} MB.`);
		}
		lines.push('');
	}

	const faults = by('faults');
	if (faults.length) {
		lines.push('### 4. 1000 items, 10 % transient faults (429/503/drop) on submit and query', '');
		lines.push('| node | succeeded | not re-sent (ambiguous, named in the item) | lost | duplicated outputs | tasks created | inputs with >1 task | faults served | wall ms |');
		lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
		for (const r of faults) {
			const name = r.node === 'ours' ? 'ToMoviee (wait)' : 'HTTP Request (On Error: Continue, submit)';
			const ambiguous = r.ambiguousNotResent ?? 0;
			const lost = r.n - r.succeeded - ambiguous;
			lines.push(`| ${name} | ${r.succeeded} | ${ambiguous} | ${lost} | ${r.duplicatedOutputs} | ${r.tasksCreated} | ${r.inputsWithSeveralTasks} | ${r.sim.faults} | ${r.wallMs} |`);
			if (r.node === 'ours') {
				summary.targets['4 nothing lost, no duplicate task (ambiguous submits reported, not re-sent)'] = lost === 0 && r.duplicatedOutputs === 0 && r.inputsWithSeveralTasks === 0;
			}
		}
		lines.push('');
	}

	if (args.callbackResults) callbackReport(args.callbackResults, lines, summary);

	lines.push('### Targets', '');
	if (args.oursFrom) lines.push(`(ToMoviee node loaded from ${args.oursFrom})`, '');
	for (const [name, ok] of Object.entries(summary.targets)) lines.push(`- ${name}: ${yes(ok)}`);
	lines.push('', `Machine: ${machine.cpus}× ${machine.cpuModel}, ${machine.memGb} GB RAM, ${machine.platform}, Node ${machine.node}; load average at start ${machine.loadavgStart.join(' ')}, at end ${machine.loadavgEnd.join(' ')}.`);
	return { text: lines.join('\n'), summary };
}

// ------------------------------------------------------------------ main

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const log = (line) => process.stderr.write(`${line}\n`);
	const cpus = os.cpus();
	const machine = {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model?.trim(),
		memGb: Math.round(os.totalmem() / 2 ** 30),
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		loadavgStart: os.loadavg().map((l) => l.toFixed(2)),
	};
	const sim = await startSimulator();
	log(`simulator at ${sim.url}`);
	const rows = [];
	const started = Date.now();
	try {
		for (const scenario of scenarios(args)) {
			try {
				rows.push(await measure(sim, scenario, log, args));
			} catch (error) {
				log(`    FAILED: ${error.message}`);
				rows.push({ id: scenario.id, group: scenario.group, benchFailed: true, error: error.message });
			}
		}
		if (!args.only || args.only.includes('callback')) args.callbackResults = await runCallbackBench(args, log);
	} finally {
		sim.child.kill('SIGTERM');
	}
	machine.loadavgEnd = os.loadavg().map((l) => l.toFixed(2));
	const ok = rows.filter((r) => !r.benchFailed);
	const { text, summary } = report(ok, args, machine);
	console.log(text);
	fs.mkdirSync(path.dirname(args.out), { recursive: true });
	fs.writeFileSync(
		args.out,
		`${JSON.stringify({ date: new Date().toISOString(), durationS: Math.round((Date.now() - started) / 1000), args, machine, summary, rows, table: text }, null, '\t')}\n`,
	);
	log(`\nwrote ${path.relative(process.cwd(), args.out)}`);
	if (rows.some((r) => r.benchFailed)) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
