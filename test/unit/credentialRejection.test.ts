import type { IAuthenticateRuleResponseCode, IAuthenticateRuleResponseSuccessBody } from 'n8n-workflow';

import { ToMovieeApi } from '../../credentials/ToMovieeApi.credentials';
import { AUTH_FAILURE_CODES, describeRejection, isCredentialRejection } from '../../nodes/shared/transport/credentialRejection';

describe('isCredentialRejection', () => {
	it.each([401, 403])('HTTP %d is a rejected key pair', (httpCode) => {
		expect(isCredentialRejection({ httpCode })).toBe(true);
	});

	it.each([
		[680008, 'anything'],
		['40101', ''],
		[680101, 'invalid app key'],
		[680102, 'App secret is wrong'],
		['680103', 'signature verification failed'],
		[680104, 'Authorization header invalid'],
		[680105, 'unauthorized'],
		[680106, 'access key not found'],
		[680107, 'credential expired'],
		[680108, '签名错误'],
	])('code %j with msg %j is a rejected key pair', (apiCode, apiMessage) => {
		expect(isCredentialRejection({ httpCode: 200, apiCode, apiMessage })).toBe(true);
	});

	it.each([
		[680002, 'task not found'],
		[680001, 'insufficient balance'],
		[680007, 'wsid does not belong to this app key (user id mismatch)'],
		[0, 'signature ok'],
		['0', 'auth ok'],
		[undefined, 'auth ok'],
	])('code %j with msg %j is not', (apiCode, apiMessage) => {
		expect(isCredentialRejection({ httpCode: 200, apiCode, apiMessage })).toBe(false);
	});

	it.each([400, 404, 429, 500, 503])('HTTP %d alone is not', (httpCode) => {
		expect(isCredentialRejection({ httpCode })).toBe(false);
	});

	it('describes the answer in the message', () => {
		expect(describeRejection({ httpCode: 401, apiMessage: 'Unauthorized' })).toBe('ToMoviee rejected the app key/secret (HTTP 401: Unauthorized)');
		expect(describeRejection({ httpCode: 200, apiCode: 680008, apiMessage: 'bad key' })).toBe('ToMoviee rejected the app key/secret (code 680008: bad key)');
		expect(describeRejection({ httpCode: 403 })).toBe('ToMoviee rejected the app key/secret (HTTP 403)');
	});
});

describe("the credential's declarative test", () => {
	const { test } = new ToMovieeApi();
	const rules = test.rules as Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody>;
	const codeRule = (value: number) => rules.find((rule) => rule.type === 'responseCode' && rule.properties.value === value);
	/** n8n's tester for a 2xx answer: the first responseSuccessBody rule whose key equals its value exactly. */
	const bodyRule = (body: Record<string, unknown>) =>
		rules.find((rule) => rule.type === 'responseSuccessBody' && body[(rule as IAuthenticateRuleResponseSuccessBody).properties.key] === rule.properties.value);

	it('looks up a task that cannot exist, without following redirects', () => {
		expect(test.request).toMatchObject({ method: 'POST', url: '/v1/open/pub/task', disableFollowRedirect: true });
		expect(test.request.body).toEqual({ task_id: expect.stringMatching(/^tm_[a-z_]+-0-0+$/) });
		expect(test.request.baseURL).toMatch(/^=\{\{.*\$credentials\.baseUrl.*\}\}$/);
	});

	it.each([401, 403])('HTTP %d fails it naming the rejected key pair', (status) => {
		expect(codeRule(status)?.properties.message).toContain(`ToMoviee rejected the app key/secret (HTTP ${status})`);
	});

	it.each([404, 429, 500, 502, 503, 504, 301, 302, 307, 308])('HTTP %d fails it with a message of its own', (status) => {
		expect(codeRule(status)?.properties.message).toEqual(expect.any(String));
		expect(codeRule(status)?.properties.message).not.toContain('rejected');
	});

	it.each(AUTH_FAILURE_CODES.flatMap((code) => [code, String(code)]))('HTTP 200 with code %j fails it', (code) => {
		expect(bodyRule({ code, msg: 'x', data: null })?.properties.message).toContain(`ToMoviee rejected the app key/secret (code ${code})`);
	});

	it.each([
		{ code: 680002, msg: 'task not found', data: null },
		{ code: 0, msg: 'success', data: null },
		{ code: 680099, msg: 'a code the package does not know' },
	])('HTTP 200 with %j passes it', (body) => {
		expect(bodyRule(body)).toBeUndefined();
	});
});
