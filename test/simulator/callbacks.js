'use strict';
// Callback delivery: POST the finished task to the submit's callback URL (as given, query kept) in the configured body form,
// retrying non-2xx answers and connection errors with a doubling backoff (callbackBackoffMs, capped at callbackBackoffMaxMs).
const http = require('http');
const https = require('https');
const { sleep } = require('./http-util');

/**
 * The callback body for a finished task at time `at`: `bare` is the task object (what the only depiction shows), `envelope` the
 * query answer `{code, msg, data}`, `camel` camelCase keys.
 */
function callbackBody(task, form, at) {
	if (form === 'envelope') return task.answer(at);
	const view = task.view(at);
	if (form !== 'camel') return view;
	const progress = view.progress !== undefined ? view.progress : view.process;
	const result = view.result ? JSON.parse(view.result) : null;
	return { taskId: view.task_id, status: String(view.status), progress, reason: view.reason, result, params: view.params };
}

/** One POST on a fresh socket (no keep-alive left behind on stop()); resolves {status} or {error}, never rejects. */
function postJson(url, body, timeoutMs, inFlight) {
	return new Promise((resolve) => {
		const payload = Buffer.from(JSON.stringify(body));
		const u = new URL(url);
		const headers = { 'Content-Type': 'application/json', 'Content-Length': payload.length, 'User-Agent': 'tomoviee-simulator' };
		// Only the first settlement counts (a Promise ignores later ones).
		const done = (r) => {
			inFlight.delete(req);
			resolve(r);
		};
		const req = (u.protocol === 'https:' ? https : http).request(u, { method: 'POST', agent: false, headers, timeout: timeoutMs }, (res) => {
			res.resume(); // only the status matters
			res.on('end', () => done({ status: res.statusCode }));
			res.on('error', (e) => done({ status: res.statusCode, error: e.message }));
		});
		inFlight.add(req);
		req.on('timeout', () => req.destroy(new Error(`callback timed out after ${timeoutMs}ms`)));
		req.on('error', (e) => done({ error: e.message || e.code || String(e) }));
		req.end(payload);
	});
}

/** Deliver `task`'s callback. ctx: {options(), record(attempt), stats, timers: Set, requests: Set, isCancelled(task)}. */
async function deliverCallback(task, ctx) {
	const opts = ctx.options();
	const tries = Math.max(1, Number(opts.callbackRetries) || 1);
	const body = callbackBody(task, opts.callbackForm, Math.max(Date.now(), task.finishesAt));
	for (let attempt = 1; attempt <= tries; attempt++) {
		if (ctx.isCancelled(task)) return;
		const sentAt = Date.now();
		const r = await postJson(task.callback, body, opts.callbackTimeoutMs, ctx.requests);
		if (ctx.isCancelled(task)) return;
		const ok = r.status >= 200 && r.status < 300;
		ctx.stats.callbacksSent++;
		if (!ok) ctx.stats.callbacksFailed++;
		const status = r.status === undefined ? null : r.status;
		const at = Date.now();
		ctx.record({ url: task.callback, body, status, error: r.error || null, at, answerMs: at - sentAt, task_id: task.task_id, attempt });
		if (ok) {
			ctx.stats.callbacksDelivered++;
			task.callbackState = 'delivered';
			return;
		}
		if (attempt < tries) await sleep(Math.min(opts.callbackBackoffMaxMs, opts.callbackBackoffMs * 2 ** (attempt - 1)), ctx.timers);
	}
	ctx.stats.callbacksGivenUp++;
	task.callbackState = 'failed';
}

module.exports = { deliverCallback, callbackBody };
