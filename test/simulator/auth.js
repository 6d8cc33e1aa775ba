'use strict';
// Gateway authentication: `Authorization: Basic base64(appKey:appSecret)` and `X-App-Key: appKey`.
const { errorBody } = require('./codes');
const { sendJson } = require('./http-util');

const basic = (key, secret) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

const AUTH_MESSAGES = {
	http401: 'invalid app key or secret',
	code: 'app key or secret is invalid (authorization failed)',
	legacyCode: 'invalid app key or secret',
};

/** Checks auth headers; answers (per `authFailure`) and returns false when they are wrong. */
function checkAuth(req, res, o) {
	const auth = String(req.headers.authorization || '').replace(/^basic\s+/i, 'Basic ');
	if (auth === basic(o.appKey, o.appSecret) && req.headers['x-app-key'] === o.appKey) return true;
	if (o.authFailure === 'code') {
		const msg = o.errorCodes === 'legacy' ? AUTH_MESSAGES.legacyCode : AUTH_MESSAGES.code;
		sendJson(res, 200, { ...errorBody('auth', msg, o), data: null });
	} else sendJson(res, 401, { code: 401, msg: AUTH_MESSAGES.http401 });
	return false;
}

module.exports = { basic, checkAuth, AUTH_MESSAGES };
