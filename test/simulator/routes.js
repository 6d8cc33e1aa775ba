'use strict';
// The ToMoviee API routes: token, submit (one per capability), query (pub/task); media files
// are in media-routes.js. `routeOf` names the route for stats and fault matching.
const { parseJson, sendJson } = require('./http-util');
const { basic, checkAuth } = require('./auth');
const { errorBody } = require('./codes');
const { capabilityNamed } = require('./capabilities');
const { submit } = require('./submit');
const { mask, files } = require('./media-routes');

const SUBMIT_PREFIX = '/v1/open/capacity/application/';
const PATHS = {
	token: '/v1/open/capacity/get/token',
	submit: `${SUBMIT_PREFIX}tm_reference_img2mask`,
	query: '/v1/open/pub/task',
};

/** The capability a submit path names (known or not), or undefined for other paths. */
const capabilityOf = (path) =>
	path.startsWith(SUBMIT_PREFIX) ? path.slice(SUBMIT_PREFIX.length) : undefined;

/** Which route a path belongs to (for stats and fault matching). */
function routeOf(path) {
	if (path === PATHS.token) return 'token';
	if (path === PATHS.query) return 'query';
	if (capabilityNamed(capabilityOf(path))) return 'submit';
	if (path.startsWith('/masks/')) return 'mask';
	if (path.startsWith('/files/')) return 'media';
	return 'other';
}

/** Shared POST preamble: auth, JSON content type, parsable body. Returns the body or undefined. */
function jsonPost(req, res, o, raw) {
	if (req.method !== 'POST')
		return void sendJson(res, 405, { code: 405, msg: 'method not allowed' }, { Allow: 'POST' });
	if (!checkAuth(req, res, o)) return undefined;
	if (!/^application\/json\b/i.test(String(req.headers['content-type'] || ''))) {
		return void sendJson(res, 415, { code: 415, msg: 'Content-Type must be application/json' });
	}
	const parsed = parseJson(raw);
	if (!parsed.ok) return void sendJson(res, 400, { code: 400, msg: 'request body is not valid JSON' });
	return parsed.value;
}

/** GET token?access_key&secret (third-party form; kept, though it puts the secret in a URL). */
function token(req, res, ctx, url) {
	if (req.method !== 'GET')
		return sendJson(res, 405, { code: 405, msg: 'method not allowed' }, { Allow: 'GET' });
	const o = ctx.options();
	const key = url.searchParams.get('access_key');
	const secret = url.searchParams.get('secret');
	if (key === o.appKey && secret === o.appSecret) {
		return sendJson(res, 200, { code: 0, msg: 'success', data: { access_token: basic(key, secret) } });
	}
	return sendJson(res, 200, { ...errorBody('auth', 'access_key or secret is invalid', o), data: null });
}

function query(req, res, ctx, url, raw) {
	const o = ctx.options();
	const body = jsonPost(req, res, o, raw);
	if (body === undefined) return undefined;
	const id = body && body.task_id;
	if (typeof id !== 'string' || id === '') {
		return sendJson(res, o.validationStatus, errorBody('invalidParameter', 'task_id is required and must be a string', o));
	}
	const task = ctx.tasks.get(id);
	if (!task) return sendJson(res, 200, errorBody('taskNotFound', 'task not found', o));
	return sendJson(res, 200, task.answer());
}

function submitRoute(req, res, ctx, url, raw, fault) {
	const spec = capabilityNamed(capabilityOf(url.pathname));
	return submit(req, res, { ...ctx, jsonPost }, spec, raw, fault);
}

function other(req, res, ctx, url) {
	const name = capabilityOf(url.pathname);
	if (name !== undefined) {
		return sendJson(res, 404, errorBody('unknownCapability', `unknown capability: ${name}`, ctx.options()));
	}
	return sendJson(res, 404, { code: 404, msg: 'not found' });
}

const HANDLERS = { token, submit: submitRoute, query, mask, media: files, other };
const API_ROUTES = ['submit', 'query', 'token'];

module.exports = { HANDLERS, PATHS, SUBMIT_PREFIX, API_ROUTES, routeOf, capabilityOf, basic };
