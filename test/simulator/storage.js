'use strict';
// A stand-in for the user's own file storage (not ToMoviee): `PUT /storage/<name>` stores the
// body as a presigned S3/GCS/Azure upload URL would, `GET /storage/<name>` serves it publicly.
// The file-to-URL example uploads a file an item holds here, then hands ToMoviee the public URL.
const { send } = require('./http-util');

const NAME_RE = /^\/storage\/([A-Za-z0-9._-]{1,200})$/;
const MAX_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 200;

function createStorage() {
	const files = new Map();

	function readBytes(req) {
		return new Promise((resolve, reject) => {
			const chunks = [];
			let size = 0;
			req.on('data', (chunk) => {
				size += chunk.length;
				if (size <= MAX_BYTES) chunks.push(chunk);
			});
			req.on('end', () => resolve(size <= MAX_BYTES ? Buffer.concat(chunks) : undefined));
			req.on('error', reject);
		});
	}

	async function handle(req, res, url) {
		const match = NAME_RE.exec(url.pathname);
		if (!match) return send(res, 404, 'Not Found', { 'Content-Type': 'text/plain' });
		const name = match[1];
		if (req.method === 'PUT') {
			const bytes = await readBytes(req);
			if (!bytes) return send(res, 413, 'Too large', { 'Content-Type': 'text/plain' });
			if (!files.has(name) && files.size >= MAX_FILES) files.delete(files.keys().next().value);
			files.set(name, { bytes, contentType: String(req.headers['content-type'] || 'application/octet-stream') });
			return send(res, 200, '', {});
		}
		if (req.method === 'GET' || req.method === 'HEAD') {
			const file = files.get(name);
			if (!file) return send(res, 404, 'Not Found', { 'Content-Type': 'text/plain' });
			return send(res, 200, file.bytes, { 'Content-Type': file.contentType });
		}
		return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD, PUT' });
	}

	return { handle, files, reset: () => files.clear() };
}

module.exports = { createStorage };
