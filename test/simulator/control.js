'use strict';
// /__sim/* routes: let other processes (e2e, demo, bench) inspect and steer a running simulator. No auth and never recorded in
// sim.requests, so they do not disturb what tests assert on.
const { parseJson, sendJson } = require('./http-util');

const GETS = {
	requests: (sim, url) => {
		const filter = url.searchParams.get('path');
		return filter ? sim.requests.filter((r) => r.path.includes(filter)) : sim.requests;
	},
	callbacks: (sim) => sim.callbacks,
	stats: (sim) => ({ ...sim.stats, duplicatedInputs: sim.duplicatedInputs() }),
	tasks: (sim) => [...sim.tasks.values()],
	config: (sim) => sim.options,
	health: (sim) => ({ ok: true, url: sim.url }),
};
const POSTS = {
	reset: (sim) => (sim.reset(), { ok: true }),
	config: (sim, value = {}) => sim.configure(value),
	faults: (sim, value = []) => (sim.injectFaults(value), { ok: true, pending: sim.pendingFaults }),
};

const TABLES = { GET: GETS, POST: POSTS };

function handleControl(req, res, sim, url, raw) {
	const name = url.pathname.slice('/__sim/'.length);
	const table = TABLES[req.method];
	if (!table || !Object.hasOwn(table, name)) {
		return sendJson(res, 404, { code: 404, msg: `unknown control route ${req.method} ${url.pathname}` });
	}
	let arg = url;
	if (req.method === 'POST') {
		const parsed = name === 'reset' || raw.trim() === '' ? { ok: true, value: undefined } : parseJson(raw);
		if (!parsed.ok) return sendJson(res, 400, { code: 400, msg: 'body is not valid JSON' });
		arg = parsed.value;
	}
	try {
		return sendJson(res, 200, table[name](sim, arg));
	} catch (e) {
		return sendJson(res, 400, { code: 400, msg: e.message });
	}
}

module.exports = { handleControl };
