#!/usr/bin/env node
'use strict';
// Run the simulator as its own process (e2e suite, demo, benchmark):
//   node test/simulator/cli.js --port 8787 --duration 2000 --fault-rate 0.1
// Flags override TOMOVIEE_SIM_* environment variables. Stops cleanly on SIGINT/SIGTERM.
const { createSimulator } = require('./server');

const list = (v) =>
	String(v)
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
const num = (v) => {
	const n = Number(v);
	if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
	return n;
};
// "300" or "200-800" (a uniform random range per task)
const duration = (v) => (String(v).includes('-') ? String(v).split('-').map(num) : num(v));

// flag -> [option name (or port/host), parser, env var]
const FLAGS = {
	'--port': ['port', num, 'TOMOVIEE_SIM_PORT'],
	'--host': ['host', String, 'TOMOVIEE_SIM_HOST'],
	'--app-key': ['appKey', String, 'TOMOVIEE_SIM_APP_KEY'],
	'--app-secret': ['appSecret', String, 'TOMOVIEE_SIM_APP_SECRET'],
	'--wsid': ['wsid', num, 'TOMOVIEE_SIM_WSID'],
	'--duration': ['taskDurationMs', duration, 'TOMOVIEE_SIM_DURATION'],
	'--latency': ['latencyMs', num, 'TOMOVIEE_SIM_LATENCY'],
	'--auth-failure': ['authFailure', String, 'TOMOVIEE_SIM_AUTH_FAILURE'],
	'--callback-form': ['callbackForm', String, 'TOMOVIEE_SIM_CALLBACK_FORM'],
	'--callback-retries': ['callbackRetries', num, 'TOMOVIEE_SIM_CALLBACK_RETRIES'],
	'--max-in-flight': ['maxInFlight', num, 'TOMOVIEE_SIM_MAX_IN_FLIGHT'],
	'--retry-after': ['retryAfterSeconds', num, 'TOMOVIEE_SIM_RETRY_AFTER'],
	'--fault-rate': ['faultRate', num, 'TOMOVIEE_SIM_FAULT_RATE'],
	'--fault-kinds': ['faultKinds', list, 'TOMOVIEE_SIM_FAULT_KINDS'],
	'--fail-images': ['failImages', list, 'TOMOVIEE_SIM_FAIL_IMAGES'],
	'--validation-status': ['validationStatus', num, 'TOMOVIEE_SIM_VALIDATION_STATUS'],
	'--seed': ['seed', num, 'TOMOVIEE_SIM_SEED'],
	'--public-url': ['publicUrl', String, 'TOMOVIEE_SIM_PUBLIC_URL'],
};

function parseArgs(argv, env) {
	const out = { port: 8787, host: '127.0.0.1', options: {} };
	const set = (name, value) => {
		if (name === 'port' || name === 'host') out[name] = value;
		else out.options[name] = value;
	};
	for (const [, [name, parse, envName]] of Object.entries(FLAGS)) {
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
	if (args.help) {
		console.log(
			`usage: node test/simulator/cli.js ${Object.keys(FLAGS)
				.map((f) => `[${f} V]`)
				.join(' ')}`,
		);
		return;
	}
	const sim = createSimulator(args.options);
	const { url } = await sim.start(args.port, args.host);
	console.log(`ToMoviee simulator listening on ${url}`);
	let stopping = false;
	const shutdown = async () => {
		if (stopping) return;
		stopping = true;
		await sim.stop();
		process.exit(0);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

if (require.main === module) {
	main().catch((e) => {
		console.error(e.stack || e.message);
		process.exit(1);
	});
}

module.exports = { parseArgs };
