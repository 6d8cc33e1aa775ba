'use strict';
// POST /v1/open/capacity/application/<capability>: validate, apply the wsid policy, create the
// task, then answer, or play a fault that strikes after the task exists (issue 12).
const { errorBody } = require('./codes');
const { sendJson } = require('./http-util');

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
 * ctx: {options(), tasks, stats, jsonPost, createTask(spec, body), sleep(ms)};
 * spec: the capability; fault: an after-create fault or undefined.
 */
function submit(req, res, ctx, spec, raw, fault) {
	const o = ctx.options();
	const body = ctx.jsonPost(req, res, o, raw);
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

module.exports = { submit };
