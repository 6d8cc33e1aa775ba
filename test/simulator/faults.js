'use strict';
// Transient faults: a queue of one-shot faults (injectFaults) consumed in order, plus random faults at `faultRate` on
// submit/query. Pre-create kinds (429, 5xx, drop) answer before any task exists; after-create kinds (submit only) strike once
// the task was created and billed.
const { AFTER_CREATE_FAULTS, FAULT_KINDS } = require('./options');
const { sendJson } = require('./http-util');

const MESSAGES = { 429: 'too many requests', 500: 'internal server error', 502: 'bad gateway', 503: 'service unavailable', 504: 'gateway timeout' };
const ROUTES = ['submit', 'query', 'token', 'any'];
const isAfterCreate = (kind) => AFTER_CREATE_FAULTS.includes(kind);

function checked(f) {
	if (f === null || typeof f !== 'object') throw new Error('a fault must be an object');
	const kind = String(f.kind);
	const route = f.route || (isAfterCreate(kind) ? 'submit' : 'any');
	if (!ROUTES.includes(route)) throw new Error(`fault route must be one of ${ROUTES.join(', ')}`);
	if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind: ${kind}`);
	if (isAfterCreate(kind) && route !== 'submit') throw new Error(`fault kind ${kind} needs route "submit" (only a submit creates a task)`);
	if (f.delayMs !== undefined && !(Number(f.delayMs) >= 0)) throw new Error('delayMs must be a number >= 0');
	return { route, kind, count: f.count === undefined ? 1 : Number(f.count), retryAfter: f.retryAfter, delayMs: f.delayMs };
}

function createFaults() {
	let queue = [];
	return {
		/** Queue faults: [{route, kind, count = 1, retryAfter?, delayMs?}] (all checked before any is queued). */
		inject(list) {
			queue.push(...[].concat(list).map(checked).filter((f) => f.count > 0));
		},
		get pending() {
			return queue.map((f) => ({ ...f }));
		},
		clear() {
			queue = [];
		},
		/** The fault for a request on `route`, or null: queued faults first, then random ones. */
		take(route, options, rng) {
			if (!['submit', 'query', 'token'].includes(route)) return null; // downloads never fault
			const i = queue.findIndex((f) => f.route === route || f.route === 'any');
			if (i >= 0) {
				const f = queue[i];
				if (--f.count <= 0) queue.splice(i, 1);
				return { kind: f.kind, retryAfter: f.retryAfter, delayMs: f.delayMs };
			}
			if (route === 'token' || !(options.faultRate > 0)) return null;
			// After-create kinds only make sense for a submit; queries draw from the others.
			const kinds = options.faultKinds.filter((k) => route === 'submit' || !isAfterCreate(k));
			return kinds.length && rng() < options.faultRate ? { kind: kinds[Math.floor(rng() * kinds.length)] } : null;
		},
	};
}

/** Answer (or drop: the client sees a reset / "socket hang up") a request with a pre-create fault. */
function applyFault(req, res, fault, options) {
	if (fault.kind === 'drop') return void req.socket.destroy();
	const status = Number(fault.kind);
	const retryAfter = fault.retryAfter !== undefined ? fault.retryAfter : status === 429 ? options.retryAfterSeconds : undefined;
	sendJson(res, status, { code: status, msg: MESSAGES[status] }, retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
}

module.exports = { createFaults, applyFault, isAfterCreate };
