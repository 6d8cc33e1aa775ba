'use strict';
// The ToMoviee API routes: token, submit (tm_reference_img2mask), query (pub/task) and mask files.
const { parseJson, send, sendJson } = require('./http-util');
const { validateSubmit } = require('./validate');
const { Task, pickDuration } = require('./tasks');
const { makeMaskPng } = require('./png');

const PATHS = {
	token: '/v1/open/capacity/get/token',
	submit: '/v1/open/capacity/application/tm_reference_img2mask',
	query: '/v1/open/pub/task',
};
const MASK_RE = /^\/masks\/([A-Za-z0-9_-]+)\.png$/;

/** Which route a path belongs to (for stats and fault matching). */
function routeOf(path) {
	for (const [name, p] of Object.entries(PATHS)) if (path === p) return name;
	return path.startsWith('/masks/') ? 'mask' : 'other';
}

const basic = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

/** Checks auth headers; answers and returns false when they are wrong. */
function checkAuth(req, res, o) {
	const auth = String(req.headers.authorization || '').replace(/^basic\s+/i, 'Basic ');
	if (auth === basic(o.appKey, o.appSecret) && req.headers['x-app-key'] === o.appKey) return true;
	if (o.authFailure === 'code')
		sendJson(res, 200, { code: 40101, msg: 'invalid app key or secret' });
	else sendJson(res, 401, { code: 401, msg: 'invalid app key or secret' });
	return false;
}

/** Shared POST preamble: auth, JSON content type, parsable body. Returns the body or undefined. */
function jsonPost(req, res, o, raw) {
	if (req.method !== 'POST')
		return void sendJson(res, 405, { code: 405, msg: 'method not allowed' }, { Allow: 'POST' });
	if (!checkAuth(req, res, o)) return undefined;
	if (!/^application\/json\b/i.test(String(req.headers['content-type'] || ''))) {
		return void sendJson(res, 415, {
			code: 415,
			msg: 'Content-Type must be application/json',
		});
	}
	const parsed = parseJson(raw);
	if (!parsed.ok)
		return void sendJson(res, 400, {
			code: 400,
			msg: 'request body is not valid JSON',
		});
	return parsed.value;
}

function token(req, res, ctx, url) {
	if (req.method !== 'GET')
		return sendJson(res, 405, { code: 405, msg: 'method not allowed' }, { Allow: 'GET' });
	const o = ctx.options();
	const key = url.searchParams.get('access_key');
	const secret = url.searchParams.get('secret');
	if (key === o.appKey && secret === o.appSecret) {
		return sendJson(res, 200, {
			code: 0,
			msg: 'success',
			data: { access_token: basic(key, secret) },
		});
	}
	// The real gateway answers a wrong pair with HTTP 200 and a non-zero code.
	return sendJson(res, 200, {
		code: 40101,
		msg: 'access_key or secret is invalid',
		data: null,
	});
}

function submit(req, res, ctx, url, raw) {
	const o = ctx.options();
	const body = jsonPost(req, res, o, raw);
	if (body === undefined) return;
	const problem = validateSubmit(body);
	if (problem) return sendJson(res, o.validationStatus, { code: 40001, msg: problem });
	if (o.wsid !== undefined && o.wsid !== null && Number(o.wsid) !== body.wsid) {
		return sendJson(res, 200, {
			code: 40301,
			msg: 'wsid does not belong to this app key',
		});
	}
	const task = new Task(body, {
		now: Date.now(),
		durationMs: pickDuration(o.taskDurationMs, ctx.rng),
		failImages: o.failImages,
		maskBase: ctx.maskBase,
	});
	ctx.tasks.set(task.task_id, task);
	ctx.scheduleCallback(task);
	return sendJson(res, 200, {
		code: 0,
		msg: 'success',
		data: { task_id: task.task_id },
	});
}

function query(req, res, ctx, url, raw) {
	const o = ctx.options();
	const body = jsonPost(req, res, o, raw);
	if (body === undefined) return;
	const id = body && body.task_id;
	if (typeof id !== 'string' || id === '') {
		return sendJson(res, o.validationStatus, {
			code: 40001,
			msg: 'task_id is required and must be a string',
		});
	}
	const task = ctx.tasks.get(id);
	if (!task) return sendJson(res, 200, { code: 40401, msg: 'task not found' });
	return sendJson(res, 200, { code: 0, msg: 'success', data: task.view() });
}

function mask(req, res, ctx, url) {
	if (req.method !== 'GET' && req.method !== 'HEAD')
		return sendJson(res, 405, { code: 405, msg: 'method not allowed' });
	const m = MASK_RE.exec(url.pathname);
	if (m && m[1] === 'expired') {
		// What an expired signed OSS/S3 URL answers.
		const xml =
			'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>' +
			'<Message>Request has expired</Message></Error>\n';
		return send(res, 403, xml, { 'Content-Type': 'application/xml' });
	}
	const task = m && ctx.tasks.get(m[1]);
	if (!task || task.view().status !== 3)
		return send(res, 404, 'Not Found', { 'Content-Type': 'text/plain' });
	return send(res, 200, makeMaskPng(task.control_type), {
		'Content-Type': 'image/png',
		'Cache-Control': 'private, max-age=3600',
	});
}

function other(req, res) {
	sendJson(res, 404, { code: 404, msg: 'not found' });
}

const HANDLERS = { token, submit, query, mask, other };

module.exports = { HANDLERS, PATHS, routeOf, basic };
