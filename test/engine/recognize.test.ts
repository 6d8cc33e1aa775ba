import { createHmac } from 'crypto';

import { APP_KEY, APP_SECRET, WSID, apiRequests, recognize, runToMoviee, useSimulator } from './fixtures';

const IMAGE = 'https://images.example.com/portrait.jpg';
const simulator = useSimulator();

describe('Image Recognition > Recognize', () => {
	it.each(['0', '1', '2', '3'])('sends control type %s in the documented body', async (controlType) => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, { controlType, waitForCompletion: false }) });
		expect(run.error).toBeUndefined();
		const [submit] = apiRequests(simulator, 'submit');
		expect(submit.method).toBe('POST');
		expect(submit.body).toEqual({
			wsid: WSID,
			template_info: [
				{
					input_params: {
						control_type: controlType,
						init_image: IMAGE,
						template_id: 'tm_reference_img2mask_template_spatial',
					},
				},
			],
			storage_info: { input: { is_url: true }, output: { url: { expire_time: 1 } } },
		});
		expect(run.items[0].json).toMatchObject({ controlType, imageUrl: IMAGE, status: 'queued', statusCode: 1 });
	});

	it('authenticates every request with Basic app_key:app_secret and X-App-Key', async () => {
		await runToMoviee(simulator, { parameters: recognize(IMAGE) });
		const basic = `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64')}`;
		expect(simulator.requests.length).toBeGreaterThanOrEqual(2);
		for (const request of simulator.requests) {
			expect(request.headers.authorization).toBe(basic);
			expect(request.headers['x-app-key']).toBe(APP_KEY);
			expect(request.headers['content-type']).toMatch(/^application\/json/);
		}
	});

	it('returns at once when Wait for Completion is off', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, { waitForCompletion: false }) });
		expect(run.items).toHaveLength(1);
		const output = run.items[0].json;
		expect(output).toEqual({
			taskId: expect.stringMatching(/\S+/),
			status: 'queued',
			statusCode: 1,
			progress: 0,
			reason: '',
			controlType: '0',
			imageUrl: IMAGE,
			resultUrls: [],
			result: null,
		});
		expect(apiRequests(simulator, 'query')).toHaveLength(0);
	});

	it('waits for the task to succeed and outputs the mask URLs; reason "success" is no failure', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, { controlType: '2' }) });
		expect(run.error).toBeUndefined();
		const output = run.items[0].json as any;
		expect(output).toMatchObject({ status: 'succeeded', statusCode: 3, progress: 100, reason: 'success', controlType: '2' });
		for (const key of ['error', 'errorCode']) expect(output).not.toHaveProperty(key);
		expect(output.resultUrls).toEqual([expect.stringMatching(new RegExp(`^${simulator.url}/files/${output.taskId}/0\\.png\\?Expires=`))]);
		expect(output.result.images_path).toEqual(output.resultUrls);
		const queries = apiRequests(simulator, 'query');
		expect(queries.length).toBeGreaterThanOrEqual(1);
		expect(queries.every((query) => query.body.task_id === output.taskId)).toBe(true);
	});

	it('sends options: signed callback, pass-through object as JSON, wsid override, raw storage info', async () => {
		const storageInfo = '{"input":{"oss":{"type":0}},"output":{"url":{"expire_time":1}}}';
		await runToMoviee(simulator, {
			parameters: recognize(IMAGE, { waitForCompletion: false }, {
				callbackUrl: 'https://n8n.example.com/webhook/abc/callback?row=3',
				passThrough: { row: 3, sheet: 'masks' },
				wsid: 12345,
				storageInfo,
			}),
		});
		const [submit] = apiRequests(simulator, 'submit');
		expect(submit.body.wsid).toBe(12345);
		expect(submit.body.params).toBe('{"row":3,"sheet":"masks"}');
		expect(submit.body.storage_info).toEqual(JSON.parse(storageInfo));
		const callback = new URL(submit.body.callback);
		expect(callback.pathname).toBe('/webhook/abc/callback');
		expect(callback.searchParams.get('row')).toBe('3');
		const expected = createHmac('sha256', APP_SECRET).update('https://n8n.example.com/webhook/abc/callback').digest('base64url');
		expect(callback.searchParams.get('tm_signature')).toBe(expected);
	});

	it.each([
		['signing is off', 'https://hooks.example.com/tomoviee?token=abc', false],
		["it is n8n's own resume URL", 'https://n8n.test/webhook-waiting/42?signature=abc123', true],
	])('sends the callback URL untouched when %s', async (_case, url, signCallbackUrl) => {
		await runToMoviee(simulator, { parameters: recognize(IMAGE, { waitForCompletion: false }, { callbackUrl: url, signCallbackUrl, passThrough: 'row-9' }) });
		const [submit] = apiRequests(simulator, 'submit');
		expect(submit.body.callback).toBe(url);
		expect(submit.body.params).toBe('row-9');
	});

	it('never puts credentials in the output', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE) });
		const text = JSON.stringify(run.items);
		expect(text).not.toContain(APP_SECRET);
		expect(text).not.toContain(Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64'));
	});
});
