#!/usr/bin/env node
'use strict';
// Run the simulator as its own process (e2e suite, demo, benchmark):
//   node test/simulator/cli.js --port 8787 --duration 2000 --fault-rate 0.1
// Flags override TOMOVIEE_SIM_* environment variables. Stops cleanly on SIGINT/SIGTERM.
const { createSimulator } = require('./server');
const { LEGACY_OPTIONS } = require('./options');

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
const bool = (v) => {
	if (/^(true|1|yes)$/i.test(String(v))) return true;
	if (/^(false|0|no)$/i.test(String(v))) return false;
	throw new Error(`not a boolean: ${v}`);
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
	'--require-wsid': ['requireWsid', bool, 'TOMOVIEE_SIM_REQUIRE_WSID'],
	'--require-storage-info': ['requireStorageInfo', bool, 'TOMOVIEE_SIM_REQUIRE_STORAGE_INFO'],
	'--legacy': ['legacy', bool, 'TOMOVIEE_SIM_LEGACY'],
	'--error-codes': ['errorCodes', String, 'TOMOVIEE_SIM_ERROR_CODES'],
	'--task-id-form': ['taskIdForm', String, 'TOMOVIEE_SIM_TASK_ID_FORM'],
	'--task-fields': ['taskFields', String, 'TOMOVIEE_SIM_TASK_FIELDS'],
	'--progress-field': ['progressField', String, 'TOMOVIEE_SIM_PROGRESS_FIELD'],
	'--success-reason': ['successReason', String, 'TOMOVIEE_SIM_SUCCESS_REASON'],
	'--result-url-form': ['resultUrlForm', String, 'TOMOVIEE_SIM_RESULT_URL_FORM'],
	'--result-url-ttl': ['resultUrlTtlSeconds', num, 'TOMOVIEE_SIM_RESULT_URL_TTL'],
	'--mask-result-key': ['maskResultKey', String, 'TOMOVIEE_SIM_MASK_RESULT_KEY'],
	'--redraw-result-key': ['redrawResultKey', String, 'TOMOVIEE_SIM_REDRAW_RESULT_KEY'],
	'--scoring-result-key': ['scoringResultKey', String, 'TOMOVIEE_SIM_SCORING_RESULT_KEY'],
	'--image-format': ['imageFormat', String, 'TOMOVIEE_SIM_IMAGE_FORMAT'],
	'--audio-format': ['audioFormat', String, 'TOMOVIEE_SIM_AUDIO_FORMAT'],
	'--text-to-video-1080p': ['textToVideo1080p', bool, 'TOMOVIEE_SIM_TEXT_TO_VIDEO_1080P'],
	'--huge-results': ['hugeResults', bool, 'TOMOVIEE_SIM_HUGE_RESULTS'],
	'--huge-bytes': ['hugeBytes', num, 'TOMOVIEE_SIM_HUGE_BYTES'],
	'--redirect-api-to': ['redirectApiTo', String, 'TOMOVIEE_SIM_REDIRECT_API_TO'],
	'--duration': ['taskDurationMs', duration, 'TOMOVIEE_SIM_DURATION'],
	'--latency': ['latencyMs', num, 'TOMOVIEE_SIM_LATENCY'],
	'--auth-failure': ['authFailure', String, 'TOMOVIEE_SIM_AUTH_FAILURE'],
	'--callback-form': ['callbackForm', String, 'TOMOVIEE_SIM_CALLBACK_FORM'],
	'--callback-retries': ['callbackRetries', num, 'TOMOVIEE_SIM_CALLBACK_RETRIES'],
	'--callback-backoff': ['callbackBackoffMs', num, 'TOMOVIEE_SIM_CALLBACK_BACKOFF'],
	'--callback-backoff-max': ['callbackBackoffMaxMs', num, 'TOMOVIEE_SIM_CALLBACK_BACKOFF_MAX'],
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
	let legacy = false;
	const set = (name, value) => {
		if (name === 'port' || name === 'host') out[name] = value;
		else if (name === 'legacy') legacy = value;
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
