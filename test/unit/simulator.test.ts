/**
 * The ToMoviee gateway simulator (test/simulator) checked over real HTTP: the other suites,
 * the demo and the benchmark trust it to behave like ToMoviee's own pages show.
 */
import { spawn } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { createSimulator, DEFAULTS, LEGACY_OPTIONS } from '../simulator';

type Sim = ReturnType<typeof createSimulator>;
type Json = Record<string, any>;

const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';
const APP = '/v1/open/capacity/application/';
const SUBMIT = `${APP}tm_reference_img2mask`;
const QUERY = '/v1/open/pub/task';
const AUTH = {
	'Content-Type': 'application/json',
	Authorization: `Basic ${Buffer.from('test-key:test-secret').toString('base64')}`,
	'X-App-Key': 'test-key',
};
const VENDOR_ID = /^tm_reference_img2mask-0-\d{12}[0-9a-f]{10}$/;
const TASK_FIELDS = [
	'task_id',
	'wsid',
	'priority',
	'status',
	'reason',
	'progress',
	'position',
	'wait_time',
	'delay',
	'params',
	'result',
];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A recognition body in the vendor form (no wsid, no storage_info). */
function recognitionBody(initImage: string, extra: Json = {}, controlType = '0'): Json {
	return {
		template_info: [
			{ input_params: { control_type: controlType, init_image: initImage, template_id: TEMPLATE_ID } },
		],
		...extra,
	};
}

/** The seed page's form: wsid and storage_info included. */
function seedBody(initImage: string, extra: Json = {}): Json {
	return recognitionBody(initImage, {
		wsid: 578691780,
		storage_info: { input: { is_url: true }, output: { url: { expire_time: 1 } } },
		...extra,
	});
}

// A typical valid body per generation capability, and what its result holds.
const BODIES: Record<string, Json> = {
	tm_text2video_b: {
		prompt: 'a cat dancing',
		resolution: '720p',
		duration: 5,
		aspect_ratio: '16:9',
		camera_move_index: 5,
	},
	tm_img2video_b: { prompt: 'waves roll', image: 'http://img.test/sea.jpg', aspect_ratio: 'original' },
	tm_tail2video_b: { prompt: 'morph', image: 'http://img.test/a.jpg', image_tail: 'http://img.test/b.jpg' },
	tm_reference_img2img: {
		prompt: 'a knight',
		reference_image: 'http://img.test/ref.png',
		control_type: '1',
		control_intensity: 0.5,
		width: 1024,
		height: 768,
		batch_size: 2,
	},
	tm_redrawing: { prompt: 'red hair', init_image: 'http://img.test/p.png', mask_url: 'http://img.test/m.png' },
	tm_text2music: { prompt: 'calm piano', duration: 30, qty: 3, disable_translate: true },
	tm_text2sfx: { prompt: 'rain on a roof', duration: 10 },
	tm_video_scoring: { prompt: 'upbeat', file_link: 'http://img.test/clip.mp4' },
};
const RESULTS: Array<[string, string, number, string, string]> = [
	['tm_text2video_b', 'video_path', 1, 'mp4', 'video/mp4'],
	['tm_img2video_b', 'video_path', 1, 'mp4', 'video/mp4'],
	['tm_tail2video_b', 'video_path', 1, 'mp4', 'video/mp4'],
	['tm_reference_img2img', 'images_path', 2, 'png', 'image/png'],
	['tm_redrawing', 'images_path', 1, 'png', 'image/png'],
	['tm_text2music', 'audio_path', 3, 'mp3', 'audio/mpeg'],
	['tm_text2sfx', 'audio_path', 1, 'mp3', 'audio/mpeg'],
	['tm_video_scoring', 'audio_path', 1, 'mp3', 'audio/mpeg'],
];

/** The first bytes each media type must start with. */
function expectMedia(ext: string, bytes: Buffer) {
	if (ext === 'png') expect([...bytes.subarray(0, 8)]).toEqual(PNG);
	if (ext === 'jpg') expect([...bytes.subarray(0, 2), ...bytes.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
	if (ext === 'mp4') expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp');
	if (ext === 'mp3') expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfb]);
	if (ext === 'wav') expect(bytes.subarray(0, 4).toString() + bytes.subarray(8, 12).toString()).toBe('RIFFWAVE');
}

describe('ToMoviee simulator', () => {
	let sim: Sim;
	let base: string;

	async function post(p: string, body: unknown, headers: Record<string, string> = AUTH, signal?: AbortSignal) {
		const res = await fetch(base + p, {
			method: 'POST',
			headers,
			body: typeof body === 'string' ? body : JSON.stringify(body),
			redirect: 'manual',
			signal,
		});
		const text = await res.text();
		let json: Json | undefined;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, headers: res.headers, json: json as Json, text };
	}

	/** Submit to a capability; expects acceptance and returns the task id. */
	async function create(capability: string, body: Json): Promise<string> {
		const r = await post(APP + capability, body);
		expect(r.json).toMatchObject({ code: 0, data: { task_id: expect.any(String) } });
		return r.json.data.task_id;
	}

	const submit = (initImage: string, extra: Json = {}, controlType = '0') =>
		create('tm_reference_img2mask', recognitionBody(initImage, extra, controlType));

	/** The whole query answer {code, msg, data}. */
	async function query(taskId: string): Promise<Json> {
		const r = await post(QUERY, { task_id: taskId });
		expect(r.status).toBe(200);
		return r.json;
	}

	async function waitFinal(taskId: string, timeoutMs = 5000): Promise<Json> {
		const end = Date.now() + timeoutMs;
		for (;;) {
			const answer = await query(taskId);
			if (answer.data.status >= 3) return answer;
			if (Date.now() > end) throw new Error(`task ${taskId} still at status ${answer.data.status}`);
			await sleep(20);
		}
	}

	async function download(url: string) {
		const res = await fetch(url);
		return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
	}

	/** A tiny callback receiver; `answers` are the HTTP statuses it gives, in order (then 200). */
	async function receiver(answers: number[] = []) {
		const received: Array<{ url: string; headers: http.IncomingHttpHeaders; body: Json }> = [];
		const server = http.createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => {
				received.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
				res.writeHead(answers.shift() ?? 200).end('ok');
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
	}

	async function until(check: () => boolean, timeoutMs = 5000) {
		const end = Date.now() + timeoutMs;
		while (!check()) {
			if (Date.now() > end) throw new Error('condition not met in time');
			await sleep(10);
		}
	}

	/** Wait until `read()` stops changing (two reads 150 ms apart agree). */
	async function settled(read: () => number, timeoutMs = 10000) {
		const end = Date.now() + timeoutMs;
		let last = -1;
		while (read() !== last) {
			if (Date.now() > end) throw new Error('value kept changing');
			last = read();
			await sleep(150);
		}
		return last;
	}

	/** GET `url`, read at least `limit` bytes (or to the end), then hang up. */
	function readSome(url: string, limit: number) {
		return new Promise<{ status?: number; headers: http.IncomingHttpHeaders; got: Buffer }>((resolve, reject) => {
			let done = false;
			const req = http.get(url, (res) => {
				const chunks: Buffer[] = [];
				let n = 0;
				const finish = () => {
					if (done) return;
					done = true;
					resolve({ status: res.statusCode, headers: res.headers, got: Buffer.concat(chunks) });
				};
				res.on('data', (c: Buffer) => {
					chunks.push(c);
					n += c.length;
					if (n >= limit) {
						req.destroy();
						finish();
					}
				});
				res.on('end', finish);
			});
			req.on('error', (e) => {
				if (!done) reject(e);
			});
		});
	}

	beforeAll(async () => {
		sim = createSimulator({ taskDurationMs: 150 });
		base = (await sim.start()).url;
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		sim.reset();
		sim.configure({ ...DEFAULTS, taskDurationMs: 150 });
	});

	describe('task query in the vendor form (1)', () => {
		it('goes queued -> processing -> succeeded with every vendor field; queued tasks have position and wait_time', async () => {
			const id = await submit('http://img.test/person.jpg?duration=2000', { params: 'row-7' }, '2');
			const seen: number[] = [];
			let final: Json | undefined;
			while (!final) {
				const answer = await query(id);
				expect(answer.code).toBe(0);
				const data = answer.data;
				expect(Object.keys(data).sort()).toEqual([...TASK_FIELDS].sort());
				if (seen[seen.length - 1] !== data.status) seen.push(data.status);
				if (data.status === 1) {
					expect(data.position).toBeGreaterThanOrEqual(0);
					expect(data.wait_time).toBeGreaterThanOrEqual(1);
				}
				if (data.status === 2) expect(data.result).toBe('');
				if (data.status === 3) final = data;
				else await sleep(25);
			}
			expect(seen).toEqual([1, 2, 3]);
			expect(final).toMatchObject({
				task_id: id,
				status: 3,
				progress: 100,
				reason: 'success',
				position: -1,
				delay: false,
				params: 'row-7',
				wsid: expect.any(Number),
				priority: expect.any(Number),
				wait_time: expect.any(Number),
			});
			expect(typeof final.result).toBe('string');
		});

		it.each([
			['http://img.test/insufficient.png', 4, 680001, 'insufficient balance'],
			['http://img.test/FAIL-me.jpg', 4, 680003, 'image could not be recognized'],
			['http://img.test/cancel.png', 5, 680004, 'task cancelled'],
			['http://img.test/timeout.png', 6, 680005, 'task timed out'],
		])('answers %s with the task code and the task in data', async (image, status, code, reason) => {
			const answer = await waitFinal(await submit(`${image}?duration=0`));
			expect(answer).toMatchObject({ code, msg: reason, data: { status, reason, progress: 0, result: '' } });
			expect(String(answer.code)).toMatch(/^68\d{4}$/);
			expect(Object.keys(answer.data).sort()).toEqual([...TASK_FIELDS].sort());
		});

		it('fails tasks whose image matches a failImages entry', async () => {
			sim.configure({ failImages: ['blurry'] });
			const answer = await waitFinal(await submit('http://img.test/blurry.png?duration=0'));
			expect(answer).toMatchObject({ code: 680003, data: { status: 4 } });
		});

		it('answers an unknown task id with HTTP 200, a 68xxxx code and data null', async () => {
			const r = await post(QUERY, { task_id: 'tm_reference_img2mask-0-202508010929ffffffffff' });
			expect(r.status).toBe(200);
			expect(r.json).toEqual({ code: 680002, msg: 'task not found', data: null });
		});

		it('keeps a "never" task processing', async () => {
			const id = await submit('http://img.test/never.png?duration=50');
			await until(() => sim.tasks.get(id)?.status === 2);
			await sleep(100);
			expect((await query(id)).data).toMatchObject({ status: 2, result: '' });
		});

		it('names the progress field "process" when asked', async () => {
			sim.configure({ progressField: 'process' });
			const { data } = await waitFinal(await submit('http://img.test/a.jpg?duration=0'));
			expect(data.process).toBe(100);
			expect(data).not.toHaveProperty('progress');
		});
	});

	describe('task ids (2)', () => {
		it('have the vendor form <capability>-0-<yyyyMMddHHmm><hex> and are unique', async () => {
			const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => submit(`http://img.test/${i}.jpg`)));
			for (const id of ids) expect(id).toMatch(VENDOR_ID);
			expect(new Set(ids).size).toBe(60);
			const stamp = ids[0].split('-0-')[1].slice(0, 12);
			const created = new Date(sim.tasks.get(ids[0]).createdAt);
			expect(stamp.slice(0, 8)).toBe(created.toISOString().slice(0, 10).replace(/-/g, ''));
			const music = await create('tm_text2music', BODIES.tm_text2music);
			expect(music).toMatch(/^tm_text2music-0-\d{12}[0-9a-f]{10}$/);
		});

		it('take the old tm_<hex> form with taskIdForm "hex"', async () => {
			sim.configure({ taskIdForm: 'hex' });
			expect(await submit('http://img.test/a.jpg')).toMatch(/^tm_[0-9a-f]{24}$/);
		});
	});

	describe('results (3)', () => {
		it('are a JSON string of signed links that expire 48 h after creation, with control_type', async () => {
			const id = await submit('http://img.test/a.jpg?duration=0', {}, '1');
			const { data } = await waitFinal(id);
			const result = JSON.parse(data.result);
			expect(result.control_type).toBe('1');
			expect(result.images_path).toHaveLength(1);
			const link = new URL(result.images_path[0]);
			expect(link.origin + link.pathname).toBe(`${base}/files/${id}/0.png`);
			const createdAt = sim.tasks.get(id).createdAt;
			expect(Number(link.searchParams.get('Expires'))).toBe(Math.floor(createdAt / 1000) + 48 * 3600);
			expect(link.searchParams.get('OSSAccessKeyId')).toBe('sim');
			expect(link.searchParams.get('Signature')).toBeTruthy();
			const signed = await download(link.href);
			expect(signed).toMatchObject({ status: 200, type: 'image/png' });
			expectMedia('png', signed.bytes);
			expect(signed.bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
			const unsigned = await download(link.origin + link.pathname);
			expect(unsigned.status).toBe(200);
			expect(unsigned.bytes.equals(signed.bytes)).toBe(true);
		});

		it('answers 403 "Request has expired" for a link whose Expires has passed, 404 for unknown files', async () => {
			sim.configure({ resultUrlTtlSeconds: -60 });
			const { data } = await waitFinal(await submit('http://img.test/a.jpg?duration=0'));
			const old = await fetch(JSON.parse(data.result).images_path[0]);
			expect(old.status).toBe(403);
			expect(await old.text()).toContain('Request has expired');
			expect((await fetch(`${base}/masks/expired.png`)).status).toBe(403);
			expect((await fetch(`${base}/files/nothing-0-1/0.png`)).status).toBe(404);
			expect((await fetch(`${base}/masks/tm_nothing.png`)).status).toBe(404);
		});

		it('uses mask_path with maskResultKey, and the old unsigned /masks/ URL with resultUrlForm "plain"', async () => {
			sim.configure({ maskResultKey: 'mask_path', resultUrlForm: 'plain' });
			const id = await submit('http://img.test/a.jpg?duration=0', {}, '3');
			const result = JSON.parse((await waitFinal(id)).data.result);
			expect(result).toEqual({ mask_path: [`${base}/masks/${id}.png`], control_type: '3' });
			const mask = await download(result.mask_path[0]);
			expect(mask.type).toBe('image/png');
			expectMedia('png', mask.bytes);
		});

		it('draws a different mask per control type', async () => {
			const a = await waitFinal(await submit('http://img.test/a.jpg?duration=0', {}, '0'));
			const b = await waitFinal(await submit('http://img.test/b.jpg?duration=0', {}, '1'));
			const bytesA = (await download(JSON.parse(a.data.result).images_path[0])).bytes;
			const bytesB = (await download(JSON.parse(b.data.result).images_path[0])).bytes;
			expect(bytesA.equals(bytesB)).toBe(false);
		});
	});

	describe('callbacks (4)', () => {
		it.each([
			['bare', (b: Json) => b, (b: Json) => expect(Object.keys(b).sort()).toEqual([...TASK_FIELDS].sort())],
			['envelope', (b: Json) => b.data, (b: Json) => expect(b).toMatchObject({ code: 0, msg: 'success' })],
			['camel', (b: Json) => ({ ...b, task_id: b.taskId }), (b: Json) => expect(b.status).toBe('3')],
		])('POSTs the finished task in the %s form', async (form, unwrap, extraCheck) => {
			const rx = await receiver();
			try {
				if (form !== 'bare') sim.configure({ callbackForm: form });
				const callback = `${rx.url}/hook/abc?token=s3cret`;
				const id = await submit('http://img.test/a.jpg?duration=30', { callback, params: 'p1' });
				await until(() => rx.received.length === 1);
				const got = rx.received[0];
				expect(got.url).toBe('/hook/abc?token=s3cret');
				expect(got.headers['content-type']).toBe('application/json');
				const task = unwrap(got.body);
				expect(task.task_id).toBe(id);
				expect(Number(task.status)).toBe(3);
				expect(task.params).toBe('p1');
				expect(task.reason).toBe('success');
				const result = typeof task.result === 'string' ? JSON.parse(task.result) : task.result;
				expect(new URL(result.images_path[0]).pathname).toBe(`/files/${id}/0.png`);
				extraCheck(got.body);
				await until(() => sim.stats.callbacksDelivered === 1);
				expect(sim.callbacks).toHaveLength(1);
				expect(sim.callbacks[0]).toMatchObject({ url: callback, status: 200, error: null });
			} finally {
				await rx.close();
			}
		});

		it('sends a failed task as the bare task by default, and with its 68xxxx code in the envelope', async () => {
			const rx = await receiver();
			try {
				await submit('http://img.test/insufficient.jpg?duration=0', { callback: `${rx.url}/a` });
				await until(() => rx.received.length === 1);
				expect(rx.received[0].body).toMatchObject({ status: 4, reason: 'insufficient balance', result: '' });
				expect(rx.received[0].body.code).toBeUndefined();
				sim.configure({ callbackForm: 'envelope' });
				await submit('http://img.test/insufficient.jpg?duration=0', { callback: `${rx.url}/b` });
				await until(() => rx.received.length === 2);
				expect(rx.received[1].body).toMatchObject({
					code: 680001,
					msg: 'insufficient balance',
					data: { status: 4 },
				});
			} finally {
				await rx.close();
			}
		});

		it('retries a callback answered 500, and reports failures too', async () => {
			const rx = await receiver([500]);
			try {
				const id = await submit('http://img.test/fail.jpg?duration=10', { callback: `${rx.url}/cb` });
				await until(() => rx.received.length === 2);
				expect(rx.received[1].body).toMatchObject({
					task_id: id,
					status: 4,
					reason: 'image could not be recognized',
				});
				// The simulator records an attempt once the answer is read, so wait for that.
				await until(() => sim.tasks.get(id)?.callbackState === 'delivered');
				expect(sim.callbacks.map((c: Json) => c.status)).toEqual([500, 200]);
				expect(sim.stats).toMatchObject({ callbacksSent: 2, callbacksFailed: 1, callbacksDelivered: 1 });
			} finally {
				await rx.close();
			}
		});
	});

	describe('submit bodies and wsid (5)', () => {
		it('accepts bodies without wsid and storage_info, and the seed form with both', async () => {
			await submit('http://img.test/a.jpg');
			await create('tm_reference_img2mask', seedBody('http://img.test/b.jpg'));
			expect(sim.tasks.size).toBe(2);
			const seeded = [...sim.tasks.values()].find((t) => t.init_image === 'http://img.test/b.jpg');
			expect(seeded.wsid).toBe(578691780);
		});

		it('refuses another wsid when one is configured, and accepts none unless requireWsid', async () => {
			sim.configure({ wsid: 1 });
			const other = await post(SUBMIT, seedBody('http://img.test/a.jpg'));
			expect(other.status).toBe(200);
			expect(other.json).toMatchObject({ code: 680007, data: null });
			expect(other.json.msg).toContain('wsid');
			const same = await post(SUBMIT, seedBody('http://img.test/a.jpg', { wsid: 1 }));
			expect(same.json.code).toBe(0);
			const none = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(none.json.code).toBe(0);
			expect((await query(none.json.data.task_id)).data.wsid).toBe(1);
			sim.configure({ requireWsid: true });
			const missing = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(missing.json.code).toBe(680007);
			expect(missing.json.msg).toMatch(/wsid.*user id/);
			expect(sim.tasks.size).toBe(2);
		});

		it.each([
			['wsid', { wsid: '578691780' }],
			['template_info', { template_info: [] }],
			['callback', { callback: 42 }],
			['params', { params: { a: 1 } }],
			['storage_info', { storage_info: 'yes' }],
		])('names %s when it is wrong (code 680006, HTTP 200)', async (field, extra) => {
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg', extra));
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ code: 680006, data: null });
			expect(r.json.msg).toContain(field);
		});

		it('requires storage_info on recognition submits with requireStorageInfo', async () => {
			sim.configure({ requireStorageInfo: true });
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(r.json).toMatchObject({ code: 680006, msg: 'storage_info is required' });
			await create('tm_text2sfx', BODIES.tm_text2sfx); // generation bodies never carry it
		});

		it('checks each input_params field and can answer HTTP 400 instead', async () => {
			const badType = await post(SUBMIT, recognitionBody('http://img.test/a.jpg', {}, '7'));
			expect(badType.json.msg).toContain('template_info[0].input_params.control_type');
			const badImage = await post(SUBMIT, recognitionBody('ftp://img.test/a.jpg'));
			expect(badImage.json.msg).toContain('init_image');
			sim.configure({ validationStatus: 400 });
			const body = recognitionBody('http://img.test/a.jpg');
			body.template_info[0].input_params.template_id = 'other';
			const badTemplate = await post(SUBMIT, body);
			expect(badTemplate.status).toBe(400);
			expect(badTemplate.json).toMatchObject({ code: 680006, msg: expect.stringContaining('template_id') });
			expect(sim.tasks.size).toBe(0);
		});

		it('wants JSON: 415 for another content type, 400 for a body that does not parse', async () => {
			const wrongType = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'), {
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

	describe('authentication (6)', () => {
		const wrongSecret = { ...AUTH, Authorization: `Basic ${Buffer.from('test-key:nope').toString('base64')}` };

		it('answers a wrong secret with HTTP 401 in "http401" mode and records the attempt', async () => {
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'), wrongSecret);
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ code: 401, msg: 'invalid app key or secret' });
			expect(sim.tasks.size).toBe(0);
			expect(sim.requests[0]).toMatchObject({ method: 'POST', path: SUBMIT, headers: { 'x-app-key': 'test-key' } });
		});

		it('answers HTTP 200 with a 68xxxx auth code in "code" mode, on every API route', async () => {
			sim.configure({ authFailure: 'code' });
			const { 'X-App-Key': _omit, ...noKey } = AUTH;
			void _omit;
			const expected = { code: 680008, msg: 'app key or secret is invalid (authorization failed)', data: null };
			for (const [p, body, headers] of [
				[QUERY, { task_id: 'x' }, noKey],
				[QUERY, { task_id: 'x' }, { ...AUTH, 'X-App-Key': 'other-key' }],
				[SUBMIT, recognitionBody('http://img.test/a.jpg'), wrongSecret],
				[`${APP}tm_text2sfx`, BODIES.tm_text2sfx, wrongSecret],
			] as Array<[string, Json, Record<string, string>]>) {
				const r = await post(p, body, headers);
				expect(r.status).toBe(200);
				expect(r.json).toEqual(expected);
			}
			expect(sim.tasks.size).toBe(0);
		});

		it('keeps the token endpoint, and records URLs so a test can see which request carried the secret', async () => {
			const ok = await (await fetch(`${base}/v1/open/capacity/get/token?access_key=test-key&secret=test-secret`)).json();
			expect(ok).toEqual({ code: 0, msg: 'success', data: { access_token: AUTH.Authorization } });
			const bad = await fetch(`${base}/v1/open/capacity/get/token?access_key=test-key&secret=wrong`);
			expect(bad.status).toBe(200);
			expect(await bad.json()).toEqual({ code: 680008, msg: 'access_key or secret is invalid', data: null });
			await post(QUERY, { task_id: 'x' });
			await submit('http://img.test/a.jpg');
			expect(sim.stats.byRoute.token).toBe(2);
			const carrying = sim.requests.filter((r: Json) => r.url.includes('test-secret'));
			expect(carrying.map((r: Json) => r.path)).toEqual(['/v1/open/capacity/get/token']);
			expect(carrying[0].query).toEqual({ access_key: 'test-key', secret: 'test-secret' });
			const apiCalls = sim.requests.filter((r: Json) => r.method === 'POST');
			expect(apiCalls).toHaveLength(2);
			expect(apiCalls.every((r: Json) => !r.url.includes('secret'))).toBe(true);
		});
	});

	describe('faults after a task was created (7)', () => {
		it('drop-after-create: the task exists, the socket closes without an answer', async () => {
			sim.injectFaults([{ route: 'submit', kind: 'drop-after-create' }]);
			await expect(post(SUBMIT, recognitionBody('http://img.test/a.jpg'))).rejects.toThrow();
			expect(sim.tasks.size).toBe(1);
			expect(sim.stats).toMatchObject({ faults: 1, tasksCreated: 1 });
			expect(sim.pendingFaults).toEqual([]);
		});

		it('504-after-create over POST /__sim/faults: HTTP 504, yet the task exists and runs', async () => {
			const ctl = await fetch(`${base}/__sim/faults`, {
				method: 'POST',
				body: JSON.stringify([{ kind: '504-after-create' }]),
			});
			expect(((await ctl.json()) as Json).pending).toEqual([
				expect.objectContaining({ route: 'submit', kind: '504-after-create', count: 1 }),
			]);
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg?duration=0'));
			expect(r.status).toBe(504);
			expect(r.json).toEqual({ code: 504, msg: 'gateway timeout' });
			const [task] = [...sim.tasks.values()];
			expect((await waitFinal(task.task_id)).data.status).toBe(3);
			const refused = await fetch(`${base}/__sim/faults`, {
				method: 'POST',
				body: JSON.stringify([{ route: 'query', kind: 'drop-after-create' }]),
			});
			expect(refused.status).toBe(400);
		});

		it('slow-after-create: the client gives up first, the task exists (default and explicit delay)', async () => {
			sim.injectFaults([
				{ route: 'submit', kind: 'slow-after-create' },
				{ route: 'submit', kind: 'slow-after-create', delayMs: 400 },
			]);
			await expect(
				post(SUBMIT, recognitionBody('http://img.test/a.jpg'), AUTH, AbortSignal.timeout(100)),
			).rejects.toThrow();
			await expect(
				post(SUBMIT, recognitionBody('http://img.test/b.jpg'), AUTH, AbortSignal.timeout(100)),
			).rejects.toThrow();
			expect(sim.tasks.size).toBe(2);
			expect(sim.stats.faults).toBe(2);
		});

		it('slow-after-create still answers the task id to a patient client', async () => {
			sim.injectFaults([{ route: 'submit', kind: 'slow-after-create', delayMs: 50 }]);
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(r.json).toMatchObject({ code: 0, data: { task_id: [...sim.tasks.keys()][0] } });
		});

		it('draws after-create kinds from faultKinds on submits only; pre-create faults create no task', async () => {
			sim.configure({ faultRate: 1, faultKinds: ['504-after-create'] });
			const r = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(r.status).toBe(504);
			expect(sim.tasks.size).toBe(1);
			const [id] = [...sim.tasks.keys()];
			expect((await query(id)).code).toBe(0); // queries have no applicable kind: served
			sim.configure({ faultRate: 0 });
			sim.injectFaults([{ route: 'submit', kind: '503' }, { route: 'submit', kind: 'drop' }]);
			expect((await post(SUBMIT, recognitionBody('http://img.test/b.jpg'))).status).toBe(503);
			await expect(post(SUBMIT, recognitionBody('http://img.test/c.jpg'))).rejects.toThrow();
			expect(sim.tasks.size).toBe(1);
		});
	});

	describe('created tasks per input (8)', () => {
		it('counts tasks per main input and submits per capability, and lists duplicates', async () => {
			await submit('http://img.test/a.jpg');
			sim.injectFaults([{ route: 'submit', kind: '504-after-create' }]);
			await post(SUBMIT, recognitionBody('http://img.test/a.jpg')); // a "retry" that billed twice
			await submit('http://img.test/b.jpg');
			await create('tm_text2music', BODIES.tm_text2music);
			await create('tm_img2video_b', BODIES.tm_img2video_b);
			sim.injectFaults([{ route: 'submit', kind: '429' }]);
			await post(`${APP}tm_text2music`, BODIES.tm_text2music); // refused before create
			expect(sim.stats.createdByInput).toEqual({
				'http://img.test/a.jpg': 2,
				'http://img.test/b.jpg': 1,
				'calm piano': 1,
				'http://img.test/sea.jpg': 1,
			});
			expect(sim.stats.submitsByCapability).toEqual({
				tm_reference_img2mask: 3,
				tm_text2music: 2,
				tm_img2video_b: 1,
			});
			expect(sim.duplicatedInputs()).toEqual([{ input: 'http://img.test/a.jpg', count: 2 }]);
			const stats = (await (await fetch(`${base}/__sim/stats`)).json()) as Json;
			expect(stats.duplicatedInputs).toEqual([{ input: 'http://img.test/a.jpg', count: 2 }]);
			expect(stats.createdByInput['http://img.test/a.jpg']).toBe(2);
			expect(stats.tasksCreated).toBe(5);
			sim.reset();
			expect(sim.duplicatedInputs()).toEqual([]);
		});
	});

	describe('downloads (9)', () => {
		it('streams /files/huge.png without Content-Length and stops when the client hangs up', async () => {
			const r = await readSome(`${base}/files/huge.png?bytes=209715200`, 1024 * 1024);
			expect(r.status).toBe(200);
			expect(r.headers['content-type']).toBe('image/png');
			expect(r.headers['content-length']).toBeUndefined();
			expect(r.headers['transfer-encoding']).toBe('chunked');
			expect([...r.got.subarray(0, 8)]).toEqual(PNG);
			const written = await settled(() => sim.stats.streamedBytes);
			expect(written).toBeGreaterThanOrEqual(1024 * 1024);
			expect(written).toBeLessThan(48 * 1024 * 1024);
		});

		it('writes no further than a reader that does not read (backpressure)', async () => {
			let response: http.IncomingMessage | undefined;
			const req = http.get(`${base}/files/huge.mp4?bytes=209715200`, (res) => {
				response = res;
				res.pause();
			});
			req.on('error', () => {});
			await until(() => response !== undefined);
			const written = await settled(() => sim.stats.streamedBytes);
			req.destroy();
			expect(response!.headers['content-type']).toBe('video/mp4');
			expect(written).toBeGreaterThan(0);
			expect(written).toBeLessThan(48 * 1024 * 1024);
		});

		it('streams a small bytes= body to the end', async () => {
			const r = await readSome(`${base}/files/huge.png?bytes=200000`, Infinity);
			expect(r.got.length).toBe(200000);
			await until(() => sim.stats.streamedBytes === 200000);
		});

		it('points result URLs at the huge route with hugeResults or the "huge" hint', async () => {
			sim.configure({ hugeBytes: 150000 });
			const hinted = await waitFinal(await submit('http://img.test/huge.jpg?duration=0'));
			const url = JSON.parse(hinted.data.result).images_path[0];
			expect(new URL(url).pathname).toBe('/files/huge.png');
			expect(new URL(url).searchParams.get('bytes')).toBe('150000');
			const r = await readSome(url, Infinity);
			expect(r.got.length).toBe(150000);
			expect(r.headers['content-length']).toBeUndefined();
			sim.configure({ hugeResults: true });
			const video = await waitFinal(await create('tm_text2video_b', { prompt: 'sea duration=0' }));
			expect(new URL(JSON.parse(video.data.result).video_path[0]).pathname).toBe('/files/huge.mp4');
		});

		it('serves a result with the wrong content type through the "wrongtype" hint', async () => {
			const { data } = await waitFinal(await submit('http://img.test/wrongtype.jpg?duration=0'));
			const r = await download(JSON.parse(data.result).images_path[0]);
			expect(r.status).toBe(200);
			expect(r.type).toMatch(/^text\/html/);
			expect(r.bytes.toString()).toContain('<html>');
			expect((await download(`${base}/files/wrongtype.mp4`)).type).toMatch(/^text\/html/);
		});
	});

	describe('redirects (10)', () => {
		it('answers every API route with 302 to the same path on redirectApiTo', async () => {
			sim.configure({ redirectApiTo: 'http://127.0.0.1:9/' });
			const submitted = await post(`${APP}tm_text2sfx`, BODIES.tm_text2sfx);
			expect(submitted.status).toBe(302);
			expect(submitted.headers.get('location')).toBe(`http://127.0.0.1:9${APP}tm_text2sfx`);
			const queried = await post(QUERY, { task_id: 'x' });
			expect(queried.headers.get('location')).toBe(`http://127.0.0.1:9${QUERY}`);
			const token = await fetch(`${base}/v1/open/capacity/get/token?access_key=k&secret=s`, { redirect: 'manual' });
			expect(token.status).toBe(302);
			expect(token.headers.get('location')).toBe('http://127.0.0.1:9/v1/open/capacity/get/token?access_key=k&secret=s');
			expect(sim.tasks.size).toBe(0);
			expect(sim.stats.redirected).toBe(3);
			expect(sim.requests).toHaveLength(3);
			expect(() => sim.configure({ redirectApiTo: 'ftp://x' })).toThrow(/redirectApiTo/);
		});
	});

	describe('generation capabilities (11)', () => {
		it.each(RESULTS)('%s: runs the task and serves %s files of the right type', async (cap, key, count, ext, type) => {
			const id = await create(cap, { ...BODIES[cap], prompt: `${BODIES[cap].prompt} duration=0` });
			expect(id.startsWith(`${cap}-0-`)).toBe(true);
			const answer = await waitFinal(id);
			expect(answer).toMatchObject({ code: 0, data: { status: 3, reason: 'success' } });
			const result = JSON.parse(answer.data.result);
			expect(result[key]).toHaveLength(count);
			for (const [n, url] of (result[key] as string[]).entries()) {
				expect(new URL(url).pathname).toBe(`/files/${id}/${n}.${ext}`);
				expect(new URL(url).searchParams.get('Expires')).toMatch(/^\d+$/);
				const file = await download(url);
				expect(file).toMatchObject({ status: 200, type });
				expectMedia(ext, file.bytes);
			}
		});

		it('keeps model_version and translate_prompt in video results, control_type in reference images', async () => {
			const video = await waitFinal(await create('tm_text2video_b', { prompt: 'dance duration=0' }));
			expect(JSON.parse(video.data.result)).toMatchObject({ model_version: expect.any(String), translate_prompt: 'dance duration=0' });
			const image = await waitFinal(await create('tm_reference_img2img', { ...BODIES.tm_reference_img2img, prompt: 'x duration=0' }));
			expect(JSON.parse(image.data.result).control_type).toBe('1');
		});

		it.each([
			['tm_text2video_b', { prompt: undefined }, 'prompt'],
			['tm_text2video_b', { prompt: 'x'.repeat(1001) }, 'prompt'],
			['tm_text2video_b', { resolution: '480p' }, 'resolution'],
			['tm_text2video_b', { duration: 10 }, 'duration'],
			['tm_text2video_b', { aspect_ratio: 'original' }, 'aspect_ratio'],
			['tm_text2video_b', { camera_move_index: 47 }, 'camera_move_index'],
			['tm_text2video_b', { camera_move_index: 0 }, 'camera_move_index'],
			['tm_img2video_b', { image: 'ftp://img.test/a.jpg' }, 'image'],
			['tm_img2video_b', { image: undefined }, 'image'],
			['tm_tail2video_b', { image_tail: undefined }, 'image_tail'],
			['tm_reference_img2img', { reference_image: 'not a url' }, 'reference_image'],
			['tm_reference_img2img', { control_type: 1 }, 'control_type'],
			['tm_reference_img2img', { control_intensity: 1.5 }, 'control_intensity'],
			['tm_reference_img2img', { control_intensity: undefined }, 'control_intensity'],
			['tm_reference_img2img', { width: 511 }, 'width'],
			['tm_reference_img2img', { height: 2049 }, 'height'],
			['tm_reference_img2img', { batch_size: 5 }, 'batch_size'],
			['tm_reference_img2img', { batch_size: 0 }, 'batch_size'],
			['tm_reference_img2img', { control_type: '2' }, 'init_image'],
			['tm_redrawing', { init_image: undefined }, 'init_image'],
			['tm_redrawing', { mask_url: 'mask.png' }, 'mask_url'],
			['tm_text2music', { duration: 95 }, 'duration'],
			['tm_text2music', { duration: 0 }, 'duration'],
			['tm_text2music', { qty: 5 }, 'qty'],
			['tm_text2music', { qty: undefined }, 'qty'],
			['tm_text2music', { disable_translate: 'yes' }, 'disable_translate'],
			['tm_text2sfx', { duration: 4 }, 'duration'],
			['tm_text2sfx', { duration: 181 }, 'duration'],
			['tm_text2sfx', { qty: 5 }, 'qty'],
			['tm_video_scoring', { file_link: undefined }, 'file_link'],
			['tm_video_scoring', { prompt: '' }, 'prompt'],
			['tm_video_scoring', { callback: 'ftp://hook.test/' }, 'callback'],
		] as Array<[string, Json, string]>)('%s refuses %j naming %s', async (cap, patch, field) => {
			const r = await post(APP + cap, { ...BODIES[cap], ...patch });
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ code: 680006, data: null });
			expect(r.json.msg.startsWith(field)).toBe(true);
			expect(sim.tasks.size).toBe(0);
		});

		it('accepts the edges of each range and init_image for control type "2"', async () => {
			await create('tm_text2music', { ...BODIES.tm_text2music, duration: 94.9, qty: 4 });
			await create('tm_text2sfx', { ...BODIES.tm_text2sfx, duration: 180, qty: 1 });
			await create('tm_text2sfx', { ...BODIES.tm_text2sfx, duration: 5 });
			await create('tm_reference_img2img', {
				...BODIES.tm_reference_img2img,
				control_type: '2',
				init_image: 'http://img.test/init.png',
				control_intensity: 0,
				width: 512,
				height: 2048,
				batch_size: 4,
			});
			await create('tm_text2video_b', { prompt: 'x', camera_move_index: 46, resolution: '1080p' });
			expect(sim.tasks.size).toBe(5);
		});

		it('refuses 1080p text to video with textToVideo1080p false, and unknown capabilities with 404', async () => {
			sim.configure({ textToVideo1080p: false });
			const r = await post(`${APP}tm_text2video_b`, { prompt: 'x', resolution: '1080p' });
			expect(r.json).toMatchObject({ code: 680006, msg: expect.stringContaining('resolution') });
			await create('tm_img2video_b', { ...BODIES.tm_img2video_b, resolution: '1080p' });
			const unknown = await post(`${APP}tm_video_continuation_b`, { prompt: 'x' });
			expect(unknown.status).toBe(404);
			expect(unknown.json).toMatchObject({ code: 680009, msg: expect.stringContaining('tm_video_continuation_b') });
			expect(sim.stats.byRoute.other).toBe(1);
		});

		it.each([
			['please fail', 4, 680003, 'music generation failed'],
			['insufficient funds', 4, 680001, 'insufficient balance'],
			['timeout now', 6, 680005, 'task timed out'],
			['cancel it', 5, 680004, 'task cancelled'],
		])('reads outcome hints in the prompt: %s', async (hint, status, code, reason) => {
			const id = await create('tm_text2music', { ...BODIES.tm_text2music, prompt: `${hint} duration=0` });
			expect(await waitFinal(id)).toMatchObject({ code, msg: reason, data: { status, reason } });
		});

		it('reads "never" and duration=<ms> in a prompt or an input URL', async () => {
			const never = await create('tm_text2sfx', { ...BODIES.tm_text2sfx, prompt: 'never ends duration=20' });
			const timed = await create('tm_img2video_b', { ...BODIES.tm_img2video_b, image: 'http://img.test/a.jpg?duration=0' });
			expect(sim.tasks.get(never).durationMs).toBe(20);
			expect((await query(timed)).data.status).toBe(3);
			await sleep(60);
			expect((await query(never)).data.status).toBe(2);
		});

		it('lets an option or a hint choose the soundtrack result key, and the formats', async () => {
			const hinted = await waitFinal(await create('tm_video_scoring', { ...BODIES.tm_video_scoring, prompt: 'video_path duration=0' }));
			expect(Object.keys(JSON.parse(hinted.data.result))).toEqual(['video_path']);
			sim.configure({ scoringResultKey: 'video_path', audioFormat: 'wav', imageFormat: 'jpeg', redrawResultKey: 'image_path' });
			const scored = JSON.parse((await waitFinal(await create('tm_video_scoring', { ...BODIES.tm_video_scoring, prompt: 'x duration=0' }))).data.result);
			const video = await download(scored.video_path[0]);
			expect(video.type).toBe('video/mp4');
			expectMedia('mp4', video.bytes);
			const sfx = JSON.parse((await waitFinal(await create('tm_text2sfx', { ...BODIES.tm_text2sfx, prompt: 'x duration=0' }))).data.result);
			const wav = await download(sfx.audio_path[0]);
			expect(wav.type).toBe('audio/wav');
			expectMedia('wav', wav.bytes);
			const redraw = JSON.parse((await waitFinal(await create('tm_redrawing', { ...BODIES.tm_redrawing, prompt: 'x duration=0' }))).data.result);
			const jpeg = await download(redraw.image_path[0]);
			expect(jpeg.type).toBe('image/jpeg');
			expectMedia('jpg', jpeg.bytes);
		});
	});

	describe('what stays as before (12)', () => {
		it('restores the pre-vendor forms with LEGACY_OPTIONS', async () => {
			sim.configure({ ...LEGACY_OPTIONS });
			const noWsid = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
			expect(noWsid.json.code).toBe(40001);
			expect(noWsid.json.msg).toContain('wsid');
			const noStorage = await post(SUBMIT, recognitionBody('http://img.test/a.jpg', { wsid: 5 }));
			expect(noStorage.json).toEqual({ code: 40001, msg: 'storage_info is required' });
			const r = await post(SUBMIT, seedBody('http://img.test/a.jpg?duration=0'));
			const id = r.json.data.task_id;
			expect(id).toMatch(/^tm_[0-9a-f]{24}$/);
			expect((await query(id)).data).toEqual({
				task_id: id,
				status: 3,
				progress: 100,
				reason: '',
				result: JSON.stringify({ images_path: [`${base}/masks/${id}.png`], control_type: '0' }),
				params: '',
			});
			const failed = await waitFinal((await post(SUBMIT, seedBody('http://img.test/fail.jpg?duration=0'))).json.data.task_id);
			expect(failed).toMatchObject({ code: 0, msg: 'success', data: { status: 4 } });
			expect((await post(QUERY, { task_id: 'tm_x' })).json).toEqual({ code: 40401, msg: 'task not found' });
			expect(sim.options.callbackForm).toBe('envelope');
		});

		it('answers an injected 429 with Retry-After, then serves normally', async () => {
			sim.injectFaults([{ route: 'submit', kind: '429', count: 1, retryAfter: 3 }]);
			const limited = await post(SUBMIT, recognitionBody('http://img.test/a.jpg'));
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
			expect((await post(QUERY, { task_id: 'x' })).json.code).toBe(680002);
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
			expect((await post(QUERY, { task_id: 'x' })).json).toEqual({ code: 502, msg: 'bad gateway' });
			expect((await post(QUERY, { task_id: 'x' })).status).toBe(200);
			const stats = (await (await fetch(`${base}/__sim/stats`)).json()) as Json;
			expect(stats.faults).toBe(2);
			expect(sim.requests.every((r: Json) => !r.path.startsWith('/__sim'))).toBe(true);
		});

		it('sheds requests beyond maxInFlight with 429 + Retry-After', async () => {
			sim.configure({ maxInFlight: 2, latencyMs: 150, retryAfterSeconds: 2 });
			const results = await Promise.all(Array.from({ length: 5 }, () => post(QUERY, { task_id: 'x' })));
			expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429]);
			expect(results.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('2');
			expect(sim.stats.maxInFlight).toBe(2);
			expect(sim.stats.rejected).toBe(3);
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
			expect(first).toEqual(second);
			expect(first).toContain(500);
			expect(first).toContain(200);
		});

		it('reset forgets tasks, requests, counts and queued faults but keeps options', async () => {
			sim.configure({ progressField: 'process' });
			await submit('http://img.test/a.jpg');
			sim.injectFaults([{ route: 'query', kind: '503' }]);
			sim.reset();
			expect(sim.tasks.size).toBe(0);
			expect(sim.requests).toHaveLength(0);
			expect(sim.pendingFaults).toEqual([]);
			expect(sim.stats).toMatchObject({ tasksCreated: 0, streamedBytes: 0, createdByInput: {} });
			expect(sim.options.progressField).toBe('process');
		});
	});

	it('runs from the command line and stops on SIGTERM', async () => {
		const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
		const child = spawn(
			process.execPath,
			[cli, '--port', '0', '--duration', '100-200', '--app-key', 'k2', '--progress-field', 'process', '--legacy', 'true'],
			{ stdio: ['ignore', 'pipe', 'pipe'] },
		);
		const line = await new Promise<string>((resolve, reject) => {
			child.stdout.on('data', (d) => resolve(String(d).trim()));
			child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
		});
		expect(line).toMatch(/^ToMoviee simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
		const url = line.split(' ').pop() as string;
		const config = await (await fetch(`${url}/__sim/config`)).json();
		expect(config).toMatchObject({
			appKey: 'k2',
			taskDurationMs: [100, 200],
			progressField: 'process',
			taskIdForm: 'hex',
			errorCodes: 'legacy',
		});
		const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});
});
