'use strict';
// Result downloads: /files/<task_id>/<n>.<ext> (signed links; an Expires in the past -> 403), the legacy /masks/<task_id>.png,
// and test routes /files/huge.<ext>, /files/wrongtype.<ext>, /files/expired.<ext>, /masks/expired.png.
const { send, sendJson } = require('./http-util');
const { CONTENT_TYPES, mediaBytes } = require('./media');
const { STATUS } = require('./tasks');

const MASK_RE = /^\/masks\/([A-Za-z0-9_-]+)\.png$/;
const FILE_RE = /^\/files\/([A-Za-z0-9_-]+)\/(\d+)\.([a-z0-9]+)$/;
const SPECIAL_RE = /^\/files\/(huge|wrongtype|expired)\.([a-z0-9]+)$/;
const MAX_HUGE = 64 * 1024 ** 3;
const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

// What an expired signed OSS/S3 URL answers.
const EXPIRED_XML =
	'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>\n';
const WRONG_TYPE_HTML = '<!doctype html><html><body><h1>Welcome</h1><p>Not a media file.</p></body></html>\n';

const expired = (res) => send(res, 403, EXPIRED_XML, { 'Content-Type': 'application/xml' });
const notFound = (res) => send(res, 404, 'Not Found', { 'Content-Type': 'text/plain' });
const wrongType = (res) => send(res, 200, WRONG_TYPE_HTML, { 'Content-Type': 'text/html; charset=utf-8' });
function serveTaskFile(res, task, ext) {
	if (!task) return notFound(res);
	if (task.hints.wrongtype) return wrongType(res);
	return send(res, 200, mediaBytes(ext, task.pattern), { 'Content-Type': CONTENT_TYPES[ext], 'Cache-Control': 'private, max-age=3600' });
}

/** True when the query carries an `Expires` (epoch seconds) that has passed. */
function hasExpired(searchParams) {
	const raw = searchParams.get('Expires');
	const at = Number(raw);
	return raw !== null && raw !== '' && (!Number.isFinite(at) || at * 1000 < Date.now());
}

const readOnly = (req, res) => ['GET', 'HEAD'].includes(req.method) || void sendJson(res, 405, { code: 405, msg: 'method not allowed' });

/** A task's file, or null when the task has none at index n with that extension. */
function taskFile(ctx, id, n, ext) {
	const task = ctx.tasks.get(id);
	if (!task || task.view().status !== STATUS.SUCCEEDED || n >= task.outputs.count || ext !== task.outputs.ext) return null;
	return task;
}

/**
 * `total` bytes starting with `head` (a real file header, so type sniffing passes), in 64 KB chunks without Content-Length, one
 * chunk at a time so a slow or vanished reader stops it. onBytes(n) counts each chunk once the socket (the kernel, not a
 * user-space buffer) took it.
 */
function streamBytes(req, res, { total, head, contentType, onBytes }) {
	res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
	if (req.method === 'HEAD') return void res.end();
	let sent = 0;
	let stopped = false;
	res.once('close', () => (stopped = true));
	const next = () => {
		if (stopped || res.destroyed) return;
		if (sent >= total) return void res.end();
		const n = Math.min(CHUNK, total - sent);
		let chunk = ZEROS.subarray(0, n);
		if (sent === 0) {
			chunk = Buffer.alloc(n);
			head.copy(chunk, 0, 0, Math.min(head.length, n));
		}
		res.write(chunk, (err) => {
			if (err) return void (stopped = true);
			sent += n;
			onBytes(n);
			next();
		});
	};
	next();
}

function mask(req, res, ctx, url) {
	if (!readOnly(req, res)) return undefined;
	const m = MASK_RE.exec(url.pathname);
	if (m && m[1] === 'expired') return expired(res);
	return serveTaskFile(res, m && taskFile(ctx, m[1], 0, 'png'), 'png');
}

function files(req, res, ctx, url) {
	if (!readOnly(req, res)) return undefined;
	if (hasExpired(url.searchParams)) return expired(res);
	const special = SPECIAL_RE.exec(url.pathname);
	if (special) {
		const [, name, ext] = special;
		if (!CONTENT_TYPES[ext]) return notFound(res);
		if (name === 'expired') return expired(res);
		if (name === 'wrongtype') return wrongType(res);
		const asked = url.searchParams.has('bytes') ? Number(url.searchParams.get('bytes')) : NaN;
		const total = asked >= 0 ? Math.min(Math.floor(asked), MAX_HUGE) : ctx.options().hugeBytes;
		const epoch = ctx.epoch(); // a stream begun before reset() does not count after it
		const onBytes = (n) => (ctx.stats.streamedBytes += ctx.epoch() === epoch ? n : 0);
		return streamBytes(req, res, { total, head: mediaBytes(ext, '2'), contentType: CONTENT_TYPES[ext], onBytes });
	}
	const m = FILE_RE.exec(url.pathname);
	return serveTaskFile(res, m && taskFile(ctx, m[1], Number(m[2]), m[3]), m && m[3]);
}

module.exports = { mask, files };
