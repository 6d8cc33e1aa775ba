'use strict';
// /__sim/* routes: let other processes (e2e, demo, bench) inspect and steer a running simulator.
// No auth and never recorded in sim.requests, so they do not disturb what tests assert on.
const { parseJson, sendJson } = require('./http-util');

function handleControl(req, res, sim, url, raw) {
	const name = url.pathname.slice('/__sim/'.length);
	const get = req.method === 'GET';
	const post = req.method === 'POST';
	try {
		if (get && name === 'requests') {
			const filter = url.searchParams.get('path');
			return sendJson(
				res,
				200,
				filter ? sim.requests.filter((r) => r.path.includes(filter)) : sim.requests,
			);
		}
		if (get && name === 'callbacks') return sendJson(res, 200, sim.callbacks);
		if (get && name === 'stats')
			return sendJson(res, 200, { ...sim.stats, duplicatedInputs: sim.duplicatedInputs() });
		if (get && name === 'tasks') return sendJson(res, 200, [...sim.tasks.values()]);
		if (get && name === 'config') return sendJson(res, 200, sim.options);
		if (get && name === 'health') return sendJson(res, 200, { ok: true, url: sim.url });
		if (post && name === 'reset') {
			sim.reset();
			return sendJson(res, 200, { ok: true });
		}
		if (post && (name === 'config' || name === 'faults')) {
			const parsed =
				raw.trim() === '' ? { ok: true, value: name === 'config' ? {} : [] } : parseJson(raw);
			if (!parsed.ok) return sendJson(res, 400, { code: 400, msg: 'body is not valid JSON' });
			if (name === 'config') return sendJson(res, 200, sim.configure(parsed.value));
			sim.injectFaults(parsed.value);
			return sendJson(res, 200, { ok: true, pending: sim.pendingFaults });
		}
	} catch (e) {
		return sendJson(res, 400, { code: 400, msg: e.message });
	}
	return sendJson(res, 404, {
		code: 404,
		msg: `unknown control route ${req.method} ${url.pathname}`,
	});
}

module.exports = { handleControl };
