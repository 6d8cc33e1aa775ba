'use strict';
// Business codes. ToMoviee's task-query page says only that non-zero codes have six digits and start with 68 (680001:
// insufficient balance); the other numbers are this simulator's choice. `errorCodes: 'legacy'` gives the pre-vendor codes,
// where a failed task was answered with code 0.

// name: [vendor, legacy]
const CODES = {
	insufficientBalance: [680001, 0],
	taskNotFound: [680002, 40401],
	taskFailed: [680003, 0],
	taskCancelled: [680004, 0],
	taskTimedOut: [680005, 0],
	invalidParameter: [680006, 40001],
	wsidMissing: [680007, 40001],
	wsidMismatch: [680007, 40301],
	auth: [680008, 40101],
	unknownCapability: [680009, 40401],
};

/** The numeric code for a named condition under the configured `errorCodes` table. */
function codeFor(name, options) {
	if (!(name in CODES)) throw new Error(`no code named ${name}`);
	return CODES[name][options.errorCodes === 'legacy' ? 1 : 0];
}

/** An error answer: `{code, msg, data: null}` (vendor) or `{code, msg}` (legacy, as before). */
function errorBody(name, msg, options) {
	const code = codeFor(name, options);
	return options.errorCodes === 'legacy' ? { code, msg } : { code, msg, data: null };
}

module.exports = { codeFor, errorBody };
