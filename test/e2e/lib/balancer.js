'use strict';
/**
 * An HTTP load balancer in this process in front of n8n's webhook processes (what nginx or a cloud
 * load balancer does in a real setup), for the queue-mode stage and demo. `/webhook/*`,
 * `/webhook-waiting/*` and `/webhook-test/*` go to the webhook processes, each request to the next
 * one in turn (one turn counter per path prefix); anything else to the main. A target that
 * refuses the connection is skipped from then on (as a health check would) and the request goes
 * to the next one; markDown(i) skips one at once.
 *
 * maxInFlightPerTarget: at most that many requests at one webhook process at once, the others wait
 * here (nginx `max_conns` + queue). n8n 2.41's expression engine builds a V8 isolate for every
 * webhook request of a community node (about 90 ms CPU and 15 MB each): 100 callbacks at once cost
 * a webhook process 1.3 GB and starved its database pool (answers after 40-90 s). Measured here.
 *
 * mirror(request) -> true sends the request to every live webhook process at once (a callback
 * delivered once to each); the answer is the one of the process whose turn it was.
 *
 * Every request is recorded: { method, path, url, body, at, ms, status, index, mirrored, targets: [{ index, status, error, ms }] }.
 */
const http = require('node:http');
const { percentile } = require('./process');

function createBalancer({ webhookTargets, mainTarget, mirror = () => false, maxInFlightPerTarget = Infinity }) {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
	const down = new Set();
	const gates = new Map(); // target index -> { active, waiting: [resolve] }
	const turns = new Map();
	const records = [];
	const balancer = { records, down, peakInFlight: 0, markDown: (index) => down.add(index), markUp: (index) => down.delete(index) };
	let server;

	const live = () => webhookTargets.map((target, index) => ({ ...target, index })).filter((target) => !down.has(target.index));
	function inTurn(prefix) {
		const targets = live();
		const turn = turns.get(prefix) ?? 0;
		turns.set(prefix, turn + 1);
		const start = targets.length ? turn % targets.length : 0;
		return [...targets.slice(start), ...targets.slice(0, start)];
	}

	async function send(target, req, body) {
		const gate = target.index === undefined ? undefined : (gates.get(target.index) ?? { active: 0, waiting: [] });
		if (gate) {
			gates.set(target.index, gate);
			if (gate.active >= maxInFlightPerTarget) await new Promise((resolve) => gate.waiting.push(resolve));
			balancer.peakInFlight = Math.max(balancer.peakInFlight, ++gate.active);
		}
		const started = Date.now();
		try {
			return await new Promise((resolve) => {
				const failed = (error) => resolve({ index: target.index, error: error.code || error.message, ms: Date.now() - started });
				const headers = { ...req.headers, host: `127.0.0.1:${target.port}`, 'content-length': String(body.length) };
				delete headers['transfer-encoding'];
				const outgoing = http.request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers, agent }, (res) => {
					const chunks = [];
					res.on('data', (chunk) => chunks.push(chunk));
					res.on('end', () => resolve({ index: target.index, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started }));
					res.on('error', failed);
				});
				outgoing.setTimeout(120_000, () => outgoing.destroy(new Error('balancer: upstream timeout')));
				outgoing.on('error', failed);
				outgoing.end(body);
			});
		} finally {
			if (gate) {
				gate.active--;
				gate.waiting.shift()?.();
			}
		}
	}

	/** Tries the targets in order until one answers; a refused connection marks that target down. */
	async function sendWithFailover(targets, req, body, record) {
		for (const target of targets) {
			if (target.index !== undefined && down.has(target.index)) continue;
			const answer = await send(target, req, body);
			record.targets.push({ index: answer.index, status: answer.status, error: answer.error, ms: answer.ms });
			if (!answer.error) return answer;
			if (target.index !== undefined && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(answer.error)) down.add(target.index);
		}
		return undefined;
	}

	async function handle(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const body = Buffer.concat(chunks);
		const pathname = req.url.split('?')[0];
		const prefix = /^\/(webhook|webhook-waiting|webhook-test)\//.exec(pathname)?.[1];
		const record = { method: req.method, path: pathname, url: req.url, at: Date.now(), targets: [], body: body.subarray(0, 16_384).toString('utf8') };
		records.push(record);
		let answer;
		if (!prefix) {
			answer = await sendWithFailover([mainTarget], req, body, record);
		} else if (mirror({ method: req.method, path: pathname, url: req.url })) {
			record.mirrored = true;
			const [primary, ...others] = inTurn(prefix);
			const answers = await Promise.all([primary, ...others].filter(Boolean).map((target) => sendWithFailover([target], req, body, record)));
			// every target failed: one more go at whatever is still live
			answer = answers.find((a) => a && a.index === primary?.index) ?? answers.find(Boolean) ?? (await sendWithFailover(live(), req, body, record));
		} else {
			answer = await sendWithFailover(inTurn(prefix), req, body, record);
		}
		record.ms = Date.now() - record.at;
		if (!answer) {
			record.status = 502;
			res.writeHead(502, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ code: 502, msg: 'no webhook process answered' }));
			return;
		}
		Object.assign(record, { status: answer.status, index: answer.index });
		const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
		for (const name of ['transfer-encoding', 'connection', 'keep-alive']) delete headers[name];
		res.writeHead(answer.status, headers);
		res.end(answer.body);
	}

	balancer.start = async () => {
		server = http.createServer((req, res) =>
			handle(req, res).catch((error) => {
				if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
				res.end(`balancer error: ${error.message}`);
			}),
		);
		server.keepAliveTimeout = 5_000;
		await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
		balancer.url = `http://127.0.0.1:${server.address().port}`;
		return balancer.url;
	};
	balancer.stop = async () => {
		agent.destroy();
		server?.closeAllConnections();
		if (server) await new Promise((resolve) => server.close(() => resolve()));
		server = undefined;
	};
	return balancer;
}

/**
 * Latency of balancer records: { count, p50, p99, max (as the caller saw it, queueing here
 * included), serviceP50, serviceP99 (at the n8n process), byStatus, byTarget }.
 */
function summarizeRecords(records) {
	const ms = records.map((record) => record.ms).filter((value) => value !== undefined);
	const service = records.flatMap((record) => record.targets.map((attempt) => attempt.ms));
	const byStatus = {};
	const byTarget = {};
	for (const record of records) {
		byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
		for (const { index } of record.targets) {
			const key = index === undefined ? 'main' : `webhook-${index + 1}`;
			byTarget[key] = (byTarget[key] ?? 0) + 1;
		}
	}
	const max = ms.length ? Math.max(...ms) : undefined;
	return { count: records.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max, serviceP50: percentile(service, 50), serviceP99: percentile(service, 99), byStatus, byTarget };
}

module.exports = { createBalancer, summarizeRecords };
