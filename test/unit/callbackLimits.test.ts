import { ToMovieeApi } from '../../credentials/ToMovieeApi.credentials';
import { loggableTaskId, readCallbackHeader } from '../../nodes/shared/callbacks/callbackLimits';
import { baseUrlProblem } from '../../nodes/shared/transport/transportSettings';

describe('what the resume path reads of a callback before its checks', () => {
	it('reads only the task id and the status, bare or in an envelope', () => {
		expect(readCallbackHeader({ task_id: 'tm_x-0-1', status: 3, result: '{not json' })).toEqual({ ok: true, taskId: 'tm_x-0-1', reportedStatus: 3 });
		expect(readCallbackHeader({ code: 0, data: { taskId: 'tm_x-0-2' } })).toEqual({ ok: true, taskId: 'tm_x-0-2', reportedStatus: undefined });
		expect(readCallbackHeader('{"task_id":"tm_x-0-3","status":"4"}')).toEqual({ ok: true, taskId: 'tm_x-0-3', reportedStatus: '4' });
		expect(readCallbackHeader('{"task_id":')).toMatchObject({ ok: false });
	});

	it('refuses ids that are not ToMoviee task ids: newlines, other characters, over 128 characters', () => {
		for (const taskId of ['tm_x\nforged line', 'tm x', 'a'.repeat(129), '../etc']) {
			expect(readCallbackHeader({ task_id: taskId, status: 3 })).toMatchObject({ ok: false });
		}
		expect(readCallbackHeader([])).toMatchObject({ ok: false });
	});

	it('logs ids as one short line', () => {
		expect(loggableTaskId('tm_ok-0-1')).toBe('tm_ok-0-1');
		expect(loggableTaskId(`a\nb${'x'.repeat(200)}`)).toMatch(/^a\?bx{61}…$/);
	});
});

describe('the Base URL', () => {
	it('is refused with a user name or password, without repeating it', () => {
		const problem = baseUrlProblem({ baseUrl: 'https://me:s3cret@gateway.example' });
		expect(problem).toMatch(/contains a user name or password/);
		expect(problem).not.toContain('s3cret');
		expect(baseUrlProblem({ baseUrl: 'ftp://gateway.example' })).toMatch(/not an http\(s\) address/);
		expect(baseUrlProblem({ baseUrl: 'http://10.0.0.5:8080' })).toBeUndefined();
		expect(baseUrlProblem({ baseUrl: '' })).toBeUndefined();
	});

	it("the credential's hint says that http: other than localhost carries the secret in the clear", () => {
		const field = new ToMovieeApi().properties.find((property) => property.name === 'baseUrl');
		expect(field?.description).toMatch(/http: address other than localhost sends the app secret in the clear/);
		expect(field?.description).toMatch(/user name or password/);
	});
});
