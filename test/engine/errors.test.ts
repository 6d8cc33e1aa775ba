import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { APP_KEY, APP_SECRET, FAST_WAIT, apiRequests, imagesItems, recognize, runToMoviee, useSimulator } from './fixtures';

const IMAGE = 'https://images.example.com/cat.png';
const simulator = useSimulator({ taskDurationMs: 120 }, { eachTest: { authFailure: 'http401', validationStatus: 200 } });

describe('bad input is refused before any request', () => {
	const cases: Array<[string, IDataObject, IDataObject, string, RegExp]> = [
		['an empty image URL', { imageUrl: '={{ "" }}' }, {}, 'imageUrl', /Image URL is empty/],
		['a non-http URL', { imageUrl: 'ftp://files.example.com/a.png' }, {}, 'imageUrl', /http or https/],
		['a URL that is not a URL', { imageUrl: 'not a url' }, {}, 'imageUrl', /not a valid URL/],
		['a gif image', { imageUrl: 'https://x.test/a.gif' }, {}, 'imageUrl', /jpg, jpeg or png|\.gif/],
		['control type 4', { controlType: '4' }, {}, 'controlType', /Control Type/],
		['a negative wsid', {}, { wsid: -3 }, 'wsid', /positive whole number/],
		['a fractional wsid', {}, { wsid: 1.5 }, 'wsid', /positive whole number/],
		['storage info that is not JSON', {}, { storageInfo: '{oops' }, 'storageInfo', /not valid JSON/],
		['storage info that is an array', {}, { storageInfo: '[1,2]' }, 'storageInfo', /JSON object/],
		['a poll interval of 0', {}, { pollInterval: 0 }, 'pollInterval', /between 0.1 and 3600/],
		['a timeout of 0', {}, { timeout: 0 }, 'timeout', /between 1 and 86400/],
		['a callback URL that is not http', {}, { callbackUrl: 'javascript:alert(1)' }, 'callbackUrl', /http or https/],
		// no holes: inherited names, odd number forms, broken encodings
		...['constructor', 'toString', '__proto__', 'valueOf'].map((controlType): (typeof cases)[number] => [`control type ${controlType}`, { controlType }, {}, 'controlType', /Control Type/]),
		['malformed percent-encoding', { imageUrl: 'https://x.test/100%.jpg' }, {}, 'imageUrl', /Image URL/],
		['binary field __proto__', {}, { download: true, binaryPropertyName: '__proto__' }, 'binaryPropertyName', /./],
		...['0x10', '1e3', '0b11'].map((wsid): (typeof cases)[number] => [`wsid ${wsid}`, {}, { wsid }, 'wsid', /positive whole number/]),
		['Wait Method outside poll/callback', { waitMethod: 'sometimes' }, {}, 'waitMethod', /Wait Method/],
	];

	it.each(cases)('%s', async (_label, extra, options, field, message) => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, extra, options) });
		expect(run.error).toBeInstanceOf(NodeOperationError);
		expect(run.error!.message).toMatch(message);
		expect(run.error!.message).toContain(`[item 0, field "${field}"]`);
		expect(simulator.requests).toHaveLength(0);
	});

	it('names the failing item of a batch and sends nothing for the others', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}'),
			items: imagesItems(['https://x.test/1.png', 'https://x.test/2.png', 'https://x.test/3.bmp']),
		});
		expect(run.error!.message).toContain('[item 2, field "imageUrl"]');
		expect(simulator.requests).toHaveLength(0);
	});

	it('a wsid of 0 in the credential and no override sends no wsid', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, { waitForCompletion: false }), credentials: { wsid: 0 } });
		expect(run.error).toBeUndefined();
		expect(apiRequests(simulator, 'submit')[0].body).not.toHaveProperty('wsid');
	});
});

describe('an item that carries a file instead of a URL', () => {
	it.each([
		['an empty Image URL', '={{ $json.imageUrl }}'],
		['a file name in Image URL', '={{ $json.imageUrl || $binary.data.fileName }}'],
	])('%s: the error says ToMoviee reads URLs only and points to the README section', async (_case, imageUrl) => {
		const run = await runToMoviee(simulator, {
			parameters: recognize(imageUrl),
			items: [
				{ json: { imageUrl: 'https://x.test/ok.png' } },
				{ json: { imageUrl: '' }, binary: { data: { data: Buffer.from('png').toString('base64'), mimeType: 'image/png', fileName: 'photo.png' } } },
			],
		});
		expect(run.error).toBeInstanceOf(NodeOperationError);
		expect(run.error!.message).toContain('this item carries a file (binary field "data"): ToMoviee reads inputs only from public URLs');
		expect(run.error!.message).toContain('[item 1, field "imageUrl"]');
		expect((run.error as NodeOperationError).description).toContain('https://github.com/tomoviee/n8n-nodes-tomoviee#images-you-hold-as-files');
		expect(simulator.requests).toHaveLength(0);
	});

	it('an item without a file gets the plain message', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('={{ "" }}') });
		expect(run.error!.message).not.toContain('carries a file');
	});
});

describe('API error classes', () => {
	it('401 names the rejected key pair and the item', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE), credentials: { appSecret: 'wrong' } });
		expect(run.error).toBeInstanceOf(NodeApiError);
		const error = run.error as NodeApiError;
		expect(error.httpCode).toBe('401');
		expect(error.message).toMatch(/^ToMoviee rejected the app key\/secret \(HTTP 401: invalid app key or secret\) while submitting the task \[item 0\]$/);
		expect(error.description).toMatch(/app key and the app secret in the ToMoviee API credential/);
		expect(JSON.stringify(error)).not.toContain(Buffer.from(`${APP_KEY}:wrong`).toString('base64'));
		expect(apiRequests(simulator, 'submit')).toHaveLength(1); // not retried
	});

	it('HTTP 200 with an authorization code (68xxxx) names the rejected key pair too', async () => {
		simulator.configure({ authFailure: 'code' });
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE), credentials: { appSecret: 'wrong' } });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect(run.error!.message).toMatch(/^ToMoviee rejected the app key\/secret \(code 680008: app key or secret is invalid \(authorization failed\)\) while submitting the task \[item 0\]$/);
	});

	it.each(['http401', 'code'])('a rejected key pair (%s) is sent once per run: the other items fail unsent, each naming the rejection', async (authFailure) => {
		simulator.configure({ authFailure });
		const images = Array.from({ length: 30 }, (_, i) => `https://x.test/${i}.png`);
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', { waitForCompletion: false }, { maxConcurrency: 1 }),
			items: imagesItems(images),
			credentials: { appSecret: 'wrong' },
			continueOnFail: true,
		});
		expect(apiRequests(simulator, 'submit')).toHaveLength(1);
		const items = run.items.map((item) => item.json);
		expect(items).toHaveLength(30);
		items.forEach((item, index) => {
			expect(String(item.error)).toContain('ToMoviee rejected the app key/secret');
			expect(String(item.error)).toContain(`[item ${index}]`);
		});
		expect(String(items[1].error)).toContain('not sent: an earlier request of this run was rejected');
	});

	it('a wsid that does not belong to the app key is not called a rejected key pair', async () => {
		simulator.configure({ wsid: 4242 });
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { wsid: 999 }) });
		simulator.configure({ wsid: undefined });
		expect(run.error!.message).not.toContain('rejected the app key');
	});

	it('a validation answer (code != 0) quotes msg and is not retried', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { wsid: 999 }) });
		// The simulator accepts any wsid unless configured; force one.
		expect(run.error).toBeUndefined();
		simulator.reset();
		simulator.configure({ wsid: 578691780 });
		const refused = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { wsid: 999 }) });
		simulator.configure({ wsid: undefined });
		expect(refused.error).toBeInstanceOf(NodeApiError);
		expect(refused.error!.message).toMatch(/ToMoviee error 680007: wsid does not belong/);
		expect(apiRequests(simulator, 'submit')).toHaveLength(1);
	});

	it('429 until the tries run out names the tries and hints at Max Concurrency', async () => {
		simulator.injectFaults([{ route: 'submit', kind: '429', count: 3, retryAfter: 0 }]);
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { maxTries: 3 }) });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect(run.error!.message).toMatch(/HTTP 429.*after 3 tries/);
		expect((run.error as NodeApiError).description).toMatch(/Max Concurrency/);
		expect(apiRequests(simulator, 'submit')).toHaveLength(3);
	});

	it('a 500 that persists fails with a server hint', async () => {
		simulator.injectFaults([{ route: 'submit', kind: '500', count: 2 }]);
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { maxTries: 2 }) });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect((run.error as NodeApiError).httpCode).toBe('500');
	});

	it.each([
		['fail', /failed: image could not be recognized/],
		['insufficient', /failed: insufficient balance \(code 680001\) \[item 0\]/],
		['cancel', /cancelled: task cancelled/],
		['timeout', /timed out at ToMoviee/],
	])('a task that ends "%s" is an error quoting the reason and the task id', async (hint, message) => {
		const run = await runToMoviee(simulator, { parameters: recognize(`https://x.test/${hint}.png`) });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect(run.error!.message).toMatch(message);
		expect(run.error!.message).toMatch(/task tm_reference_img2mask-0-\w+/);
		if (hint === 'insufficient') expect((run.error as NodeApiError).description).toMatch(/balance/);
	});

	it('a task still running at the timeout is an error naming the task', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/never.png', {}, { timeout: 1 }) });
		expect(run.error).toBeInstanceOf(NodeOperationError);
		expect(run.error!.message).toMatch(/task tm_reference_img2mask-0-\w+ was still processing when the 1 s timeout passed \[item 0\]/);
	});

	it('an unreachable gateway is a network error with a hint', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(IMAGE, {}, { maxTries: 1 }), credentials: { baseUrl: 'http://127.0.0.1:1' } });
		expect(run.error).toBeDefined();
		expect(run.error!.message).toContain('[item 0]');
		expect((run.error as NodeOperationError).description).toMatch(/Base URL/);
		expect(run.error!.message).toMatch(/Could not reach ToMoviee at http:\/\/127\.0\.0\.1:1 \(connection refused\)/);
	});
});

describe('Continue On Fail', () => {
	it('a mixed batch gives one item per input, errors in place, in order', async () => {
		const urls = [
			'https://x.test/ok-1.png',
			'https://x.test/fail.png',
			'ftp://x.test/bad.png',
			'https://x.test/ok-2.jpg',
			'https://x.test/never.png',
		];
		const run = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', {}, { ...FAST_WAIT, timeout: 2 }), items: imagesItems(urls), continueOnFail: true });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(5);
		expect(run.items.map((item) => item.pairedItem)).toEqual(urls.map((_, item) => ({ item })));
		const json = run.items.map((item) => item.json as any);
		expect(json[0]).toMatchObject({ status: 'succeeded', imageUrl: urls[0] });
		expect(json[0].error).toBeUndefined();
		expect(json[1]).toMatchObject({ status: 'failed', imageUrl: urls[1], error: expect.stringMatching(/failed.*\[item 1\]/) });
		expect(json[2].error).toMatch(/\[item 2, field "imageUrl"\]/);
		expect(json[3]).toMatchObject({ status: 'succeeded', imageUrl: urls[3] });
		expect(json[4]).toMatchObject({ status: 'processing', error: expect.stringMatching(/timeout passed \[item 4\]/) });
		// The invalid item was never sent; every other item exactly once.
		expect(apiRequests(simulator, 'submit')).toHaveLength(4);
		expect(JSON.stringify(run.items)).not.toContain(APP_SECRET);
	});
});
