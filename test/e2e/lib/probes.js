'use strict';
/**
 * Small instruments around a real n8n: an HTTP recorder (the "downstream step" workflows post
 * to), a TCP gate in front of n8n that can drop every connection, and the trigger's URL signature.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const net = require('node:net');

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
const closeServer = (server) =>
	new Promise((resolve) => {
		server.closeAllConnections?.();
		server.close(() => resolve());
	});

/**
 * An HTTP server that answers 200 JSON and records every request: { method, url, path, query,
 * headers, raw (Buffer), body (parsed JSON, else the text), at }. Resolves to { url, requests, on(path), close }.
 */
async function startRecorder() {
	const requests = [];
	const server = http.createServer(async (request, response) => {
		const chunks = [];
		for await (const chunk of request) chunks.push(chunk);
		const raw = Buffer.concat(chunks);
		const { pathname, searchParams } = new URL(request.url, 'http://recorder');
		let body = raw.toString('utf8');
		try {
			body = JSON.parse(body);
		} catch {
			// keep the text
		}
		const query = Object.fromEntries(searchParams);
		requests.push({ method: request.method, url: request.url, path: pathname, query, headers: request.headers, raw, body, at: Date.now() });
		response.writeHead(200, { 'content-type': 'application/json' });
		response.end('{"ok":true}');
	});
	return {
		url: await listen(server),
		requests,
		on: (pathname) => requests.filter((request) => request.path === pathname),
		close: () => closeServer(server),
	};
}

/**
 * A TCP relay to a local port that can be closed (every connection is dropped at once, so a
 * sender sees a connection error and retries) and opened again: { url, target(port), open(), close(), stop() }.
 */
async function startGate() {
	let targetPort;
	let isOpen = true;
	const sockets = new Set();
	const server = net.createServer((downstream) => {
		if (!isOpen || !targetPort) return downstream.destroy();
		const upstream = net.connect(targetPort, '127.0.0.1');
		for (const socket of [downstream, upstream]) {
			sockets.add(socket);
			const end = () => {
				downstream.destroy();
				upstream.destroy();
				sockets.delete(socket);
			};
			socket.on('error', end);
			socket.on('close', end);
		}
		downstream.pipe(upstream);
		upstream.pipe(downstream);
	});
	const close = () => {
		isOpen = false;
		for (const socket of sockets) socket.destroy();
	};
	return {
		url: await listen(server),
		target: (port) => (targetPort = port),
		open: () => (isOpen = true),
		close,
		stop() {
			close();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

/** tm_signature = base64url(HMAC-SHA256(app secret, origin + pathname)) of a URL. */
function triggerSignature(secret, url) {
	const { origin, pathname } = new URL(url);
	return crypto.createHmac('sha256', secret).update(origin + pathname).digest('base64url');
}

/** `url` with its tm_signature parameter set (signed with `secret`, for the URL `signedFor`). */
function signedUrl(url, secret, signedFor = url) {
	const signed = new URL(url);
	signed.searchParams.set('tm_signature', triggerSignature(secret, signedFor));
	return signed.toString();
}

module.exports = { startRecorder, startGate, triggerSignature, signedUrl };
