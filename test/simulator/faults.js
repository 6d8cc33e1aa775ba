'use strict';
// Transient faults: a queue of one-shot faults (injectFaults) consumed in order, plus random
// faults at `faultRate` on submit/query. Answers mimic a gateway under load.

const MESSAGES = {
	429: 'too many requests',
	500: 'internal server error',
	502: 'bad gateway',
	503: 'service unavailable',
	504: 'gateway timeout',
};

const ROUTES = ['submit', 'query', 'token', 'any'];

function createFaults() {
	let queue = [];

	return {
		/** Queue faults: [{route, kind, count = 1, retryAfter?}]. */
		inject(list) {
			for (const f of [].concat(list)) {
				const route = f.route || 'any';
				const kind = String(f.kind);
				if (!ROUTES.includes(route))
					throw new Error(`fault route must be one of ${ROUTES.join(', ')}`);
				if (kind !== 'drop' && !MESSAGES[kind]) throw new Error(`unknown fault kind: ${kind}`);
				const count = f.count === undefined ? 1 : Number(f.count);
				if (count > 0) queue.push({ route, kind, count, retryAfter: f.retryAfter });
			}
		},
		get pending() {
			return queue.map((f) => ({ ...f }));
		},
		clear() {
			queue = [];
		},
		/** The fault to apply to a request on `route`, or null. Queued faults first, then random. */
		take(route, options, rng) {
			// 'any' means any API route (submit, query, token), never mask downloads.
			const api = route === 'submit' || route === 'query' || route === 'token';
			const i = api ? queue.findIndex((f) => f.route === route || f.route === 'any') : -1;
			if (i >= 0) {
				const f = queue[i];
				if (--f.count <= 0) queue.splice(i, 1);
				return { kind: f.kind, retryAfter: f.retryAfter };
			}
			if (
				(route === 'submit' || route === 'query') &&
				options.faultRate > 0 &&
				options.faultKinds.length
			) {
				if (rng() < options.faultRate) {
					return {
						kind: options.faultKinds[Math.floor(rng() * options.faultKinds.length)],
					};
				}
			}
			return null;
		},
	};
}

/** Answer (or drop) a request with the given fault. */
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

module.exports = { createFaults, applyFault, MESSAGES };
