'use strict';
// Business codes the simulator answers with. ToMoviee's task-query page says only that non-zero
// codes have six digits and start with 68 (e.g. 680001, insufficient balance); the other numbers
// are this simulator's choice. `errorCodes: 'legacy'` gives the codes of the pre-vendor notes,
// where a failed task was answered with code 0.

const VENDOR = Object.freeze({
	insufficientBalance: 680001,
	taskNotFound: 680002,
	taskFailed: 680003,
	taskCancelled: 680004,
	taskTimedOut: 680005,
	invalidParameter: 680006,
	wsidMissing: 680007,
	wsidMismatch: 680007,
	auth: 680008,
	unknownCapability: 680009,
});

const LEGACY = Object.freeze({
	insufficientBalance: 0,
	taskNotFound: 40401,
	taskFailed: 0,
	taskCancelled: 0,
	taskTimedOut: 0,
	invalidParameter: 40001,
	wsidMissing: 40001,
	wsidMismatch: 40301,
	auth: 40101,
	unknownCapability: 40401,
});

/** The numeric code for a named condition under the configured `errorCodes` table. */
function codeFor(name, options) {
	const table = options.errorCodes === 'legacy' ? LEGACY : VENDOR;
	if (!(name in table)) throw new Error(`no code named ${name}`);
	return table[name];
}

/** An error answer: `{code, msg, data: null}` (vendor) or `{code, msg}` (legacy, as before). */
function errorBody(name, msg, options) {
	const code = codeFor(name, options);
	return options.errorCodes === 'legacy' ? { code, msg } : { code, msg, data: null };
}

module.exports = { VENDOR_CODES: VENDOR, LEGACY_CODES: LEGACY, codeFor, errorBody };
