/**
 * The ToMoviee gateway simulator (test/simulator) checked over real HTTP: the other suites,
 * the demo and the benchmark trust it to behave like the documented API.
 */
import { spawn } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { createSimulator } from '../simulator';

type Sim = ReturnType<typeof createSimulator>;
type Json = Record<string, any>;

const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';
const SUBMIT = '/v1/open/capacity/application/tm_reference_img2mask';
const QUERY = '/v1/open/pub/task';
const AUTH = {
	'Content-Type': 'application/json',
	Authorization: `Basic ${Buffer.from('test-key:test-secret').toString('base64')}`,
	'X-App-Key': 'test-key',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function submitBody(initImage: string, extra: Json = {}, controlType = '0'): Json {
	return {
		wsid: 578691780,
		storage_info: {
			input: { is_url: true },
			output: { url: { expire_time: 1 } },
		},
		template_info: [
			{
				input_params: {
					control_type: controlType,
					init_image: initImage,
					template_id: TEMPLATE_ID,
				},
			},
		],
		...extra,
	};
}

describe('ToMoviee simulator', () => {
	let sim: Sim;
	let base: string;

	async function post(p: string, body: unknown, headers: Record<string, string> = AUTH) {
		const res = await fetch(base + p, {
			method: 'POST',
			headers,
			body: typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await res.text();
		let json: Json | undefined;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return {
			status: res.status,
			headers: res.headers,
			json: json as Json,
			text,
		};
	}

	async function submit(initImage: string, extra: Json = {}, controlType = '0'): Promise<string> {
		const r = await post(SUBMIT, submitBody(initImage, extra, controlType));
		expect(r.json).toMatchObject({
			code: 0,
			data: { task_id: expect.stringMatching(/^tm_[0-9a-f]{24}$/) },
		});
		return r.json.data.task_id;
	}

	async function queryTask(taskId: string): Promise<Json> {
		const r = await post(QUERY, { task_id: taskId });
		expect(r.status).toBe(200);
		expect(r.json.code).toBe(0);
		return r.json.data;
	}

	async function waitFinal(taskId: string, timeoutMs = 5000): Promise<Json> {
		const end = Date.now() + timeoutMs;
		for (;;) {
			const data = await queryTask(taskId);
			if (data.status >= 3) return data;
			if (Date.now() > end) throw new Error(`task ${taskId} still at status ${data.status}`);
			await sleep(20);
		}
	}

	/** A tiny callback receiver; `answers` are the HTTP statuses it gives, in order (then 200). */
	async function receiver(answers: number[] = []) {
		const received: Array<{
			url: string;
			headers: http.IncomingHttpHeaders;
			body: Json;
		}> = [];
		const server = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => {
				received.push({
					url: req.url ?? '',
					headers: req.headers,
					body: JSON.parse(raw),
				});
				res.writeHead(answers.shift() ?? 200).end('ok');
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return {
			url,
			received,
			close: () => new Promise<void>((r) => server.close(() => r())),
		};
	}

	async function until(check: () => boolean, timeoutMs = 5000) {
		const end = Date.now() + timeoutMs;
		while (!check()) {
			if (Date.now() > end) throw new Error('condition not met in time');
			await sleep(10);
		}
	}

	beforeAll(async () => {
		sim = createSimulator({ taskDurationMs: 150 });
		base = (await sim.start()).url;
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		sim.reset();
		sim.configure({
			taskDurationMs: 150,
			callbackForm: 'envelope',
			authFailure: 'http401',
			latencyMs: 0,
		});
	});

	describe('authentication', () => {
		it('rejects a wrong secret with 401 and records the attempt', async () => {
			const headers = {
				...AUTH,
				Authorization: `Basic ${Buffer.from('test-key:nope').toString('base64')}`,
			};
			const r = await post(SUBMIT, submitBody('http://img.test/a.jpg'), headers);
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ code: 401, msg: 'invalid app key or secret' });
			expect(sim.tasks.size).toBe(0);
			expect(sim.requests[0]).toMatchObject({
				method: 'POST',
				path: SUBMIT,
				headers: { 'x-app-key': 'test-key' },
			});
		});

		it('rejects a missing X-App-Key, and answers code 40101 with HTTP 200 in "code" mode', async () => {
			const { 'X-App-Key': _omit, ...noKey } = AUTH;
			void _omit;
			expect((await post(QUERY, { task_id: 'x' }, noKey)).status).toBe(401);
			sim.configure({ authFailure: 'code' });
			const r = await post(QUERY, { task_id: 'x' }, noKey);
			expect(r.status).toBe(200);
			expect(r.json.code).toBe(40101);
		});

		it('issues a token for the right pair and code 40101 for a wrong one', async () => {
			const ok = await (
				await fetch(`${base}/v1/open/capacity/get/token?access_key=test-key&secret=test-secret`)
			).json();
			expect(ok).toEqual({
				code: 0,
				msg: 'success',
				data: { access_token: AUTH.Authorization },
			});
			const bad = await fetch(
				`${base}/v1/open/capacity/get/token?access_key=test-key&secret=wrong`,
			);
			expect(bad.status).toBe(200);
			expect(await bad.json()).toEqual({
				code: 40101,
				msg: 'access_key or secret is invalid',
				data: null,
			});
			expect(sim.stats.byRoute.token).toBe(2);
		});

		it('wants JSON: 415 for another content type, 400 for a body that does not parse', async () => {
			const wrongType = await post(SUBMIT, submitBody('http://img.test/a.jpg'), {
				...AUTH,
				'Content-Type': 'text/plain',
			});
			expect(wrongType.status).toBe(415);
			const broken = await post(SUBMIT, '{"wsid": 1,');
			expect(broken.status).toBe(400);
			expect(broken.json.code).toBe(400);
			expect(sim.requests[1].body).toBe('{"wsid": 1,'); // unparsable bodies are kept raw
		});
	});

	describe('submit validation', () => {
		it.each([
			['wsid', { wsid: '578691780' }],
			['template_info', { template_info: [] }],
			['storage_info', { storage_info: undefined }],
			['callback', { callback: 42 }],
			['params', { params: { a: 1 } }],
		])('names %s when it is wrong', async (field, extra) => {
			const r = await post(SUBMIT, submitBody('http://img.test/a.jpg', extra));
			expect(r.status).toBe(200);
			expect(r.json.code).toBe(40001);
			expect(r.json.msg).toContain(field);
		});

		it('checks each input_params field and can answer HTTP 400 instead', async () => {
			const badType = await post(SUBMIT, submitBody('http://img.test/a.jpg', {}, '7'));
			expect(badType.json.msg).toContain('template_info[0].input_params.control_type');
			const badImage = await post(SUBMIT, submitBody('ftp://img.test/a.jpg'));
			expect(badImage.json.msg).toContain('init_image');
			sim.configure({ validationStatus: 400 });
			const body = submitBody('http://img.test/a.jpg');
			body.template_info[0].input_params.template_id = 'other';
			const badTemplate = await post(SUBMIT, body);
			expect(badTemplate.status).toBe(400);
			expect(badTemplate.json).toMatchObject({
				code: 40001,
				msg: expect.stringContaining('template_id'),
			});
			sim.configure({ validationStatus: 200 });
			expect(sim.tasks.size).toBe(0);
		});

		it('refuses another wsid when one is configured', async () => {
			sim.configure({ wsid: 1 });
			const r = await post(SUBMIT, submitBody('http://img.test/a.jpg'));
			sim.configure({ wsid: undefined });
			expect(r.json.code).not.toBe(0);
			expect(r.json.msg).toContain('wsid');
		});
	});

	describe('task lifecycle', () => {
		it('goes queued -> processing -> succeeded, with result a JSON string of images_path', async () => {
			const id = await submit('http://img.test/person.jpg?duration=2000', { params: 'row-7' }, '2');
			const seen: number[] = [];
			let final: Json | undefined;
			while (!final) {
				const data = await queryTask(id);
				if (seen[seen.length - 1] !== data.status) seen.push(data.status);
				if (data.status === 2) expect(data.result).toBe('');
				if (data.status === 3) final = data;
				else await sleep(25);
			}
			expect(seen).toEqual([1, 2, 3]);
			expect(final).toMatchObject({
				task_id: id,
				progress: 100,
				reason: '',
				params: 'row-7',
			});
			expect(typeof final.result).toBe('string');
			const result = JSON.parse(final.result);
			expect(result).toEqual({
				images_path: [`${base}/masks/${id}.png`],
				control_type: '2',
			});
			expect(sim.tasks.get(id)?.status).toBe(3);
		});

		it('fails tasks whose image URL says so', async () => {
			const failed = await waitFinal(await submit('http://img.test/FAIL-me.jpg'));
			expect(failed).toMatchObject({
				status: 4,
				reason: 'image could not be recognized',
				result: '',
			});
			const broke = await waitFinal(await submit('http://img.test/insufficient.png'));
			expect(broke).toMatchObject({
				status: 4,
				reason: 'insufficient balance',
			});
			expect((await waitFinal(await submit('http://img.test/cancel.png'))).status).toBe(5);
			expect((await waitFinal(await submit('http://img.test/timeout.png'))).status).toBe(6);
			sim.configure({ failImages: ['blurry'] });
			expect((await waitFinal(await submit('http://img.test/blurry.png'))).status).toBe(4);
			sim.configure({ failImages: [] });
		});

		it('keeps a "never" task processing and answers 40401 for an unknown id', async () => {
			const id = await submit('http://img.test/never.png?duration=50');
			await sleep(120);
			expect((await queryTask(id)).status).toBe(2);
			const unknown = await post(QUERY, {
				task_id: 'tm_000000000000000000000000',
			});
			expect(unknown.status).toBe(200);
			expect(unknown.json).toEqual({ code: 40401, msg: 'task not found' });
		});

		it('serves a PNG mask for a finished task, 403 for an expired URL, 404 otherwise', async () => {
			const id = await submit('http://img.test/a.jpg?duration=0', {}, '1');
			const data = await queryTask(id);
			const res = await fetch(JSON.parse(data.result).images_path[0]);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('image/png');
			const bytes = Buffer.from(await res.arrayBuffer());
			expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
			expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
			const expired = await fetch(`${base}/masks/expired.png`);
			expect(expired.status).toBe(403);
			expect(await expired.text()).toContain('Request has expired');
			expect((await fetch(`${base}/masks/tm_nothing.png`)).status).toBe(404);
		});
	});

	describe('callbacks', () => {
		it.each([
			[
				'envelope',
				(b: Json) => b.data,
				(b: Json) => expect(b).toMatchObject({ code: 0, msg: 'success' }),
			],
			['bare', (b: Json) => b, (b: Json) => expect(b.code).toBeUndefined()],
			[
				'camel',
				(b: Json) => ({ ...b, task_id: b.taskId }),
				(b: Json) => expect(b.status).toBe('3'),
			],
		])('POSTs the finished task in the %s form', async (form, unwrap, extraCheck) => {
			const rx = await receiver();
			try {
				sim.configure({ callbackForm: form });
				const callback = `${rx.url}/hook/abc?token=s3cret`;
				const id = await submit('http://img.test/a.jpg?duration=30', {
					callback,
					params: 'p1',
				});
				await until(() => rx.received.length === 1);
				const got = rx.received[0];
				expect(got.url).toBe('/hook/abc?token=s3cret');
				expect(got.headers['content-type']).toBe('application/json');
				const task = unwrap(got.body);
				expect(task.task_id).toBe(id);
				expect(Number(task.status)).toBe(3);
				expect(task.params).toBe('p1');
				const result = typeof task.result === 'string' ? JSON.parse(task.result) : task.result;
				expect(result.images_path[0]).toBe(`${base}/masks/${id}.png`);
				extraCheck(got.body);
				await until(() => sim.stats.callbacksDelivered === 1);
				expect(sim.callbacks).toHaveLength(1);
				expect(sim.callbacks[0]).toMatchObject({
					url: callback,
					status: 200,
					error: null,
				});
			} finally {
				await rx.close();
			}
		});

		it('retries a callback answered 500, and reports failures too', async () => {
			const rx = await receiver([500]);
			try {
				const id = await submit('http://img.test/fail.jpg?duration=10', {
					callback: `${rx.url}/cb`,
				});
				await until(() => rx.received.length === 2);
				expect(rx.received[1].body.data).toMatchObject({
					task_id: id,
					status: 4,
					reason: 'image could not be recognized',
				});
				// The simulator records an attempt once the answer is read, so wait for that.
				await until(() => sim.tasks.get(id)?.callbackState === 'delivered');
				expect(sim.callbacks.map((c: Json) => c.status)).toEqual([500, 200]);
				expect(sim.stats).toMatchObject({
					callbacksSent: 2,
					callbacksFailed: 1,
					callbacksDelivered: 1,
				});
			} finally {
				await rx.close();
			}
		});
	});

	describe('faults and load', () => {
		it('answers an injected 429 with Retry-After, then serves normally', async () => {
			sim.injectFaults([{ route: 'submit', kind: '429', count: 1, retryAfter: 3 }]);
			const limited = await post(SUBMIT, submitBody('http://img.test/a.jpg'));
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('3');
			expect(limited.json).toEqual({ code: 429, msg: 'too many requests' });
			expect(sim.tasks.size).toBe(0);
			await submit('http://img.test/a.jpg');
			expect(sim.stats.faults).toBe(1);
		});

		it('drops the connection without an answer for a "drop" fault', async () => {
			sim.injectFaults([{ route: 'query', kind: 'drop' }]);
			await expect(post(QUERY, { task_id: 'x' })).rejects.toThrow();
			expect(sim.requests).toHaveLength(1); // it arrived, it was just never answered
			expect((await post(QUERY, { task_id: 'x' })).json.code).toBe(40401);
		});

		it('applies 5xx faults queued over the control route, in order', async () => {
			const ctl = await fetch(`${base}/__sim/faults`, {
				method: 'POST',
				body: JSON.stringify([
					{ route: 'any', kind: '503' },
					{ route: 'query', kind: '502' },
				]),
			});
			expect(ctl.status).toBe(200);
			expect((await post(QUERY, { task_id: 'x' })).status).toBe(503);
			expect((await post(QUERY, { task_id: 'x' })).json).toEqual({
				code: 502,
				msg: 'bad gateway',
			});
			expect((await post(QUERY, { task_id: 'x' })).status).toBe(200);
			const stats = (await (await fetch(`${base}/__sim/stats`)).json()) as Json;
			expect(stats.faults).toBe(2);
			expect(sim.requests.every((r: Json) => !r.path.startsWith('/__sim'))).toBe(true);
		});

		it('sheds requests beyond maxInFlight with 429 + Retry-After', async () => {
			sim.configure({ maxInFlight: 2, latencyMs: 150, retryAfterSeconds: 2 });
			try {
				const results = await Promise.all(
					Array.from({ length: 5 }, () => post(QUERY, { task_id: 'x' })),
				);
				const statuses = results.map((r) => r.status).sort();
				expect(statuses).toEqual([200, 200, 429, 429, 429]);
				expect(results.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('2');
				expect(sim.stats.maxInFlight).toBe(2);
			} finally {
				sim.configure({ maxInFlight: null, latencyMs: 0 });
			}
		});

		it('draws random faults from faultRate deterministically by seed', async () => {
			const run = async () => {
				sim.reset();
				sim.configure({ faultRate: 0.5, faultKinds: ['500'], seed: 7 });
				const out: number[] = [];
				for (let i = 0; i < 12; i++) out.push((await post(QUERY, { task_id: 'x' })).status);
				return out;
			};
			const first = await run();
			const second = await run();
			sim.configure({ faultRate: 0 });
			expect(first).toEqual(second);
			expect(first).toContain(500);
			expect(first).toContain(200);
		});
	});

	it('runs from the command line and stops on SIGTERM', async () => {
		const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
		const child = spawn(
			process.execPath,
			[cli, '--port', '0', '--duration', '100-200', '--app-key', 'k2'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		const line = await new Promise<string>((resolve, reject) => {
			child.stdout.on('data', (d) => resolve(String(d).trim()));
			child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
		});
		expect(line).toMatch(/^ToMoviee simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
		const url = line.split(' ').pop() as string;
		const config = await (await fetch(`${url}/__sim/config`)).json();
		expect(config).toMatchObject({ appKey: 'k2', taskDurationMs: [100, 200] });
		const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});
