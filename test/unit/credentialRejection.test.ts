import type { IAuthenticateRuleResponseCode, IAuthenticateRuleResponseSuccessBody } from 'n8n-workflow';

import { ToMovieeApi } from '../../credentials/ToMovieeApi.credentials';
import { AUTH_FAILURE_CODES, describeRejection, isCredentialRejection } from '../../nodes/shared/transport/credentialRejection';

describe('isCredentialRejection', () => {
	it.each([
		{ httpCode: 401 },
		{ httpCode: 403 },
		{ httpCode: 200, apiCode: 680008, apiMessage: 'anything' },
		{ httpCode: 200, apiCode: '40101', apiMessage: '' },
		{ httpCode: 200, apiCode: 680101, apiMessage: 'invalid app key' },
		{ httpCode: 200, apiCode: 680102, apiMessage: 'App secret is wrong' },
		{ httpCode: 200, apiCode: '680103', apiMessage: 'signature verification failed' },
		{ httpCode: 200, apiCode: 680104, apiMessage: 'Authorization header invalid' },
		{ httpCode: 200, apiCode: 680105, apiMessage: 'unauthorized' },
		{ httpCode: 200, apiCode: 680106, apiMessage: 'access key not found' },
		{ httpCode: 200, apiCode: 680107, apiMessage: 'credential expired' },
		{ httpCode: 200, apiCode: 680108, apiMessage: '签名错误' },
	])('%j is a rejected key pair', (answer) => expect(isCredentialRejection(answer)).toBe(true));

	it.each([
		{ httpCode: 200, apiCode: 680002, apiMessage: 'task not found' },
		{ httpCode: 200, apiCode: 680001, apiMessage: 'insufficient balance' },
		{ httpCode: 200, apiCode: 680007, apiMessage: 'wsid does not belong to this app key (user id mismatch)' },
		{ httpCode: 200, apiCode: 0, apiMessage: 'signature ok' },
		{ httpCode: 200, apiCode: '0', apiMessage: 'auth ok' },
		{ httpCode: 200, apiCode: undefined, apiMessage: 'auth ok' },
		...[400, 404, 429, 500, 503].map((httpCode) => ({ httpCode })),
	])('%j is not a rejected key pair', (answer) => expect(isCredentialRejection(answer)).toBe(false));

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
