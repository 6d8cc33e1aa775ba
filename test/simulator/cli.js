#!/usr/bin/env node
'use strict';
// Run the simulator as its own process (e2e suite, demo, benchmark):
//   node test/simulator/cli.js --port 8787 --duration 2000 --fault-rate 0.1
// Each flag --some-name is also TOMOVIEE_SIM_SOME_NAME; flags win. Stops cleanly on SIGINT/SIGTERM.
const { createSimulator } = require('./server');
const { DEFAULTS, LEGACY_OPTIONS } = require('./options');

const num = (v) => {
	const n = Number(v);
	if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
	return n;
};
const bool = (v) => {
	if (/^(true|1|yes)$/i.test(String(v))) return true;
	if (/^(false|0|no)$/i.test(String(v))) return false;
	throw new Error(`not a boolean: ${v}`);
};
const list = (v) => String(v).split(',').map((s) => s.trim()).filter(Boolean);
const duration = (v) => (String(v).includes('-') ? String(v).split('-').map(num) : num(v)); // "300" or "200-800" (a range)

// Flags whose option name is not the flag in camelCase.
const RENAMED = {
	'--duration': 'taskDurationMs', '--latency': 'latencyMs', '--result-url-ttl': 'resultUrlTtlSeconds', '--retry-after': 'retryAfterSeconds',
	'--callback-backoff': 'callbackBackoffMs', '--callback-backoff-max': 'callbackBackoffMaxMs',
};
const FLAG_NAMES =
	'--port --host --app-key --app-secret --wsid --require-wsid --require-storage-info --legacy --error-codes --task-id-form ' +
	'--task-fields --progress-field --success-reason --result-url-form --result-url-ttl --mask-result-key --redraw-result-key ' +
	'--scoring-result-key --image-format --audio-format --text-to-video-1080p --huge-results --huge-bytes --redirect-api-to ' +
	'--duration --latency --auth-failure --callback-form --callback-retries --callback-backoff --callback-backoff-max ' +
	'--max-in-flight --retry-after --fault-rate --fault-kinds --fail-images --validation-status --seed --public-url';

/** flag -> [option name (or port/host/legacy), parser, env var] */
const FLAGS = Object.fromEntries(
	FLAG_NAMES.split(' ').map((flag) => {
		const name = RENAMED[flag] || flag.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase());
		const typical = DEFAULTS[name];
		let parse = String;
		if (name === 'taskDurationMs') parse = duration;
		else if (['port', 'wsid'].includes(name) || typeof typical === 'number') parse = num;
		else if (name === 'legacy' || typeof typical === 'boolean') parse = bool;
		else if (Array.isArray(typical)) parse = list;
		return [flag, [name, parse, `TOMOVIEE_SIM_${flag.slice(2).replace(/-/g, '_').toUpperCase()}`]];
	}),
);

function parseArgs(argv, env) {
	const out = { port: 8787, host: '127.0.0.1', options: {} };
	let legacy = false;
	const set = (name, value) => {
		if (name === 'port' || name === 'host') out[name] = value;
		else if (name === 'legacy') legacy = value;
		else out.options[name] = value;
	};
	for (const [name, parse, envName] of Object.values(FLAGS)) {
		if (env[envName] !== undefined && env[envName] !== '') set(name, parse(env[envName]));
	}
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s);
		if (flag === '--help' || flag === '-h') {
			out.help = true;
			continue;
		}
		const spec = FLAGS[flag];
		if (!spec) throw new Error(`unknown flag ${flag} (try --help)`);
		const value = inline !== undefined ? inline : argv[++i];
		if (value === undefined) throw new Error(`${flag} needs a value`);
		set(spec[0], spec[1](value));
	}
	// --legacy is a preset: the pre-vendor forms, under any option given explicitly.
	if (legacy) out.options = { ...LEGACY_OPTIONS, ...out.options };
	return out;
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2), process.env);
	} catch (e) {
		console.error(e.message);
		process.exit(2);
	}
	if (args.help) return console.log(`usage: node test/simulator/cli.js ${Object.keys(FLAGS).map((f) => `[${f} V]`).join(' ')}`);
	const sim = createSimulator(args.options);
	console.log(`ToMoviee simulator listening on ${(await sim.start(args.port, args.host)).url}`);
	const shutdown = () => sim.stop().then(() => process.exit(0));
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((e) => {
		console.error(e.stack || e.message);
		process.exit(1);
	});
}

module.exports = { parseArgs };
