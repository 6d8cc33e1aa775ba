'use strict';
// createSimulator: a local stand-in for the ToMoviee open API gateway (see README.md).
const http = require('http');
const { DEFAULTS, mergeOptions } = require('./options');
const { createRng } = require('./rng');
const { createFaults, applyFault, isAfterCreate } = require('./faults');
const { deliverCallback } = require('./callbacks');
const { HANDLERS, API_ROUTES, routeOf, capabilityOf } = require('./routes');
const { handleControl } = require('./control');
const { readBody, sendJson, sleep } = require('./http-util');
const { createStorage } = require('./storage');

const freshStats = () => ({
	inFlight: 0,
	maxInFlight: 0, // high-water mark of concurrently served requests
	byRoute: { submit: 0, query: 0, token: 0, mask: 0, media: 0, other: 0 },
	submitsByCapability: Object.create(null), // submit requests per capability, as they arrive
	tasksCreated: 0,
	createdByInput: Object.create(null), // created tasks per main input (see capabilities/)
	streamedBytes: 0, // bytes of /files/huge.* the sockets accepted
	redirected: 0, // API requests answered 302 because of redirectApiTo
	faults: 0, // injected + random faults answered (or dropped), before or after create
	rejected: 0, // 429s because more than options.maxInFlight were being served
	callbacksSent: 0, // callback POST attempts made
	callbacksFailed: 0, // attempts that got a non-2xx or a connection error
	callbacksDelivered: 0, // callbacks that eventually got a 2xx
	callbacksGivenUp: 0, // callbacks that failed every try
});

function createSimulator(userOptions = {}) {
	let options = mergeOptions(DEFAULTS, userOptions);
	let rng = createRng(options.seed);
	const faults = createFaults();
	const requests = [];
	const callbacks = [];
	const tasks = new Map();
	const storage = createStorage();
	const stats = freshStats();
	const sockets = new Set();
	const timers = new Set(); // callback schedules and retry backoffs (cancelled by reset and stop)
	const latencyTimers = new Set(); // per-request delays (cancelled by stop only)
	const outgoing = new Set(); // callback requests in flight
	let server = null;
	let listenUrl;
	let epoch = 0; // bumped by stop()/reset() so stale callback deliveries give up

	const ctx = {
		options: () => options,
		rng: () => rng(),
		tasks,
		stats,
		epoch: () => epoch,
		base: () => options.publicUrl || listenUrl,
		sleep: (ms) => sleep(ms, latencyTimers),
		countFault: () => {
			stats.faults++;
		},
		countCreated(task) {
			stats.tasksCreated++;
			const key = String(task.input);
			stats.createdByInput[key] = (stats.createdByInput[key] || 0) + 1;
		},
		scheduleCallback(task) {
			if (!task.callback || !task.outcome) return; // "never" tasks have nothing to report
			if (task.callbackLost) {
				task.callbackState = 'lost';
				return;
			}
			const myEpoch = epoch;
			const deliveryCtx = {
				options: () => options,
				stats,
				timers,
				requests: outgoing,
				record: (attempt) => callbacks.push(attempt),
				isCancelled: (t) => epoch !== myEpoch || tasks.get(t.task_id) !== t,
			};
			const t = setTimeout(
				() => {
					timers.delete(t);
					deliverCallback(task, deliveryCtx).catch(() => {});
				},
				Math.max(0, task.finishesAt - Date.now()),
			);
			timers.add(t);
		},
	};

	function record(req, url, raw, at) {
		let body = raw;
		if (raw !== '') {
			try {
				body = JSON.parse(raw);
			} catch {
				body = raw;
			}
		}
		requests.push({
			method: req.method,
			url: req.url,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			body,
			at,
		});
		// Keep memory bounded in long benchmarks: drop the oldest 10% past the limit.
		if (requests.length > options.recordLimit)
			requests.splice(0, Math.ceil(options.recordLimit / 10));
	}

	async function onRequest(req, res) {
		const at = Date.now();
		const url = new URL(req.url, 'http://simulator.local');
		if (url.pathname.startsWith('/__sim/')) {
			const { raw } = await readBody(req);
			return handleControl(req, res, sim, url, raw);
		}
		// The user's own storage, not ToMoviee's: uploads are bytes, not recorded as API requests.
		if (url.pathname.startsWith('/storage/')) return storage.handle(req, res, url);
		const route = routeOf(url.pathname);
		stats.byRoute[route]++;
		if (route === 'submit') {
			const name = capabilityOf(url.pathname);
			stats.submitsByCapability[name] = (stats.submitsByCapability[name] || 0) + 1;
		}
		// Decide at arrival, before reading the body: that is when a loaded gateway sheds requests.
		const rejected = stats.inFlight >= options.maxInFlight;
		if (!rejected) {
			stats.inFlight++;
			stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
			let counted = true;
			res.once('close', () => {
				if (counted) stats.inFlight--;
				counted = false;
			});
		}
		const { raw, tooLarge } = await readBody(req);
		record(req, url, raw, at);
		const api = API_ROUTES.includes(route);
		if (api && options.latencyMs > 0) await sleep(options.latencyMs, latencyTimers);
		if (res.destroyed) return;
		if (rejected) {
			stats.rejected++;
			return sendJson(
				res,
				429,
				{ code: 429, msg: 'too many requests' },
				{ 'Retry-After': String(options.retryAfterSeconds) },
			);
		}
		if (api && options.redirectApiTo) {
			stats.redirected++;
			const location = options.redirectApiTo + req.url;
			return sendJson(res, 302, { code: 302, msg: `moved to ${location}` }, { Location: location });
		}
		const fault = faults.take(route, options, rng);
		if (fault && !isAfterCreate(fault.kind)) {
			stats.faults++;
			return applyFault(req, res, fault, options, sendJson);
		}
		if (tooLarge) return sendJson(res, 413, { code: 413, msg: 'request body too large' });
		// After-create faults go to the submit handler, which plays them once the task exists.
		return HANDLERS[route](req, res, ctx, url, raw, fault || undefined);
	}

	const sim = {
		get requests() {
			return requests;
		},
		get callbacks() {
			return callbacks;
		},
		/** Files uploaded to /storage/<name>: name -> { bytes, contentType }. */
		get storedFiles() {
			return storage.files;
		},
		get tasks() {
			return tasks;
		},
		get stats() {
			return stats;
		},
		get options() {
			return { ...options };
		},
		get url() {
			return listenUrl;
		},
		get pendingFaults() {
			return faults.pending;
		},

		start(port = 0, host = '127.0.0.1') {
			if (server) return Promise.reject(new Error('simulator already started'));
			server = http.createServer((req, res) => {
				onRequest(req, res).catch((e) =>
					sendJson(res, 500, { code: 500, msg: `simulator bug: ${e.message}` }),
				);
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
					const shown =
						host === '0.0.0.0' || host === '::'
							? '127.0.0.1'
							: host.includes(':')
								? `[${host}]`
								: host;
					listenUrl = `http://${shown}:${actual}`;
					resolve({ url: listenUrl, port: actual });
				});
			});
		},

		async stop() {
			epoch++;
			for (const t of [...timers, ...latencyTimers]) clearTimeout(t);
			timers.clear();
			latencyTimers.clear();
			for (const r of outgoing) r.destroy();
			outgoing.clear();
			if (!server) return;
			const s = server;
			server = null;
			const closed = new Promise((resolve) => s.close(() => resolve()));
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

		injectFaults(list) {
			faults.inject(list);
		},

		/** Inputs with more than one created task: [{input, count}] (0 entries = nothing billed twice). */
		duplicatedInputs() {
			return Object.entries(stats.createdByInput)
				.filter(([, count]) => count > 1)
				.map(([input, count]) => ({ input, count }));
		},

		/** Forget requests, tasks (and their pending callbacks), callbacks, stats and queued faults. */
		reset() {
			epoch++;
			for (const t of timers) clearTimeout(t);
			timers.clear();
			for (const r of outgoing) r.destroy();
			outgoing.clear();
			requests.length = 0;
			callbacks.length = 0;
			tasks.clear();
			storage.reset();
			faults.clear();
			const inFlight = stats.inFlight; // requests being served right now are still real
			Object.assign(stats, freshStats(), { inFlight });
			rng = createRng(options.seed);
		},
	};
	return sim;
}

module.exports = { createSimulator };
