import { apiRequests, post, signed, startTrigger, imagesItems, recognize, runToMoviee, useSimulator } from './fixtures';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const simulator = useSimulator({ taskDurationMs: 100 }, { eachTest: { publicUrl: null } });

// The simulator's storage is on loopback: allowed here as an admin allows a private storage host
// (unverified bodies' downloads go through n8n's enforced egress filter). n8n reads it once per file.
const allowedRanges = process.env.N8N_SSRF_ALLOWED_IP_RANGES;
beforeAll(() => (process.env.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.0/8'));
afterAll(() => {
	if (allowedRanges === undefined) delete process.env.N8N_SSRF_ALLOWED_IP_RANGES;
	else process.env.N8N_SSRF_ALLOWED_IP_RANGES = allowedRanges;
});

function bytesOf(binary: { data: string }): Buffer {
	return Buffer.from(binary.data, 'base64');
}

describe('Download Result Images', () => {
	it('attaches each succeeded mask as binary with a PNG mime type and a telling file name', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', { controlType: '2' }, { download: true, binaryPropertyName: 'mask' }),
			items: imagesItems(['https://x.test/a.png', 'https://x.test/b.jpg']),
		});
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(2);
		for (const item of run.items) {
			const binary = item.binary!.mask as any;
			expect(binary).toMatchObject({ mimeType: 'image/png', fileName: `${item.json.taskId}-subject.png` });
			expect(bytesOf(binary).subarray(0, 8)).toEqual(PNG_SIGNATURE);
		}
		// The credential never goes to the storage host.
		const maskRequests = simulator.requests.filter((r) => r.path.startsWith('/files/'));
		expect(maskRequests).toHaveLength(2);
		for (const r of maskRequests) {
			expect(r.headers.authorization).toBeUndefined();
			expect(r.headers['x-app-key']).toBeUndefined();
		}
	});

	it('Task > Get downloads the masks of a task that already ended', async () => {
		const submitted = await runToMoviee(simulator, { parameters: recognize('https://x.test/c.png', { controlType: '3' }) });
		const taskId = submitted.items[0].json.taskId as string;
		const run = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: false, options: { download: true } } });
		expect(run.error).toBeUndefined();
		expect(run.items[0].binary!.data).toMatchObject({ fileName: `${taskId}-depth.png`, mimeType: 'image/png' });
	});

	it('no binary (and no error) for a task that has not ended when not waiting', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/d.png', { waitForCompletion: false }, { download: true }) });
		expect(run.error).toBeUndefined();
		expect(run.items[0].binary).toBeUndefined();
	});

	it('an expired result URL is a clear error naming the task; with Continue On Fail an error item', async () => {
		simulator.configure({ publicUrl: `${simulator.url}/gone` });
		const failing = await runToMoviee(simulator, { parameters: recognize('https://x.test/e.png', {}, { download: true }) });
		expect(failing.error!.message).toMatch(/result file of task tm_reference_img2mask-0-\w+: the file is no longer available \(HTTP 404\).*expired \[item 0\]/);
		const continued = await runToMoviee(simulator, { parameters: recognize('https://x.test/e.png', {}, { download: true }), continueOnFail: true });
		expect(continued.items[0].json).toMatchObject({ status: 'succeeded', error: expect.stringMatching(/expired/) });
		expect(continued.items[0].binary).toBeUndefined();
	});

	it('Retry On Fail after a failed download reuses the task: looked up again, never submitted (and billed) twice', async () => {
		simulator.configure({ publicUrl: `${simulator.url}/gone` });
		const run = await runToMoviee(simulator, {
			parameters: recognize('https://x.test/retried-download.png', {}, { download: true }),
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		expect(run.error!.message).toMatch(/expired \[item 0\]/);
		expect(apiRequests(simulator, 'submit')).toHaveLength(1);
		expect(apiRequests(simulator, 'query').length).toBeGreaterThanOrEqual(3);
	});

	it('a bad binary field name is refused before any request', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/f.png', {}, { download: true, binaryPropertyName: 'my mask' }) });
		expect(run.error!.message).toContain('field "binaryPropertyName"');
		expect(simulator.requests).toHaveLength(0);
	});

	it('the trigger downloads the mask of a succeeded callback, and reports an expired one', async () => {
		// Unverified, so that the made-up expired URL of the second callback is fetched.
		const server = await startTrigger({ options: { download: true, verifyWithApi: false } }, { baseUrl: simulator.url });
		try {
			const submitted = await runToMoviee(simulator, { parameters: recognize('https://x.test/g.png', { controlType: '1' }) });
			const taskId = submitted.items[0].json.taskId as string;
			const url = signed(server.getNodeWebhookUrl('default'));
			expect((await post(url, simulator.tasks.get(taskId).view())).status).toBe(200);
			expect((await post(url, { task_id: 'tm_old', status: 3, result: JSON.stringify({ images_path: [`${simulator.url}/masks/expired.png`] }) })).status).toBe(200);
			expect(server.executions).toHaveLength(2);
			const [fresh, expired] = server.executions.map((execution) => execution.workflowData[0][0]);
			expect(fresh.binary!.data).toMatchObject({ fileName: `${taskId}-pose.png`, mimeType: 'image/png' });
			expect(expired.binary).toBeUndefined();
			expect(expired.json.downloadError).toMatch(/HTTP 403.*expired/);
		} finally {
			await server.close();
		}
	});
});
