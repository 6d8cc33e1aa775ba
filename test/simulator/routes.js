'use strict';
// The ToMoviee API routes: token, submit (one per capability), query (pub/task), and the authentication they share; result
// files are in media-routes.js. `routeOf` names the route for stats and faults.
const { parseJson, sendJson } = require('./http-util');
const { errorBody } = require('./codes');
const { capabilityNamed } = require('./capabilities');
const { mask, files } = require('./media-routes');

const SUBMIT_PREFIX = '/v1/open/capacity/application/';
const TOKEN = '/v1/open/capacity/get/token';
const QUERY = '/v1/open/pub/task';
const API_ROUTES = ['submit', 'query', 'token'];

const capabilityOf = (path) => (path.startsWith(SUBMIT_PREFIX) ? path.slice(SUBMIT_PREFIX.length) : undefined);

function routeOf(path) {
	if (path === TOKEN) return 'token';
	if (path === QUERY) return 'query';
	if (capabilityNamed(capabilityOf(path))) return 'submit';
	if (path.startsWith('/masks/')) return 'mask';
	if (path.startsWith('/files/')) return 'media';
	return 'other';
}

const basic = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const methodNotAllowed = (res, allow) => sendJson(res, 405, { code: 405, msg: 'method not allowed' }, { Allow: allow });

/** `Authorization: Basic base64(appKey:appSecret)` and `X-App-Key: appKey`; else answers per `authFailure`. */
function checkAuth(req, res, o) {
	const auth = String(req.headers.authorization || '').replace(/^basic\s+/i, 'Basic ');
	if (auth === basic(o.appKey, o.appSecret) && req.headers['x-app-key'] === o.appKey) return true;
	if (o.authFailure === 'http401') sendJson(res, 401, { code: 401, msg: 'invalid app key or secret' });
	else {
		const msg = o.errorCodes === 'legacy' ? 'invalid app key or secret' : 'app key or secret is invalid (authorization failed)';
		sendJson(res, 200, { ...errorBody('auth', msg, o), data: null });
	}
	return false;
}

/** The POST preamble of submit and query: auth, JSON content type, a parsable body. Returns the body or undefined. */
function jsonPost(req, res, o, raw) {
	if (req.method !== 'POST') return void methodNotAllowed(res, 'POST');
	if (!checkAuth(req, res, o)) return undefined;
	if (!/^application\/json\b/i.test(String(req.headers['content-type'] || ''))) {
		return void sendJson(res, 415, { code: 415, msg: 'Content-Type must be application/json' });
	}
	const parsed = parseJson(raw);
	if (!parsed.ok) return void sendJson(res, 400, { code: 400, msg: 'request body is not valid JSON' });
	return parsed.value;
}

/** GET token?access_key&secret (the third-party form; kept, though it puts the secret in a URL). */
function token(req, res, ctx, url) {
	if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
	const o = ctx.options();
	const key = url.searchParams.get('access_key');
	const secret = url.searchParams.get('secret');
	if (key === o.appKey && secret === o.appSecret) return sendJson(res, 200, { code: 0, msg: 'success', data: { access_token: basic(key, secret) } });
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
	return sendJson(res, 200, task ? task.answer() : errorBody('taskNotFound', 'task not found', o));
}


/** The wsid policy for a validated body: a refusal {name, msg} or null. */
function wsidProblem(body, o) {
	if (body.wsid === undefined) return o.requireWsid ? { name: 'wsidMissing', msg: 'wsid (user id) is required' } : null;
	const configured = o.wsid !== undefined && o.wsid !== null && o.wsid !== '';
	if (configured && Number(o.wsid) !== body.wsid) return { name: 'wsidMismatch', msg: 'wsid does not belong to this app key (user id mismatch)' };
	return null;
}

/** Answer a created task's submit, or play the after-create fault. */
function answerCreated(req, res, ctx, task, fault) {
	const ok = { code: 0, msg: 'success', data: { task_id: task.task_id } };
	if (!fault) return sendJson(res, 200, ok);
	ctx.stats.faults++;
	if (fault.kind === 'drop-after-create') return void req.socket.destroy();
	if (fault.kind === '504-after-create') return sendJson(res, 504, { code: 504, msg: 'gateway timeout' });
	// slow-after-create: the answer comes after the client's request timeout, if anyone still waits.
	return ctx.sleep(fault.delayMs !== undefined ? Number(fault.delayMs) : 60000).then(() => sendJson(res, 200, ok));
}

/**
 * Validate, apply the wsid policy, create the task (ctx.createTask), then answer, or play a fault that strikes after the task
 * exists (issue 12): `fault` is an after-create fault or undefined.
 */
function submit(req, res, ctx, url, raw, fault) {
	const o = ctx.options();
	const spec = capabilityNamed(capabilityOf(url.pathname));
	const body = jsonPost(req, res, o, raw);
	if (body === undefined) return undefined;
	const refuse = (status, name, msg) => sendJson(res, status, errorBody(name, msg, o));
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return refuse(o.validationStatus, 'invalidParameter', 'request body must be a JSON object');
	}
	// A missing wsid is reported before other fields, as the seed's "wsid is required" was.
	const missing = body.wsid === undefined && wsidProblem(body, o);
	if (missing) return refuse(200, missing.name, missing.msg);
	const problem = spec.validate(body, o);
	if (problem) return refuse(o.validationStatus, 'invalidParameter', problem);
	const refusal = wsidProblem(body, o);
	if (refusal) return refuse(200, refusal.name, refusal.msg);
	return answerCreated(req, res, ctx, ctx.createTask(spec, body), fault);
}

function other(req, res, ctx, url) {
	const name = capabilityOf(url.pathname);
	if (name === undefined) return sendJson(res, 404, { code: 404, msg: 'not found' });
	return sendJson(res, 404, errorBody('unknownCapability', `unknown capability: ${name}`, ctx.options()));
}

const HANDLERS = { token, submit, query, mask, media: files, other };

module.exports = { HANDLERS, API_ROUTES, routeOf, capabilityOf };
