'use strict';
// Defaults and checks for simulator options, shared by createSimulator, configure() and POST /__sim/config.
// The defaults answer the way ToMoviee's own pages show; LEGACY_OPTIONS restores the forms the
// simulator used before those pages were found.

const DEFAULTS = Object.freeze({
	appKey: 'test-key',
	appSecret: 'test-secret',
	wsid: undefined,
	requireWsid: false,
	requireStorageInfo: false,
	taskDurationMs: 300,
	latencyMs: 0,
	authFailure: 'http401',
	errorCodes: 'vendor',
	taskIdForm: 'vendor',
	taskFields: 'vendor',
	progressField: 'progress',
	successReason: 'success',
	resultUrlForm: 'signed',
	resultUrlTtlSeconds: 48 * 3600,
	maskResultKey: 'images_path',
	redrawResultKey: 'images_path',
	scoringResultKey: 'audio_path',
	imageFormat: 'png',
	audioFormat: 'mp3',
	textToVideo1080p: true,
	hugeResults: false,
	hugeBytes: 200 * 1024 * 1024,
	redirectApiTo: undefined,
	validationStatus: 200,
	callbackForm: 'bare',
	callbackRetries: 3,
	callbackTimeoutMs: 5000,
	// pause before try n+1: callbackBackoffMs * 2^(n-1), at most callbackBackoffMaxMs
	callbackBackoffMs: 200,
	callbackBackoffMaxMs: 3_600_000,
	maxInFlight: Infinity,
	retryAfterSeconds: 1,
	faultRate: 0,
	faultKinds: ['429', '503', 'drop'],
	seed: 1,
	publicUrl: undefined,
	failImages: [],
	recordLimit: 100000,
});

/** The simulator's behaviour before issue 11 (tm_<hex> ids, 4xxxx codes, envelope callbacks…). */
const LEGACY_OPTIONS = Object.freeze({
	errorCodes: 'legacy',
	taskIdForm: 'hex',
	taskFields: 'minimal',
	successReason: '',
	resultUrlForm: 'plain',
	callbackForm: 'envelope',
	requireWsid: true,
	requireStorageInfo: true,
});

const PRE_CREATE_FAULTS = ['429', '500', '502', '503', '504', 'drop'];
const AFTER_CREATE_FAULTS = ['drop-after-create', '504-after-create', 'slow-after-create'];
const FAULT_KINDS = [...PRE_CREATE_FAULTS, ...AFTER_CREATE_FAULTS];

const CHOICES = {
	authFailure: ['http401', 'code'],
	errorCodes: ['vendor', 'legacy'],
	taskIdForm: ['vendor', 'hex'],
	taskFields: ['vendor', 'minimal'],
	progressField: ['progress', 'process'],
	resultUrlForm: ['signed', 'plain'],
	maskResultKey: ['images_path', 'mask_path'],
	redrawResultKey: ['images_path', 'image_path'],
	scoringResultKey: ['audio_path', 'video_path'],
	imageFormat: ['png', 'jpeg'],
	audioFormat: ['mp3', 'wav'],
	callbackForm: ['bare', 'envelope', 'camel'],
	validationStatus: [200, 400],
};
const BOOLEANS = ['requireWsid', 'requireStorageInfo', 'textToVideo1080p', 'hugeResults'];

const toBool = (v) => v === true || v === 'true' || v === 1 || v === '1';

function originOf(value) {
	const u = new URL(String(value));
	if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
	return u.origin;
}

/** Merge `partial` over `base`, coercing JSON-friendly values (null maxInFlight = unlimited). */
function mergeOptions(base, partial) {
	const out = { ...base };
	for (const [key, value] of Object.entries(partial || {})) {
		if (!(key in DEFAULTS)) throw new Error(`unknown simulator option: ${key}`);
		out[key] = value;
	}
	// JSON cannot carry Infinity, so null / 0 / negative mean "no limit" when sent over /__sim/config.
	if (out.maxInFlight == null || !(Number(out.maxInFlight) > 0)) out.maxInFlight = Infinity;
	out.validationStatus = Number(out.validationStatus);
	out.faultKinds = [].concat(out.faultKinds).map(String);
	out.failImages = [].concat(out.failImages || []).map(String);
	for (const key of BOOLEANS) out[key] = toBool(out[key]);
	for (const [key, allowed] of Object.entries(CHOICES)) {
		if (!allowed.includes(out[key])) throw new Error(`${key} must be one of ${allowed.join(', ')}`);
	}
	for (const kind of out.faultKinds) {
		if (!FAULT_KINDS.includes(kind)) throw new Error(`faultKinds: unknown kind ${kind}`);
	}
	const d = out.taskDurationMs;
	const durationOk = Array.isArray(d)
		? d.length === 2 && d.every((n) => n >= 0) && d[0] <= d[1]
		: d >= 0;
	if (!durationOk) throw new Error('taskDurationMs must be >= 0 or [minMs, maxMs]');
	if (!(out.faultRate >= 0 && out.faultRate <= 1)) throw new Error('faultRate must be within 0..1');
	if (typeof out.successReason !== 'string') throw new Error('successReason must be a string');
	if (!Number.isFinite(Number(out.resultUrlTtlSeconds)))
		throw new Error('resultUrlTtlSeconds must be a number (negative: links already expired)');
	out.resultUrlTtlSeconds = Number(out.resultUrlTtlSeconds);
	for (const key of ['callbackBackoffMs', 'callbackBackoffMaxMs']) {
		if (!(Number(out[key]) >= 0)) throw new Error(`${key} must be >= 0`);
		out[key] = Number(out[key]);
	}
	if (!(Number(out.hugeBytes) >= 0)) throw new Error('hugeBytes must be >= 0');
	out.hugeBytes = Math.floor(Number(out.hugeBytes));
	if (out.publicUrl) out.publicUrl = String(out.publicUrl).replace(/\/+$/, '');
	if (out.redirectApiTo === null || out.redirectApiTo === '') out.redirectApiTo = undefined;
	if (out.redirectApiTo !== undefined) {
		try {
			out.redirectApiTo = originOf(out.redirectApiTo);
		} catch {
			throw new Error('redirectApiTo must be an http(s) origin such as http://127.0.0.1:9999');
		}
	}
	return out;
}

module.exports = {
	DEFAULTS,
	LEGACY_OPTIONS,
	FAULT_KINDS,
	PRE_CREATE_FAULTS,
	AFTER_CREATE_FAULTS,
	mergeOptions,
};
