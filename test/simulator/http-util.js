'use strict';
// Small request/response helpers shared by the API, control and storage routes.

/** Read the whole body, keeping at most `max` bytes; resolves {bytes, raw (utf8), tooLarge}. */
function readBody(req, max = 1024 * 1024) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		const done = () => {
			const bytes = Buffer.concat(chunks);
			resolve({ bytes, raw: bytes.toString('utf8'), tooLarge: size > max });
		};
		req.on('data', (c) => {
			size += c.length;
			if (size <= max) chunks.push(c);
		});
		req.on('end', done);
		req.on('error', done);
	});
}

/** {ok, value} for a JSON text; ok is false when it does not parse. */
function parseJson(raw) {
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch {
		return { ok: false, value: undefined };
	}
}

/** Sends a whole answer (no body for HEAD), unless the response is already gone. */
function send(res, status, body, headers = {}) {
	if (res.headersSent || res.destroyed || res.writableEnded) return;
	const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
	res.writeHead(status, { 'Content-Length': buf.length, ...headers });
	res.end(res.req && res.req.method === 'HEAD' ? undefined : buf);
}

// JSON.stringify turns Infinity into null, which is what /__sim/config documents.
const sendJson = (res, status, obj, headers = {}) =>
	send(res, status, JSON.stringify(obj), { 'Content-Type': 'application/json; charset=utf-8', ...headers });

/** A pause whose timer sits in `timers` until it fires, so stop()/reset() can cancel it. */
function sleep(ms, timers) {
	return new Promise((resolve) => {
		const t = setTimeout(() => {
			timers.delete(t);
			resolve();
		}, ms);
		timers.add(t);
	});
}

module.exports = { readBody, parseJson, send, sendJson, sleep };
