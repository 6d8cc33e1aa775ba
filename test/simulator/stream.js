'use strict';
// An endless-looking download: `total` bytes in 64 KB chunks, no Content-Length (chunked), one
// chunk at a time so a slow or vanished reader stops it. Only bytes the socket took are counted.
const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * Stream `total` bytes that start with `head` (a real file header, so type sniffing passes).
 * onBytes(n) is called for each chunk once the socket has accepted it.
 */
function streamBytes(req, res, { total, head, contentType, onBytes }) {
	res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
	if (req.method === 'HEAD') return void res.end();
	let sent = 0;
	let stopped = false;
	res.once('close', () => {
		stopped = true;
	});
	const next = () => {
		if (stopped || res.destroyed) return;
		if (sent >= total) return void res.end();
		const n = Math.min(CHUNK, total - sent);
		let chunk = ZEROS.subarray(0, n);
		if (sent === 0) {
			chunk = Buffer.alloc(n);
			head.copy(chunk, 0, 0, Math.min(head.length, n));
		}
		// The write callback fires once the chunk reached the socket (kernel), not a user-space buffer.
		res.write(chunk, (err) => {
			if (err) {
				stopped = true;
				return;
			}
			sent += n;
			onBytes(n);
			next();
		});
	};
	next();
}

module.exports = { streamBytes, CHUNK };
