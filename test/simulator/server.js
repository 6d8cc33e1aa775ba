'use strict';
// createSimulator: a local stand-in for the ToMoviee open API gateway (see README.md).
const http = require('http');
const { DEFAULTS, mergeOptions } = require('./options');
const { createFaults, applyFault, isAfterCreate } = require('./faults');
const { deliverCallback } = require('./callbacks');
const { HANDLERS, API_ROUTES, routeOf, capabilityOf } = require('./routes');
const { handleControl } = require('./control');
const { readBody, parseJson, sendJson, sleep } = require('./http-util');
const { createStorage } = require('./storage');
const { Task, newTaskId } = require('./tasks');

/** Seeded PRNG (mulberry32), so fault draws and random durations repeat run to run. */
function createRng(seed) {
	let a = Number(seed) >>> 0 || 1;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), a | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// What each counts: README.md, `sim.stats`.
const freshStats = () => ({
	inFlight: 0, maxInFlight: 0,
	byRoute: { submit: 0, query: 0, token: 0, mask: 0, media: 0, other: 0 },
	submitsByCapability: Object.create(null), tasksCreated: 0, createdByInput: Object.create(null),
	streamedBytes: 0, redirected: 0, faults: 0, rejected: 0,
	callbacksSent: 0, callbacksFailed: 0, callbacksDelivered: 0, callbacksGivenUp: 0,
});

function createSimulator(userOptions = {}) {
	let options = mergeOptions(DEFAULTS, userOptions);
	let rng = createRng(options.seed);
	const faults = createFaults();
	const storage = createStorage();
	const stats = freshStats();
	const tasks = new Map();
	const requests = [];
	const callbacks = [];
	const sockets = new Set();
	const timers = new Set(); // callback schedules and backoffs (cancelled by reset and stop)
	const latencyTimers = new Set(); // per-request delays (cancelled by stop only)
	const outgoing = new Set(); // callback requests in flight
	let server = null;
	let listenUrl;
	let epoch = 0; // bumped by stop()/reset() so stale callback deliveries and streams stop counting

	function scheduleCallback(task) {
		if (!task.callback || !task.outcome) return; // "never" tasks have nothing to report
		if (task.callbackLost) return void (task.callbackState = 'lost');
		const myEpoch = epoch;
		const record = (attempt) => callbacks.push(attempt);
		const isCancelled = (t) => epoch !== myEpoch || tasks.get(t.task_id) !== t;
		const delivery = { options: () => options, stats, timers, requests: outgoing, record, isCancelled };
		const t = setTimeout(() => {
			timers.delete(t);
			deliverCallback(task, delivery).catch(() => {});
		}, Math.max(0, task.finishesAt - Date.now()));
		timers.add(t);
	}

	const ctx = {
		options: () => options,
		tasks,
		stats,
		epoch: () => epoch,
		sleep: (ms) => sleep(ms, latencyTimers),
		createTask(spec, body) {
			const now = Date.now();
			const d = options.taskDurationMs;
			const task = new Task(spec, body, {
				id: newTaskId(spec.name, options.taskIdForm, now, (id) => tasks.has(id)),
				now,
				durationMs: Array.isArray(d) ? Math.round(d[0] + rng() * (d[1] - d[0])) : Number(d),
				options,
				opts: () => options,
				base: () => options.publicUrl || listenUrl,
			});
			tasks.set(task.task_id, task);
			stats.tasksCreated++;
			stats.createdByInput[task.input] = (stats.createdByInput[task.input] || 0) + 1;
			scheduleCallback(task);
			return task;
		},
	};

	function record(req, url, raw, at) {
		const parsed = raw === '' ? { ok: false } : parseJson(raw);
		const query = Object.fromEntries(url.searchParams);
		requests.push({ method: req.method, url: req.url, path: url.pathname, query, headers: { ...req.headers }, body: parsed.ok ? parsed.value : raw, at });
		// Memory stays bounded in long benchmarks: the oldest 10% go past the limit.
		if (requests.length > options.recordLimit) requests.splice(0, Math.ceil(options.recordLimit / 10));
	}

	async function onRequest(req, res) {
		const at = Date.now();
		const url = new URL(req.url, 'http://simulator.local');
		if (url.pathname.startsWith('/__sim/')) return handleControl(req, res, sim, url, (await readBody(req)).raw);
		// The user's own storage, not ToMoviee's: uploads are bytes, not recorded as API requests.
		if (url.pathname.startsWith('/storage/')) return storage.handle(req, res, url);
		const route = routeOf(url.pathname);
		stats.byRoute[route]++;
		const capability = route === 'submit' && capabilityOf(url.pathname);
		if (capability) stats.submitsByCapability[capability] = (stats.submitsByCapability[capability] || 0) + 1;
		// Decided at arrival, before the body is read: that is when a loaded gateway sheds requests.
		const rejected = stats.inFlight >= options.maxInFlight;
		if (!rejected) {
			stats.inFlight++;
			stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
			res.once('close', () => stats.inFlight--);
		}
		const { raw, tooLarge } = await readBody(req);
		record(req, url, raw, at);
		const api = API_ROUTES.includes(route);
		if (api && options.latencyMs > 0) await sleep(options.latencyMs, latencyTimers);
		if (res.destroyed) return undefined;
		if (rejected) {
			stats.rejected++;
			return sendJson(res, 429, { code: 429, msg: 'too many requests' }, { 'Retry-After': String(options.retryAfterSeconds) });
		}
		if (api && options.redirectApiTo) {
			stats.redirected++;
			const location = options.redirectApiTo + req.url;
			return sendJson(res, 302, { code: 302, msg: `moved to ${location}` }, { Location: location });
		}
		const fault = faults.take(route, options, rng);
		if (fault && !isAfterCreate(fault.kind)) {
			stats.faults++;
			return applyFault(req, res, fault, options);
		}
		if (tooLarge) return sendJson(res, 413, { code: 413, msg: 'request body too large' });
		// After-create faults go to the submit handler, which plays them once the task exists.
		return HANDLERS[route](req, res, ctx, url, raw, fault || undefined);
	}

	function forgetCallbacks() {
		epoch++;
		for (const t of timers) clearTimeout(t);
		timers.clear();
		for (const r of outgoing) r.destroy();
		outgoing.clear();
	}

	const sim = {
		get requests() { return requests; },
		get callbacks() { return callbacks; },
		get storedFiles() { return storage.files; },
		get tasks() { return tasks; },
		get stats() { return stats; },
		get options() { return { ...options }; },
		get url() { return listenUrl; },
		get pendingFaults() { return faults.pending; },

		start(port = 0, host = '127.0.0.1') {
			if (server) return Promise.reject(new Error('simulator already started'));
			server = http.createServer((req, res) => {
				onRequest(req, res).catch((e) => sendJson(res, 500, { code: 500, msg: `simulator bug: ${e.message}` }));
			});
			server.on('connection', (s) => {
				sockets.add(s);
				s.once('close', () => sockets.delete(s));
			});
			return new Promise((resolve, reject) => {
				server.once('error', reject);
				// A deep backlog so ~1000 simultaneous connects are not refused.
				server.listen({ port, host, backlog: 4096 }, () => {
					server.off('error', reject);
					const actual = server.address().port;
					const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
					listenUrl = `http://${shown}:${actual}`;
					resolve({ url: listenUrl, port: actual });
				});
			});
		},

		/** Closes the server and every keep-alive socket; cancels latency timers, slow answers and callbacks. */
		async stop() {
			forgetCallbacks();
			for (const t of latencyTimers) clearTimeout(t);
			latencyTimers.clear();
			if (!server) return;
			const closing = server;
			server = null;
			const closed = new Promise((resolve) => closing.close(() => resolve()));
			for (const sock of sockets) sock.destroy();
			sockets.clear();
			await closed;
		},

		/** Change options at run time; returns the resulting options. */
		configure(partial = {}) {
			const next = mergeOptions(options, partial);
			if (partial.seed !== undefined) rng = createRng(next.seed);
			options = next;
			return { ...options };
		},

		injectFaults: (list) => faults.inject(list),

		/** Inputs with more than one created task: [{input, count}] ([] = nothing billed twice). */
		duplicatedInputs() {
			return Object.entries(stats.createdByInput).flatMap(([input, count]) => (count > 1 ? [{ input, count }] : []));
		},

		/** Forget requests, tasks (and their pending callbacks), callbacks, stats and queued faults. */
		reset() {
			forgetCallbacks();
			requests.length = 0;
			callbacks.length = 0;
			tasks.clear();
			storage.reset();
			faults.clear();
			// Requests being served right now are still real.
			Object.assign(stats, freshStats(), { inFlight: stats.inFlight });
			rng = createRng(options.seed);
		},
	};
	return sim;
}

module.exports = { createSimulator };
