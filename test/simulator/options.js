'use strict';
// Defaults and checks for simulator options (createSimulator, configure(), POST /__sim/config). The defaults answer the way
// ToMoviee's own pages show; LEGACY_OPTIONS restores the earlier forms.

// One line per theme; README.md has a line per option.
const DEFAULTS = Object.freeze({
	appKey: 'test-key', appSecret: 'test-secret', wsid: undefined, requireWsid: false, requireStorageInfo: false,
	taskDurationMs: 300, latencyMs: 0,
	authFailure: 'http401', errorCodes: 'vendor', taskIdForm: 'vendor', taskFields: 'vendor', progressField: 'progress',
	successReason: 'success', validationStatus: 200, textToVideo1080p: true, redirectApiTo: undefined,
	resultUrlForm: 'signed', resultUrlTtlSeconds: 48 * 3600, maskResultKey: 'images_path', redrawResultKey: 'images_path',
	scoringResultKey: 'audio_path', imageFormat: 'png', audioFormat: 'mp3', publicUrl: undefined,
	hugeResults: false, hugeBytes: 200 * 1024 * 1024,
	// the pause before callback try n+1 is callbackBackoffMs * 2^(n-1), at most callbackBackoffMaxMs
	callbackForm: 'bare', callbackRetries: 3, callbackTimeoutMs: 5000, callbackBackoffMs: 200, callbackBackoffMaxMs: 3_600_000,
	maxInFlight: Infinity, retryAfterSeconds: 1, faultRate: 0, faultKinds: ['429', '503', 'drop'], failImages: [], seed: 1,
	recordLimit: 100000,
});

const LEGACY_OPTIONS = Object.freeze({
	errorCodes: 'legacy', taskIdForm: 'hex', taskFields: 'minimal', successReason: '', resultUrlForm: 'plain',
	callbackForm: 'envelope', requireWsid: true, requireStorageInfo: true,
});

const PRE_CREATE_FAULTS = ['429', '500', '502', '503', '504', 'drop'];
const AFTER_CREATE_FAULTS = ['drop-after-create', '504-after-create', 'slow-after-create'];
const FAULT_KINDS = [...PRE_CREATE_FAULTS, ...AFTER_CREATE_FAULTS];

// The values each option with a choice takes (the first is the default).
const CHOICES = {
	authFailure: ['http401', 'code'], errorCodes: ['vendor', 'legacy'], taskIdForm: ['vendor', 'hex'], taskFields: ['vendor', 'minimal'],
	progressField: ['progress', 'process'], resultUrlForm: ['signed', 'plain'], maskResultKey: ['images_path', 'mask_path'],
	redrawResultKey: ['images_path', 'image_path'], scoringResultKey: ['audio_path', 'video_path'], imageFormat: ['png', 'jpeg'],
	audioFormat: ['mp3', 'wav'], callbackForm: ['bare', 'envelope', 'camel'], validationStatus: [200, 400],
};
const BOOLEANS = ['requireWsid', 'requireStorageInfo', 'textToVideo1080p', 'hugeResults'];
const NON_NEGATIVE = ['callbackBackoffMs', 'callbackBackoffMaxMs', 'hugeBytes'];

const check = (ok, message) => {
	if (!ok) throw new Error(message);
};

/** Merge `partial` over `base`, coercing JSON-friendly values; throws on a bad option. */
function mergeOptions(base, partial) {
	const out = { ...base };
	for (const [key, value] of Object.entries(partial || {})) {
		check(key in DEFAULTS, `unknown simulator option: ${key}`);
		out[key] = value;
	}
	// JSON cannot carry Infinity: null, 0 or a negative number mean "no limit".
	if (out.maxInFlight == null || !(Number(out.maxInFlight) > 0)) out.maxInFlight = Infinity;
	out.validationStatus = Number(out.validationStatus);
	out.faultKinds = [].concat(out.faultKinds).map(String);
	out.failImages = [].concat(out.failImages || []).map(String);
	for (const key of BOOLEANS) out[key] = [true, 'true', 1, '1'].includes(out[key]);
	for (const [key, allowed] of Object.entries(CHOICES)) check(allowed.includes(out[key]), `${key} must be one of ${allowed.join(', ')}`);
	for (const kind of out.faultKinds) check(FAULT_KINDS.includes(kind), `faultKinds: unknown kind ${kind}`);
	const d = out.taskDurationMs;
	check(Array.isArray(d) ? d.length === 2 && d.every((n) => n >= 0) && d[0] <= d[1] : d >= 0, 'taskDurationMs must be >= 0 or [minMs, maxMs]');
	check(out.faultRate >= 0 && out.faultRate <= 1, 'faultRate must be within 0..1');
	check(typeof out.successReason === 'string', 'successReason must be a string');
	out.resultUrlTtlSeconds = Number(out.resultUrlTtlSeconds);
	check(Number.isFinite(out.resultUrlTtlSeconds), 'resultUrlTtlSeconds must be a number (negative: links already expired)');
	for (const key of NON_NEGATIVE) {
		out[key] = Number(out[key]);
		check(out[key] >= 0, `${key} must be >= 0`);
	}
	out.hugeBytes = Math.floor(out.hugeBytes);
	if (out.publicUrl) out.publicUrl = String(out.publicUrl).replace(/\/+$/, '');
	if (out.redirectApiTo === null || out.redirectApiTo === '') out.redirectApiTo = undefined;
	if (out.redirectApiTo !== undefined) {
		const message = 'redirectApiTo must be an http(s) origin such as http://127.0.0.1:9999';
		let origin;
		try {
			origin = new URL(String(out.redirectApiTo));
		} catch {
			throw new Error(message);
		}
		check(/^https?:$/.test(origin.protocol), message);
		out.redirectApiTo = origin.origin;
	}
	return out;
}

module.exports = { DEFAULTS, LEGACY_OPTIONS, FAULT_KINDS, PRE_CREATE_FAULTS, AFTER_CREATE_FAULTS, mergeOptions };
