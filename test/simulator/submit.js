'use strict';
// POST /v1/open/capacity/application/<capability>: validate, apply the wsid policy, create the
// task, then answer, or play a fault that strikes after the task exists (issue 12).
const { errorBody } = require('./codes');
const { sendJson } = require('./http-util');
const { Task, pickDuration } = require('./tasks');
const { newTaskId } = require('./task-ids');

/** The wsid policy for a validated body: a refusal {name, msg} or null. */
function wsidProblem(body, o) {
	const configured = o.wsid !== undefined && o.wsid !== null && o.wsid !== '';
	if (body.wsid === undefined) {
		return o.requireWsid ? { name: 'wsidMissing', msg: 'wsid (user id) is required' } : null;
	}
	if (configured && Number(o.wsid) !== body.wsid) {
		return { name: 'wsidMismatch', msg: 'wsid does not belong to this app key (user id mismatch)' };
	}
	return null;
}

/** Answer a created task's submit, or play the after-create fault. */
function answerCreated(req, res, ctx, task, fault) {
	const ok = { code: 0, msg: 'success', data: { task_id: task.task_id } };
	if (!fault) return sendJson(res, 200, ok);
	ctx.countFault();
	if (fault.kind === 'drop-after-create') return void req.socket.destroy();
	if (fault.kind === '504-after-create') return sendJson(res, 504, { code: 504, msg: 'gateway timeout' });
	// slow-after-create: the answer comes after the client's request timeout, if anyone still waits.
	const delay = fault.delayMs !== undefined ? Number(fault.delayMs) : 60000;
	return ctx.sleep(delay).then(() => sendJson(res, 200, ok));
}

/**
 * ctx: {options(), rng(), tasks, base(), jsonPost, scheduleCallback(task), countCreated(task),
 *       countFault(), sleep(ms)}; spec: the capability; fault: an after-create fault or undefined.
 */
function submit(req, res, ctx, spec, raw, fault) {
	const o = ctx.options();
	const body = ctx.jsonPost(req, res, o, raw);
	if (body === undefined) return undefined;
	if (body === null || typeof body !== 'object' || Array.isArray(body)) {
		return sendJson(res, o.validationStatus, errorBody('invalidParameter', 'request body must be a JSON object', o));
	}
	// A missing wsid is reported before other fields, as the seed's "wsid is required" was.
	const missing = body.wsid === undefined && wsidProblem(body, o);
	if (missing) return sendJson(res, 200, errorBody(missing.name, missing.msg, o));
	const problem = spec.validate(body, o);
	if (problem) return sendJson(res, o.validationStatus, errorBody('invalidParameter', problem, o));
	const refusal = wsidProblem(body, o);
	if (refusal) return sendJson(res, 200, errorBody(refusal.name, refusal.msg, o));
	const now = Date.now();
	const task = new Task(spec, body, {
		id: newTaskId(spec.name, o.taskIdForm, now, (id) => ctx.tasks.has(id)),
		now,
		durationMs: pickDuration(o.taskDurationMs, ctx.rng),
		options: o,
		opts: ctx.options,
		base: ctx.base,
	});
	ctx.tasks.set(task.task_id, task);
	ctx.countCreated(task);
	ctx.scheduleCallback(task);
	return answerCreated(req, res, ctx, task, fault);
}

module.exports = { submit, wsidProblem };
