'use strict';
// A stand-in for the user's own file storage (not ToMoviee): `PUT /storage/<name>` stores the body as a presigned S3/GCS/Azure
// upload URL would, `GET /storage/<name>` serves it publicly. The file-to-URL example uploads a file an item holds here, then
// hands ToMoviee the public URL.
const { readBody, send } = require('./http-util');

const NAME_RE = /^\/storage\/([A-Za-z0-9._-]{1,200})$/;
const MAX_BYTES = 20 * 1024 * 1024;
const MAX_FILES = 200;
const text = (res, status, body) => send(res, status, body, { 'Content-Type': 'text/plain' });

function createStorage() {
	const files = new Map();

	async function handle(req, res, url) {
		const name = (NAME_RE.exec(url.pathname) || [])[1];
		if (!name) return text(res, 404, 'Not Found');
		if (req.method === 'PUT') {
			const { bytes, tooLarge } = await readBody(req, MAX_BYTES);
			if (tooLarge) return text(res, 413, 'Too large');
			if (!files.has(name) && files.size >= MAX_FILES) files.delete(files.keys().next().value);
			files.set(name, { bytes, contentType: String(req.headers['content-type'] || 'application/octet-stream') });
			return send(res, 200, '');
		}
		if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD, PUT' });
		const file = files.get(name);
		return file ? send(res, 200, file.bytes, { 'Content-Type': file.contentType }) : text(res, 404, 'Not Found');
	}

	return { handle, files, reset: () => files.clear() };
}

module.exports = { createStorage };
