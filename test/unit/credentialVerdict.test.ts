import { credentialVerdict } from '../../nodes/shared/helpers/credentialVerdict';

describe('credentialVerdict (look-up of a task that cannot exist)', () => {
	it.each([401, 403])('HTTP %d is a rejection of the key pair', (status) => {
		const verdict = credentialVerdict(status, { code: 401, msg: 'Unauthorized' });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('rejected the app key/secret');
		expect(verdict.message).toContain(`HTTP ${status}`);
		expect(verdict.message).toContain('Unauthorized');
		expect(credentialVerdict(status, undefined).status).toBe('Error');
		expect(credentialVerdict(status, 'text body').status).toBe('Error');
	});

	it.each([
		[680101, 'invalid app key'],
		[680102, 'App secret is wrong'],
		['680103', 'signature verification failed'],
		[680104, 'Authorization header invalid'],
		[680105, 'unauthorized'],
		[680106, 'access key not found'],
		[680107, 'credential expired'],
	])('HTTP 200 with code %j and msg %j is a rejection', (code, msg) => {
		const verdict = credentialVerdict(200, { code, msg });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('rejected the app key/secret');
		expect(verdict.message).toContain(msg);
		expect(verdict.message).toContain(`code ${String(code)}`);
	});

	it.each([
		[680002, 'task not found'],
		[680002, 'Task does not exist'],
		[680001, 'insufficient balance'],
		[0, 'success'],
	])('HTTP 200 with code %j and msg %j shows the gateway accepted the credentials', (code, msg) => {
		expect(credentialVerdict(200, { code, msg })).toEqual({ status: 'OK', message: 'ToMoviee accepted the app key and secret' });
	});

	it('does not count a zero code as a rejection whatever its message', () => {
		expect(credentialVerdict(200, { code: 0, msg: 'signature ok' }).status).toBe('OK');
		expect(credentialVerdict(200, { code: '0', msg: 'auth ok' }).status).toBe('OK');
		expect(credentialVerdict(200, { msg: 'auth ok' }).status).toBe('OK');
	});

	it.each([500, 502, 503, 504])('HTTP %d is an error, not an OK', (status) => {
		const verdict = credentialVerdict(status, { msg: 'upstream down' });
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain(`HTTP ${status}`);
		expect(verdict.message).toContain('could not be checked');
		expect(verdict.message).not.toContain('rejected');
	});

	it.each([404, 429])('HTTP %d is an error', (status) => {
		expect(credentialVerdict(status, {}).status).toBe('Error');
	});

	it('a redirect is an error naming the Base URL', () => {
		const verdict = credentialVerdict(302, {});
		expect(verdict.status).toBe('Error');
		expect(verdict.message).toContain('Base URL');
	});
});
