'use strict';
// Task lifecycle. A task's status is derived from its timestamps whenever it is read, so
// thousands of tasks cost no timers: queued for the first 10% of its duration, processing
// until the duration has passed, then its final outcome (chosen at submit from the image URL).
const crypto = require('crypto');

const STATUS = {
	QUEUED: 1,
	PROCESSING: 2,
	SUCCEEDED: 3,
	FAILED: 4,
	CANCELLED: 5,
	TIMED_OUT: 6,
};

// Image-URL hints (case-insensitive substrings) choosing the outcome; first match wins.
const HINTS = [
	['never', null], // stays processing forever
	['timeout', { status: STATUS.TIMED_OUT, reason: 'task timed out' }],
	['cancel', { status: STATUS.CANCELLED, reason: 'task cancelled' }],
	['insufficient', { status: STATUS.FAILED, reason: 'insufficient balance' }],
	['fail', { status: STATUS.FAILED, reason: 'image could not be recognized' }],
];
const SUCCESS = { status: STATUS.SUCCEEDED, reason: '' };

/** Outcome for an image URL: {status, reason}, or null for "never finishes". */
function outcomeFor(initImage, failImages = []) {
	const url = String(initImage).toLowerCase();
	for (const [hint, outcome] of HINTS) if (url.includes(hint)) return outcome;
	if (failImages.some((s) => s && url.includes(String(s).toLowerCase()))) return HINTS[4][1];
	return SUCCESS;
}

/** `duration=<ms>` anywhere in the image URL's query overrides the simulator's duration. */
function durationHint(initImage) {
	const m = /[?&]duration=(\d+)/i.exec(String(initImage));
	return m ? Number(m[1]) : undefined;
}

function pickDuration(setting, rng) {
	if (Array.isArray(setting)) return Math.round(setting[0] + rng() * (setting[1] - setting[0]));
	return Number(setting);
}

// Random bytes fetched in blocks: one crypto call per task costs more than the rest of a submit.
let pool = Buffer.alloc(0);
let poolAt = 0;
function newTaskId() {
	if (poolAt + 12 > pool.length) {
		pool = crypto.randomBytes(12 * 512);
		poolAt = 0;
	}
	poolAt += 12;
	return `tm_${pool.toString('hex', poolAt - 12, poolAt)}`;
}

class Task {
	/**
	 * @param {object} body  validated submit body
	 * @param {object} o     {durationMs, failImages, maskBase: () => string, now}
	 */
	constructor(body, o) {
		const first = body.template_info[0].input_params;
		this.task_id = newTaskId();
		this.wsid = body.wsid;
		this.control_type = first.control_type;
		this.init_image = first.init_image;
		this.template_info = body.template_info; // all entries recorded; only the first is processed
		this.storage_info = body.storage_info;
		this.callback = body.callback;
		this.params = typeof body.params === 'string' ? body.params : '';
		this.createdAt = o.now;
		const hinted = durationHint(first.init_image);
		this.durationMs = hinted !== undefined ? hinted : o.durationMs;
		this.outcome = outcomeFor(first.init_image, o.failImages);
		this.callbackState = body.callback ? 'pending' : 'none';
		// Non-enumerable: keeps JSON/inspect output to the task's own data.
		Object.defineProperty(this, 'maskBase', {
			value: o.maskBase,
			enumerable: false,
		});
	}

	get finishesAt() {
		return this.outcome ? this.createdAt + this.durationMs : Infinity;
	}

	/** The task as the query route reports it at time `now`. */
	view(now = Date.now()) {
		const elapsed = now - this.createdAt;
		const d = this.durationMs;
		let status;
		let progress;
		let reason = '';
		let result = '';
		if (this.outcome && elapsed >= d) {
			status = this.outcome.status;
			reason = this.outcome.reason;
			progress = status === STATUS.SUCCEEDED ? 100 : 0;
			if (status === STATUS.SUCCEEDED) result = JSON.stringify(this.resultObject());
		} else if (elapsed < d * 0.1) {
			status = STATUS.QUEUED;
			progress = 0;
		} else {
			status = STATUS.PROCESSING;
			// "never" tasks creep towards 99 without reaching it.
			const frac = (elapsed - d * 0.1) / Math.max(1, d * 0.9);
			progress = Math.max(1, Math.min(99, Math.floor(frac * 100)));
		}
		return {
			task_id: this.task_id,
			status,
			progress,
			reason,
			result,
			params: this.params,
		};
	}

	resultObject() {
		return {
			images_path: [`${this.maskBase()}/masks/${this.task_id}.png`],
			control_type: this.control_type,
		};
	}

	get status() {
		return this.view().status;
	}
	get progress() {
		return this.view().progress;
	}
	get reason() {
		return this.view().reason;
	}
	get result() {
		return this.view().result;
	}

	toJSON() {
		return {
			...this.view(),
			wsid: this.wsid,
			control_type: this.control_type,
			init_image: this.init_image,
			template_info: this.template_info,
			storage_info: this.storage_info,
			callback: this.callback,
			callbackState: this.callbackState,
			createdAt: this.createdAt,
			durationMs: this.durationMs,
			finishesAt: Number.isFinite(this.finishesAt) ? this.finishesAt : null,
		};
	}
}

module.exports = {
	Task,
	STATUS,
	outcomeFor,
	durationHint,
	pickDuration,
	newTaskId,
};
