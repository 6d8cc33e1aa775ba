'use strict';
// Defaults and checks for simulator options, shared by createSimulator, configure() and POST /__sim/config.

const DEFAULTS = Object.freeze({
	appKey: 'test-key',
	appSecret: 'test-secret',
	wsid: undefined,
	taskDurationMs: 300,
	latencyMs: 0,
	authFailure: 'http401',
	callbackForm: 'envelope',
	callbackRetries: 3,
	callbackTimeoutMs: 5000,
	maxInFlight: Infinity,
	retryAfterSeconds: 1,
	faultRate: 0,
	faultKinds: ['429', '503', 'drop'],
	seed: 1,
	publicUrl: undefined,
	validationStatus: 200,
	failImages: [],
	recordLimit: 100000,
});

const FAULT_KINDS = ['429', '500', '502', '503', '504', 'drop'];
const CHOICES = {
	authFailure: ['http401', 'code'],
	callbackForm: ['envelope', 'bare', 'camel'],
	validationStatus: [200, 400],
};

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
	if (out.publicUrl) out.publicUrl = String(out.publicUrl).replace(/\/+$/, '');
	return out;
}

module.exports = { DEFAULTS, FAULT_KINDS, mergeOptions };
