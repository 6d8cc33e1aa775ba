'use strict';
// Result URLs. ToMoviee's are signed storage links (`?Expires=<epoch s>&OSSAccessKeyId=…&Signature=…`,
// about 48 h after the task was created); `resultUrlForm: 'plain'` gives the older unsigned ones.
const crypto = require('crypto');

/** Append the storage signature parameters to `pathAndQuery` (expiresAt in epoch seconds). */
function sign(pathAndQuery, expiresAt) {
	const signature = crypto.createHmac('sha1', 'sim').update(`${pathAndQuery}\n${expiresAt}`).digest('base64');
	const sep = pathAndQuery.includes('?') ? '&' : '?';
	return `${pathAndQuery}${sep}Expires=${expiresAt}&OSSAccessKeyId=sim&Signature=${encodeURIComponent(signature)}`;
}

/**
 * The public URL of output `n` of a task.
 * o: {base, form: 'signed'|'plain', ext, expiresAt, huge: bytes|undefined, legacyMask: boolean}
 */
function resultUrl(taskId, n, o) {
	let path;
	if (o.huge !== undefined) path = `/files/huge.${o.ext}?bytes=${o.huge}&task_id=${encodeURIComponent(taskId)}`;
	else if (o.form === 'plain' && o.legacyMask) path = `/masks/${taskId}.png`;
	else path = `/files/${taskId}/${n}.${o.ext}`;
	return o.base + (o.form === 'signed' ? sign(path, o.expiresAt) : path);
}

/** True when the URL's query carries an `Expires` (epoch seconds) that has passed. */
function hasExpired(searchParams, now = Date.now()) {
	const raw = searchParams.get('Expires');
	if (raw === null || raw === '') return false;
	const at = Number(raw);
	return !Number.isFinite(at) || at * 1000 < now;
}

module.exports = { resultUrl, hasExpired, sign };
