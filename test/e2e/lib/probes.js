'use strict';
/**
 * Small instruments for the 2.41 e2e suites (n8n.e2e.test.js, callback-wait.test.js): an HTTP
 * recorder, a TCP gate in front of n8n, the trigger's URL signer, the n8n process's resident
 * memory; the plain HTTP helpers come from ./n8n and are passed on.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const { postJson, withLogTail } = require('./n8n');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An HTTP server that records every request ({method, url, headers, body, at}) and answers
 * 200 JSON. Resolves to { url, requests, close }.
 */
async function startRecorder() {
	const requests = [];
	const server = http.createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			let parsed = body;
			try {
				parsed = JSON.parse(body);
			} catch {
				// keep the raw text
			}
			requests.push({ method: request.method, url: request.url, headers: request.headers, body: parsed, at: Date.now() });
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"ok":true}');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(resolve);
			}),
	};
}

/**
 * A TCP relay to a local port that can be closed (every connection is dropped at once, so a
 * sender sees a connection error and retries) and opened again. Resolves to
 * { url, target(port), open(), close(), stop() }.
 */
async function startGate() {
	let targetPort;
	let isOpen = true;
	const sockets = new Set();
	const server = net.createServer((downstream) => {
		if (!isOpen || !targetPort) return downstream.destroy();
		const upstream = net.connect(targetPort, '127.0.0.1');
		const end = () => {
			downstream.destroy();
			upstream.destroy();
			sockets.delete(downstream);
			sockets.delete(upstream);
		};
		for (const socket of [downstream, upstream]) {
			sockets.add(socket);
			socket.on('error', end);
			socket.on('close', end);
		}
		downstream.pipe(upstream);
		upstream.pipe(downstream);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const dropAll = () => {
		for (const socket of sockets) socket.destroy();
	};
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		target(port) {
			targetPort = port;
		},
		open() {
			isOpen = true;
		},
		close() {
			isOpen = false;
			dropAll();
		},
		stop: () =>
			new Promise((resolve) => {
				isOpen = false;
				dropAll();
				server.close(resolve);
			}),
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

/**
 * The pid of the `n8n start` process whose working folder is `userFolder` (test/e2e/lib/n8n.js
 * starts n8n there), found in /proc; undefined when there is none.
 */
function n8nPid(userFolder) {
	const folder = fs.realpathSync(userFolder);
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (argv[2] !== 'start' || !/n8n\/bin\/n8n$/.test(argv[1] ?? '')) continue;
			if (fs.readlinkSync(`/proc/${entry}/cwd`) === folder) return Number(entry);
		} catch {
			// the process went away, or is not ours to read
		}
	}
	return undefined;
}

/** VmRSS (and VmHWM, the peak) of a process in bytes, from /proc/<pid>/status. */
function residentBytes(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Samples a process's VmRSS every `everyMs` until stop(); stop() resolves to the highest seen. */
function sampleResident(pid, everyMs = 50) {
	let highest = residentBytes(pid).rss;
	const timer = setInterval(() => {
		try {
			highest = Math.max(highest, residentBytes(pid).rss);
		} catch {
			// the process ended
		}
	}, everyMs);
	return {
		stop() {
			clearInterval(timer);
			try {
				highest = Math.max(highest, residentBytes(pid).rss);
			} catch {
				// the process ended
			}
			return highest;
		},
	};
}

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Polls `check` until it returns a truthy value, which it resolves to; throws past `timeoutMs`. */
async function until(check, timeoutMs, what, pollMs = 250) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(pollMs);
	}
}

module.exports = {
	sleep,
	until,
	postJson,
	withLogTail,
	startRecorder,
	startGate,
	triggerSignature,
	signedUrl,
	n8nPid,
	residentBytes,
	sampleResident,
	megabytes,
};
