import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { WebhookServer } from '../harness';
import { APP_KEY, FAST_WAIT, post, recognize, runToMoviee, signed, startTrigger, useSimulator } from './fixtures';

/** The ToMoviee Trigger and downloads against forged callbacks, SSRF, huge files and redirects (issue 13). */
const simulator = useSimulator({ taskDurationMs: 60 });
let server: WebhookServer;
let hookUrl: string;

afterEach(async () => await server?.close());

async function serveTrigger(options: IDataObject = {}, statuses?: string[]): Promise<void> {
	server = await startTrigger({ ...(statuses ? { statuses } : {}), options } as INodeParameters, { baseUrl: simulator.url });
	hookUrl = server.getNodeWebhookUrl('default');
}

/** A task that really ran at the simulator, and its bare callback body as ToMoviee sends it. */
async function endedTask(imageUrl = 'https://x.test/cb.png') {
	const run = await runToMoviee(simulator, { parameters: recognize(imageUrl, {}, { passThrough: 'row-7' }), continueOnFail: true });
	const taskId = run.items[0].json.taskId as string;
	return { taskId, body: { ...simulator.tasks.get(taskId).view() } };
}

async function capture(): Promise<{ server: Server; url: string; seen: IncomingHttpHeaders[] }> {
	const seen: IncomingHttpHeaders[] = [];
	const captureServer = createServer((req, res) => {
		seen.push(req.headers);
		res.writeHead(200, { 'content-type': 'image/png' }).end('secret');
	});
	await new Promise<void>((resolve) => captureServer.listen(0, '127.0.0.1', resolve));
	return { server: captureServer, url: `http://127.0.0.1:${(captureServer.address() as AddressInfo).port}`, seen };
}

describe('a key pair ToMoviee rejects', () => {
	it.each(['http401', 'code'])('(%s) the look-up is answered 503 naming the rejected key pair, nothing starts', async (authFailure) => {
		await serveTrigger();
		const { body } = await endedTask();
		simulator.configure({ appKey: 'rotated-key', authFailure });
		try {
			const answer = await post(signed(hookUrl), body);
			expect(answer.status).toBe(503);
			expect(JSON.parse(answer.text).msg).toMatch(/^ToMoviee rejected the app key\/secret \((HTTP 401|code 680008)[^)]*\)+\. Check the app key and the app secret/);
			expect(server.executions).toHaveLength(0);
		} finally {
			simulator.configure({ appKey: APP_KEY, authFailure: 'http401' });
		}
	});
});

describe('signatures bound to the public URL', () => {
	it('a genuine signed callback starts one execution with the outcome ToMoviee reports', async () => {
		await serveTrigger();
		const { taskId, body } = await endedTask();
		const answer = await post(signed(hookUrl), body);
		expect(answer).toMatchObject({ status: 200, text: JSON.stringify({ code: 0, msg: 'ok' }) });
		expect(server.executions).toHaveLength(1);
		const [[item]] = server.executions[0].workflowData;
		expect(item.json).toMatchObject({ taskId, status: 'succeeded', reason: 'success', params: 'row-7' });
		expect((item.json.resultUrls as string[])[0]).toContain(simulator.url);
	});

	it('a URL signed for another host does not open this trigger', async () => {
		await serveTrigger();
		const { body } = await endedTask();
		const path = new URL(hookUrl).pathname;
		const evil = new URL(signed(`https://evil.test${path}`));
		const answer = await post(`${hookUrl}?tm_signature=${evil.searchParams.get('tm_signature')}`, body);
		expect(answer.status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('unsigned calls are refused unless allowed; allowed ones are still verified', async () => {
		await serveTrigger({ allowUnsigned: true });
		const { body } = await endedTask();
		// ToMoviee does not know the task (yet): asked again, never acknowledged and dropped
		expect((await post(hookUrl, { ...body, task_id: 'tm_reference_img2mask-0-000forged' })).status).toBe(503);
		expect(server.executions).toHaveLength(0);
		expect((await post(hookUrl, body)).status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});
});

describe('outcomes come from ToMoviee, not from the body', () => {
	it('a signed callback for a task ToMoviee does not know starts nothing (503, retryable), and the genuine one afterwards starts one', async () => {
		await serveTrigger();
		const { taskId, body } = await endedTask();
		const forged = await post(signed(hookUrl), { ...body, task_id: 'tm_reference_img2mask-0-000000forged' });
		expect(forged.status).toBe(503);
		expect(server.executions).toHaveLength(0);
		await post(signed(hookUrl), body);
		await post(signed(hookUrl), body);
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].workflowData[0][0].json.taskId).toBe(taskId);
	});

	it('made-up result URLs are never fetched: only the URLs ToMoviee gives are', async () => {
		const secret = await capture();
		try {
			await serveTrigger({ download: true });
			const { body } = await endedTask();
			const forged = { ...body, result: JSON.stringify({ images_path: [`${secret.url}/secret`] }) };
			expect((await post(signed(hookUrl), forged)).status).toBe(200);
			expect(secret.seen).toHaveLength(0);
			const [[item]] = server.executions[0].workflowData;
			expect(item.binary?.data.mimeType).toBe('image/png');
		} finally {
			secret.server.close();
		}
	});

	it('a reported end of a task ToMoviee still shows running starts nothing and is answered 503; the retry once it ended starts exactly one execution', async () => {
		await serveTrigger();
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/late.png?duration=600', { waitForCompletion: false }) });
		const taskId = run.items[0].json.taskId as string;
		const early = await post(signed(hookUrl), { task_id: taskId, status: 3, result: '{}' });
		expect(early.status).toBe(503);
		expect(early.text).toMatch(/does not show task .* as ended yet/);
		expect(server.executions).toHaveLength(0);
		while (simulator.tasks.get(taskId).view().status !== 3) await new Promise((resolve) => setTimeout(resolve, 50));
		const retries = await Promise.all([0, 1, 2].map(async () => await post(signed(hookUrl), { task_id: taskId, status: 3, result: '{}' })));
		expect(retries.map((retry) => retry.status)).toEqual([200, 200, 200]);
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].workflowData[0][0].json).toMatchObject({ taskId, status: 'succeeded' });
	});

	it("ToMoviee's final status is what the trigger emits, whatever status the body claims", async () => {
		await serveTrigger();
		const { taskId, body } = await endedTask();
		expect((await post(signed(hookUrl), { ...body, status: 4, reason: 'made up' })).status).toBe(200);
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].workflowData[0][0].json).toMatchObject({ taskId, status: 'succeeded', reason: 'success' });
	});

	it("with verification on, params come only from ToMoviee's answer, never from the body", async () => {
		await serveTrigger();
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/noparams.png'), continueOnFail: true });
		const taskId = run.items[0].json.taskId as string;
		await post(signed(hookUrl), { ...simulator.tasks.get(taskId).view(), params: '{"forged":true}' });
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].workflowData[0][0].json.params).toBeUndefined();
	});

	it('Verify With ToMoviee off believes the body (the old trade-off)', async () => {
		await serveTrigger({ verifyWithApi: false });
		await post(signed(hookUrl), { task_id: 'tm_unverified-0-1', status: 3, result: '{}' });
		expect(server.executions).toHaveLength(1);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('Include Raw', () => {
	it('adds body, headers and query, without the signature in any header or the query, and without credential headers', async () => {
		await serveTrigger({ includeRaw: true });
		const { body } = await endedTask();
		const url = signed(`${hookUrl}?row=1`);
		const signature = new URL(url).searchParams.get('tm_signature')!;
		await post(url, body, { 'x-forwarded-uri': new URL(url).pathname + new URL(url).search, referer: url, cookie: 'a=b', authorization: 'Basic x', 'x-trace': 't-1' });
		const { raw } = server.executions[0].workflowData[0][0].json as { raw: { query: object; body: object } };
		expect(raw.query).toEqual({ row: '1' });
		expect(raw.body).toMatchObject({ task_id: body.task_id });
		expect(JSON.stringify(raw)).not.toContain(signature);
		expect(JSON.stringify(raw)).toContain('"x-trace":"t-1"');
		expect(JSON.stringify(raw)).not.toMatch(/"cookie"|"authorization"/i);
	});
});

describe('downloads that cannot hurt the instance', () => {
	it('a 200 MB result without Content-Length against a 1 MB limit fails the item after reading little', async () => {
		simulator.configure({ hugeResults: true });
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/huge.png', {}, { ...FAST_WAIT, download: true, maxDownloadSizeMb: 1 }), continueOnFail: true });
		simulator.configure({ hugeResults: false });
		expect(run.items[0].json.error).toMatch(/larger than the 1 MB limit/);
		expect(simulator.stats.streamedBytes).toBeLessThan(8 * 1024 * 1024);
	});

	it("an unverified body's URL at a private address is refused by n8n's enforced egress filter, without a request", async () => {
		const privateHost = await capture();
		try {
			await serveTrigger({ verifyWithApi: false, download: true });
			const answer = await post(signed(hookUrl), { task_id: 'tm_unverified-0-2', status: 3, result: JSON.stringify({ images_path: [`${privateHost.url}/internal.png`] }) });
			expect(answer.status).toBe(200);
			const [[item]] = server.executions[0].workflowData;
			expect(item.binary).toBeUndefined();
			expect(item.json.downloadError).toMatch(/outbound request policy does not allow 127\.0\.0\.1/);
			expect(privateHost.seen).toHaveLength(0);
		} finally {
			privateHost.server.close();
		}
	});

	it('a file that is not an image, video or audio is refused', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/wrongtype.png', {}, { download: true }), continueOnFail: true });
		expect(run.items[0].json.error).toMatch(/not an image, video or audio file/);
	});
});

describe('no credential on redirects', () => {
	it('a 302 from the Base URL to another port is refused without sending Authorization there', async () => {
		const target = await capture();
		try {
			simulator.configure({ redirectApiTo: target.url });
			const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitForCompletion: false }) });
			expect(run.error!.message).toMatch(new RegExp(`Base URL ${simulator.url.replace(/[.]/g, '\\.')} answered with a redirect`));
			expect(target.seen).toHaveLength(0);
		} finally {
			simulator.configure({ redirectApiTo: null });
			target.server.close();
		}
	});
});

describe('the Base URL', () => {
	it('a user name or password in it is refused with a clear message, never echoed, and nothing is sent', async () => {
		const withUser = simulator.url.replace('http://', 'http://someone:pa55word@');
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitForCompletion: false }), credentials: { baseUrl: withUser } });
		expect(run.error!.message).toMatch(/Base URL contains a user name or password/);
		expect(JSON.stringify(run.runData)).not.toContain('pa55word');
		expect(simulator.requests).toHaveLength(0);
	});
});
