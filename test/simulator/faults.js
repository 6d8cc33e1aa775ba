'use strict';
// Transient faults: a queue of one-shot faults (injectFaults) consumed in order, plus random
// faults at `faultRate` on submit/query. Pre-create kinds (429, 5xx, drop) answer before any
// task exists; after-create kinds (submit only) strike once the task was created and billed.
const { AFTER_CREATE_FAULTS, PRE_CREATE_FAULTS } = require('./options');

const MESSAGES = {
	429: 'too many requests',
	500: 'internal server error',
	502: 'bad gateway',
	503: 'service unavailable',
	504: 'gateway timeout',
};

const ROUTES = ['submit', 'query', 'token', 'any'];
const isAfterCreate = (kind) => AFTER_CREATE_FAULTS.includes(kind);

function createFaults() {
	let queue = [];

	return {
		/** Queue faults: [{route, kind, count = 1, retryAfter?, delayMs?}]. */
		inject(list) {
			const checked = [];
			for (const f of [].concat(list)) {
				if (f === null || typeof f !== 'object') throw new Error('a fault must be an object');
				const route = f.route || (isAfterCreate(String(f.kind)) ? 'submit' : 'any');
				const kind = String(f.kind);
				if (!ROUTES.includes(route))
					throw new Error(`fault route must be one of ${ROUTES.join(', ')}`);
				if (!PRE_CREATE_FAULTS.includes(kind) && !isAfterCreate(kind))
					throw new Error(`unknown fault kind: ${kind}`);
				if (isAfterCreate(kind) && route !== 'submit')
					throw new Error(`fault kind ${kind} needs route "submit" (only a submit creates a task)`);
				if (f.delayMs !== undefined && !(Number(f.delayMs) >= 0))
					throw new Error('delayMs must be a number >= 0');
				const count = f.count === undefined ? 1 : Number(f.count);
				if (count > 0) checked.push({ route, kind, count, retryAfter: f.retryAfter, delayMs: f.delayMs });
			}
			queue.push(...checked);
		},
		get pending() {
			return queue.map((f) => ({ ...f }));
		},
		clear() {
			queue = [];
		},
		/** The fault to apply to a request on `route`, or null. Queued faults first, then random. */
		take(route, options, rng) {
			// 'any' means any API route (submit, query, token), never downloads.
			const api = route === 'submit' || route === 'query' || route === 'token';
			const i = api ? queue.findIndex((f) => f.route === route || f.route === 'any') : -1;
			if (i >= 0) {
				const f = queue[i];
				if (--f.count <= 0) queue.splice(i, 1);
				return { kind: f.kind, retryAfter: f.retryAfter, delayMs: f.delayMs };
			}
			if ((route === 'submit' || route === 'query') && options.faultRate > 0) {
				// After-create kinds only make sense for a submit; queries draw from the others.
				const kinds = options.faultKinds.filter((k) => route === 'submit' || !isAfterCreate(k));
				if (kinds.length && rng() < options.faultRate) {
					return { kind: kinds[Math.floor(rng() * kinds.length)] };
				}
			}
			return null;
		},
	};
}

/** Answer (or drop) a request with a pre-create fault. */
function applyFault(req, res, fault, options, sendJson) {
	if (fault.kind === 'drop') {
		// No answer at all: the client sees a reset / "socket hang up".
		req.socket.destroy();
		return;
	}
	const status = Number(fault.kind);
	const headers = {};
	if (status === 429 || fault.retryAfter !== undefined) {
		headers['Retry-After'] = String(
			fault.retryAfter !== undefined ? fault.retryAfter : options.retryAfterSeconds,
		);
	}
	sendJson(res, status, { code: status, msg: MESSAGES[status] }, headers);
}

module.exports = { createFaults, applyFault, isAfterCreate, MESSAGES };
