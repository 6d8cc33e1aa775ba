'use strict';
// Small request/response helpers shared by the API and control routes.

const MAX_BODY = 1024 * 1024;

/** Read the whole body (capped); resolves {raw, tooLarge}. */
function readBody(req) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_BODY) tooLarge = true;
			else chunks.push(c);
		});
		req.on('end', () => resolve({ raw: Buffer.concat(chunks).toString('utf8'), tooLarge }));
		req.on('error', () =>
			resolve({
				raw: Buffer.concat(chunks).toString('utf8'),
				tooLarge,
				aborted: true,
			}),
		);
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

function send(res, status, body, headers = {}) {
	if (res.headersSent || res.destroyed || res.writableEnded) return;
	const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
	res.writeHead(status, { 'Content-Length': buf.length, ...headers });
	res.end(res.req && res.req.method === 'HEAD' ? undefined : buf);
}

function sendJson(res, status, obj, headers = {}) {
	// JSON.stringify turns Infinity into null, which is what /__sim/config documents.
	send(res, status, JSON.stringify(obj), {
		'Content-Type': 'application/json; charset=utf-8',
		...headers,
	});
}

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
