/**
 * The ToMoviee gateway simulator (test/simulator) over real HTTP: what the node, the other test layers, the demo and the bench
 * rely on (auth, validation, the task lifecycle, faults and rate limits, callbacks, files, control routes, the CLI).
 */
import { spawn } from 'child_process';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import { createSimulator, DEFAULTS, LEGACY_OPTIONS } from '../simulator';

type Json = Record<string, any>;

const APP = '/v1/open/capacity/application/';
const SUBMIT = `${APP}tm_reference_img2mask`;
const QUERY = '/v1/open/pub/task';
const TOKEN = '/v1/open/capacity/get/token';
const AUTH = { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from('test-key:test-secret').toString('base64')}`, 'X-App-Key': 'test-key' };
const WRONG_SECRET = { ...AUTH, Authorization: `Basic ${Buffer.from('test-key:nope').toString('base64')}` };
const TASK_FIELDS = ['delay', 'params', 'position', 'priority', 'progress', 'reason', 'result', 'status', 'task_id', 'wait_time', 'wsid'];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const until = async (check: () => boolean, timeoutMs = 5000) => {
	for (const end = Date.now() + timeoutMs; !check(); await sleep(10)) if (Date.now() > end) throw new Error('condition not met in time');
};

/** A recognition body in the vendor form; the seed page's form adds wsid and storage_info. */
const recognition = (initImage: string, extra: Json = {}, controlType = '0'): Json => ({
	template_info: [{ input_params: { control_type: controlType, init_image: initImage, template_id: 'tm_reference_img2mask_template_spatial' } }],
	...extra,
});
const seedBody = (initImage: string, extra: Json = {}) => recognition(initImage, { wsid: 578691780, storage_info: { input: { is_url: true } }, ...extra });

// A valid body per generation capability, and its result: key, file count, extension.
const GENERATION: Array<[string, Json, string, number, string]> = [
	['tm_text2video_b', { prompt: 'a cat dancing', resolution: '720p', duration: 5, aspect_ratio: '16:9', camera_move_index: 5 }, 'video_path', 1, 'mp4'],
	['tm_img2video_b', { prompt: 'waves roll', image: 'http://img.test/sea.jpg', aspect_ratio: 'original' }, 'video_path', 1, 'mp4'],
	['tm_tail2video_b', { prompt: 'morph', image: 'http://img.test/a.jpg', image_tail: 'http://img.test/b.jpg' }, 'video_path', 1, 'mp4'],
	['tm_reference_img2img', { prompt: 'a knight', reference_image: 'http://img.test/ref.png', control_type: '1', control_intensity: 0.5,
		width: 1024, height: 768, batch_size: 2 }, 'images_path', 2, 'png'],
	['tm_redrawing', { prompt: 'red hair', init_image: 'http://img.test/p.png', mask_url: 'http://img.test/m.png' }, 'images_path', 1, 'png'],
	['tm_text2music', { prompt: 'calm piano', duration: 30, qty: 3, disable_translate: true }, 'audio_path', 3, 'mp3'],
	['tm_text2sfx', { prompt: 'rain on a roof', duration: 10 }, 'audio_path', 1, 'mp3'],
	['tm_video_scoring', { prompt: 'upbeat', file_link: 'http://img.test/clip.mp4' }, 'audio_path', 1, 'mp3'],
];
const BODIES = Object.fromEntries(GENERATION.map(([cap, body]) => [cap, body]));
const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', mp4: 'video/mp4', mp3: 'audio/mpeg', wav: 'audio/wav' };

/** Each media type starts (and JPEG ends) with its signature. */
function expectMedia(ext: string, bytes: Buffer) {
	const checks: Record<string, () => void> = {
		png: () => expect([...bytes.subarray(0, 8)]).toEqual(PNG),
		jpg: () => expect([...bytes.subarray(0, 2), ...bytes.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]),
		mp4: () => expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp'),
		mp3: () => expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfb]),
		wav: () => expect(bytes.subarray(0, 4).toString() + bytes.subarray(8, 12).toString()).toBe('RIFFWAVE'),
	};
	checks[ext]();
}

describe('ToMoviee simulator', () => {
	const sim = createSimulator({ taskDurationMs: 150 });
	let base: string;

	async function post(p: string, body: unknown, headers: Record<string, string> = AUTH, signal?: AbortSignal) {
		const res = await fetch(base + p, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body), redirect: 'manual', signal });
		const text = await res.text();
		const json: Json = text.startsWith('{') ? JSON.parse(text) : {};
		return { status: res.status, headers: res.headers, json };
	}
	const control = async (route: string, body?: unknown) => {
		const res = await fetch(`${base}/__sim/${route}`, body === undefined ? {} : { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
		return { status: res.status, json: (await res.json()) as any };
	};

	/** Submits to a capability, expects acceptance and returns the task id. */
	async function create(capability: string, body: Json): Promise<string> {
		const r = await post(APP + capability, body);
		expect(r.json).toMatchObject({ code: 0, data: { task_id: expect.any(String) } });
		return r.json.data.task_id;
	}
	const submit = (initImage: string, extra: Json = {}, controlType = '0') => create('tm_reference_img2mask', recognition(initImage, extra, controlType));
	const query = async (taskId: string): Promise<Json> => (await post(QUERY, { task_id: taskId })).json;
	async function waitFinal(taskId: string): Promise<Json> {
		for (const end = Date.now() + 5000; ; await sleep(20)) {
			const answer = await query(taskId);
			if (answer.data.status >= 3) return answer;
			if (Date.now() > end) throw new Error(`task ${taskId} still at status ${answer.data.status}`);
		}
	}
	const resultOf = async (taskId: string) => JSON.parse((await waitFinal(taskId)).data.result);
	async function download(url: string) {
		const res = await fetch(url);
		return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
	}

	/** A callback receiver; `answers` are the HTTP statuses it gives, in order (then 200). */
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
		receivers.push(server);
		return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
	}
	const receivers: http.Server[] = [];

	/** The value `read()` settles at (two reads 150 ms apart agree). */
	async function settled(read: () => number) {
		let last = -1;
		for (const end = Date.now() + 10000; read() !== last; await sleep(150)) {
			if (Date.now() > end) throw new Error('value kept changing');
			last = read();
		}
		return last;
	}

	/** GET `url`, read at least `limit` bytes (or to the end), then hang up. */
	function readSome(url: string, limit: number) {
		return new Promise<{ headers: http.IncomingHttpHeaders; got: Buffer }>((resolve, reject) => {
			const req = http.get(url, (res) => {
				const chunks: Buffer[] = [];
				const finish = () => resolve({ headers: res.headers, got: Buffer.concat(chunks) });
				let n = 0;
				res.on('data', (c: Buffer) => {
					chunks.push(c);
					if ((n += c.length) < limit) return;
					req.destroy();
					finish();
				});
				res.on('end', finish);
			});
			req.on('error', reject);
		});
	}

	beforeAll(async () => {
		base = (await sim.start()).url;
	});
	afterAll(async () => {
		for (const server of receivers) server.close();
		await sim.stop();
	});
	beforeEach(() => {
		sim.reset();
		sim.configure({ ...DEFAULTS, taskDurationMs: 150 });
	});

	describe('task lifecycle', () => {
		it('goes queued -> processing -> succeeded with every vendor field', async () => {
			const id = await submit('http://img.test/person.jpg?duration=2000', { params: 'row-7' }, '2');
			expect(id).toMatch(/^tm_reference_img2mask-0-\d{12}[0-9a-f]{10}$/);
			expect(id.split('-0-')[1].slice(0, 8)).toBe(new Date(sim.tasks.get(id).createdAt).toISOString().slice(0, 10).replace(/-/g, ''));
			const seen: number[] = [];
			let final: Json | undefined;
			while (!final) {
				const answer = await query(id);
				expect(answer.code).toBe(0);
				const data = answer.data;
				expect(Object.keys(data).sort()).toEqual(TASK_FIELDS);
				if (seen[seen.length - 1] !== data.status) seen.push(data.status);
				if (data.status === 1) expect(data.position >= 0 && data.wait_time >= 1).toBe(true);
				if (data.status === 2) expect(data.result).toBe('');
				if (data.status === 3) final = data;
				else await sleep(25);
			}
			expect(seen).toEqual([1, 2, 3]);
			expect(final).toMatchObject({ task_id: id, progress: 100, reason: 'success', position: -1, delay: false, params: 'row-7', wsid: 0, priority: 1 });
			expect(typeof final.result).toBe('string');
		});

		it.each([
			['tm_reference_img2mask', 'insufficient balance', 4, 680001, recognition('http://img.test/insufficient.png?duration=0')],
			['tm_reference_img2mask', 'image could not be recognized', 4, 680003, recognition('http://img.test/FAIL-me.jpg?duration=0')],
			['tm_text2music', 'music generation failed', 4, 680003, { ...BODIES.tm_text2music, prompt: 'please fail duration=0' }],
			['tm_text2music', 'task cancelled', 5, 680004, { ...BODIES.tm_text2music, prompt: 'cancel it duration=0' }],
			['tm_img2video_b', 'task timed out', 6, 680005, { ...BODIES.tm_img2video_b, image: 'http://img.test/timeout.png?duration=0' }],
		] as Array<[string, string, number, number, Json]>)('%s: a hint in its inputs ends the task with "%s"', async (cap, reason, status, code, body) => {
			const answer = await waitFinal(await create(cap, body));
			expect(answer).toMatchObject({ code, msg: reason, data: { status, reason, progress: 0, result: '' } });
			expect(Object.keys(answer.data).sort()).toEqual(TASK_FIELDS);
		});

		it('takes failImages, "never", duration=<ms>, progressField and taskIdForm; answers an unknown id with 680002', async () => {
			sim.configure({ failImages: ['blurry'], progressField: 'process', taskIdForm: 'hex' });
			const failed = await submit('http://img.test/blurry.png?duration=0');
			expect(failed).toMatch(/^tm_[0-9a-f]{24}$/);
			expect(await waitFinal(failed)).toMatchObject({ code: 680003, data: { status: 4, process: 0 } });
			const done = await waitFinal(await submit('http://img.test/a.jpg?duration=0'));
			expect(done.data.process).toBe(100);
			expect(done.data).not.toHaveProperty('progress');
			const never = await create('tm_text2sfx', { ...BODIES.tm_text2sfx, prompt: 'never ends duration=20' });
			expect(sim.tasks.get(never).durationMs).toBe(20);
			await sleep(60);
			expect((await query(never)).data).toMatchObject({ status: 2, result: '' });
			const r = await post(QUERY, { task_id: 'tm_reference_img2mask-0-202508010929ffffffffff' });
			expect([r.status, r.json]).toEqual([200, { code: 680002, msg: 'task not found', data: null }]);
		});

		it('restores the pre-vendor forms with LEGACY_OPTIONS; serves masks under /masks/ with maskResultKey "mask_path"', async () => {
			sim.configure({ ...LEGACY_OPTIONS, maskResultKey: 'mask_path' });
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg'))).json).toEqual({ code: 40001, msg: 'wsid (user id) is required' });
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg', { wsid: 5 }))).json).toEqual({ code: 40001, msg: 'storage_info is required' });
			const id = (await post(SUBMIT, seedBody('http://img.test/a.jpg?duration=0'))).json.data.task_id;
			const maskUrl = `${base}/masks/${id}.png`;
			expect((await query(id)).data).toEqual({ task_id: id, status: 3, progress: 100, reason: '', result: JSON.stringify({ mask_path: [maskUrl], control_type: '0' }), params: '' });
			const mask = await download(maskUrl);
			expect(mask.type).toBe('image/png');
			expectMedia('png', mask.bytes);
			const failed = await waitFinal((await post(SUBMIT, seedBody('http://img.test/fail.jpg?duration=0'))).json.data.task_id);
			expect(failed).toMatchObject({ code: 0, msg: 'success', data: { status: 4 } });
			expect((await post(QUERY, { task_id: 'tm_x' })).json).toEqual({ code: 40401, msg: 'task not found' });
		});
	});

	describe('result files', () => {
		it('are a JSON string of signed links that expire 48 h after creation (the query string is ignored), a mask per control type', async () => {
			const id = await submit('http://img.test/a.jpg?duration=0', {}, '1');
			const result = await resultOf(id);
			expect(result).toEqual({ images_path: [expect.any(String)], control_type: '1' });
			const link = new URL(result.images_path[0]);
			expect(link.origin + link.pathname).toBe(`${base}/files/${id}/0.png`);
			const expires = String(Math.floor(sim.tasks.get(id).createdAt / 1000) + 48 * 3600);
			expect(Object.fromEntries(link.searchParams)).toEqual({ Expires: expires, OSSAccessKeyId: 'sim', Signature: expect.stringMatching(/.+/) });
			const signed = await download(link.href);
			expect(signed).toMatchObject({ status: 200, type: 'image/png' });
			expectMedia('png', signed.bytes);
			expect((await download(link.origin + link.pathname)).bytes.equals(signed.bytes)).toBe(true);
			const edge = await download((await resultOf(await submit('http://img.test/b.jpg?duration=0', {}, '0'))).images_path[0]);
			expect(edge.bytes.equals(signed.bytes)).toBe(false); // a different drawing per control type
		});

		it('answers 403 "Request has expired" past Expires, 404 for unknown files', async () => {
			sim.configure({ resultUrlTtlSeconds: -60 });
			const old = await fetch((await resultOf(await submit('http://img.test/a.jpg?duration=0'))).images_path[0]);
			expect([old.status, await old.text()]).toEqual([403, expect.stringContaining('Request has expired')]);
			const others = ['/masks/expired.png', '/files/expired.mp4', '/files/nothing-0-1/0.png', '/masks/tm_nothing.png'];
			expect(await Promise.all(others.map(async (p) => (await fetch(base + p)).status))).toEqual([403, 403, 404, 404]);
		});

		it.each(GENERATION)('%s: runs the task and serves its files of the right type', async (cap, body, key, count, ext) => {
			const id = await create(cap, { ...body, prompt: `${body.prompt} duration=0` });
			expect(id.startsWith(`${cap}-0-`)).toBe(true);
			const result = await resultOf(id);
			expect(result[key]).toHaveLength(count);
			for (const [n, url] of (result[key] as string[]).entries()) {
				expect(new URL(url).pathname).toBe(`/files/${id}/${n}.${ext}`);
				const file = await download(url);
				expect(file).toMatchObject({ status: 200, type: TYPES[ext] });
				expectMedia(ext, file.bytes);
			}
			if (ext === 'mp4') expect(result).toMatchObject({ model_version: expect.any(String), translate_prompt: `${body.prompt} duration=0` });
			if (cap === 'tm_reference_img2img') expect(result.control_type).toBe('1');
		});

		it('lets options or a hint choose the result keys and formats', async () => {
			expect(Object.keys(await resultOf(await create('tm_video_scoring', { ...BODIES.tm_video_scoring, prompt: 'video_path duration=0' })))).toEqual(['video_path']);
			sim.configure({ scoringResultKey: 'video_path', audioFormat: 'wav', imageFormat: 'jpeg', redrawResultKey: 'image_path' });
			const formats = [['tm_video_scoring', 'video_path', 'mp4'], ['tm_text2sfx', 'audio_path', 'wav'], ['tm_redrawing', 'image_path', 'jpg']];
			for (const [cap, key, ext] of formats) {
				const file = await download((await resultOf(await create(cap, { ...BODIES[cap], prompt: 'x duration=0' })))[key][0]);
				expect(file.type).toBe(TYPES[ext]);
				expectMedia(ext, file.bytes);
			}
		});

		it('streams /files/huge.* without Content-Length only as far as readers take: not past a hang-up or a reader that never reads', async () => {
			let idle: http.IncomingMessage | undefined;
			const neverReads = http.get(`${base}/files/huge.mp4?bytes=209715200`, (res) => (idle = res.pause()));
			neverReads.on('error', () => {});
			const r = await readSome(`${base}/files/huge.png?bytes=209715200`, 1024 * 1024);
			expect(r.headers).toMatchObject({ 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
			expect(r.headers['content-length']).toBeUndefined();
			expect([...r.got.subarray(0, 8)]).toEqual(PNG);
			await until(() => idle !== undefined);
			const written = await settled(() => sim.stats.streamedBytes);
			neverReads.destroy();
			expect(idle!.headers['content-type']).toBe('video/mp4');
			expect(written).toBeGreaterThanOrEqual(1024 * 1024);
			expect(written).toBeLessThan(48 * 1024 * 1024); // both streams together: what socket buffers hold, of 400 MB
		});

		it('points result URLs at the huge route with hugeResults or the "huge" hint, and serves "wrongtype" as HTML', async () => {
			sim.configure({ hugeBytes: 150000 });
			const url = (await resultOf(await submit('http://img.test/huge.jpg?duration=0'))).images_path[0];
			expect(new URL(url).pathname).toBe('/files/huge.png');
			expect(new URL(url).searchParams.get('bytes')).toBe('150000');
			expect((await readSome(url, Infinity)).got.length).toBe(150000);
			await until(() => sim.stats.streamedBytes === 150000);
			sim.configure({ hugeResults: true });
			expect(new URL((await resultOf(await create('tm_text2video_b', { prompt: 'sea duration=0' }))).video_path[0]).pathname).toBe('/files/huge.mp4');
			sim.configure({ hugeResults: false });
			const page = await download((await resultOf(await submit('http://img.test/wrongtype.jpg?duration=0'))).images_path[0]);
			expect([page.status, page.type, page.bytes.toString()]).toEqual([200, expect.stringMatching(/^text\/html/), expect.stringContaining('<html>')]);
			expect((await download(`${base}/files/wrongtype.mp4`)).type).toMatch(/^text\/html/);
		});

		it("stores the user's uploads under /storage/ and serves them back", async () => {
			const put = await fetch(`${base}/storage/photo.png`, { method: 'PUT', headers: { 'Content-Type': 'image/png' }, body: Buffer.from(PNG) });
			expect(put.status).toBe(200);
			expect(sim.storedFiles.get('photo.png')).toEqual({ bytes: Buffer.from(PNG), contentType: 'image/png' });
			expect(await download(`${base}/storage/photo.png`)).toEqual({ status: 200, type: 'image/png', bytes: Buffer.from(PNG) });
			expect((await fetch(`${base}/storage/other.png`)).status).toBe(404);
			expect(sim.requests).toHaveLength(0); // the user's storage, not ToMoviee's API
		});
	});

	describe('callbacks', () => {
		it.each([
			['bare', (b: Json) => b, (b: Json) => expect(Object.keys(b).sort()).toEqual(TASK_FIELDS)],
			['envelope', (b: Json) => b.data, (b: Json) => expect(b).toMatchObject({ code: 0, msg: 'success' })],
			['camel', (b: Json) => ({ ...b, task_id: b.taskId }), (b: Json) => expect(b.status).toBe('3')],
		])('POSTs the finished task in the %s form to the URL as given', async (form, unwrap, extraCheck) => {
			const rx = await receiver();
			sim.configure({ callbackForm: form });
			const callback = `${rx.url}/hook/abc?tm_signature=s1`;
			const id = await submit('http://img.test/a.jpg?duration=30', { callback, params: 'p1' });
			await until(() => sim.stats.callbacksDelivered === 1);
			const got = rx.received[0];
			expect([got.url, got.headers['content-type']]).toEqual(['/hook/abc?tm_signature=s1', 'application/json']);
			const task = unwrap(got.body);
			expect({ ...task, status: Number(task.status) }).toMatchObject({ task_id: id, status: 3, params: 'p1', reason: 'success' });
			const result = typeof task.result === 'string' ? JSON.parse(task.result) : task.result;
			expect(new URL(result.images_path[0]).pathname).toBe(`/files/${id}/0.png`);
			extraCheck(got.body);
			expect(sim.callbacks).toEqual([expect.objectContaining({ url: callback, status: 200, error: null, task_id: id, attempt: 1 })]);
		});

		it('sends a failed task with its 68xxxx code in the envelope', async () => {
			const rx = await receiver();
			sim.configure({ callbackForm: 'envelope' });
			await submit('http://img.test/insufficient.jpg?duration=0', { callback: `${rx.url}/b` });
			await until(() => rx.received.length === 1);
			expect(rx.received[0].body).toMatchObject({ code: 680001, msg: 'insufficient balance', data: { status: 4 } });
		});

		it('sends a failed task bare, retries non-2xx answers, gives up after callbackRetries, loses "nocallback" ones', async () => {
			const rx = await receiver([500, 503, 500, 500]);
			sim.configure({ callbackBackoffMs: 10 });
			const id = await submit('http://img.test/fail.jpg?duration=10', { callback: `${rx.url}/cb` });
			await until(() => sim.tasks.get(id)?.callbackState === 'failed');
			expect(rx.received.map((r) => r.body)).toEqual(Array(3).fill({ ...sim.tasks.get(id).view(), wait_time: expect.any(Number) }));
			expect(rx.received[0].body).toMatchObject({ status: 4, reason: 'image could not be recognized', result: '' });
			expect(sim.callbacks.map((c: Json) => c.status)).toEqual([500, 503, 500]);
			const second = await submit('http://img.test/fail.jpg?duration=10', { callback: `${rx.url}/cb` });
			await until(() => sim.tasks.get(second)?.callbackState === 'delivered');
			expect(sim.callbacks.map((c: Json) => c.status).slice(3)).toEqual([500, 200]);
			expect(sim.stats).toMatchObject({ callbacksSent: 5, callbacksFailed: 4, callbacksDelivered: 1, callbacksGivenUp: 1 });
			const lost = await submit('http://img.test/nocallback.jpg?duration=0', { callback: `${rx.url}/cb` });
			expect((await waitFinal(lost)).data.status).toBe(3);
			expect(sim.tasks.get(lost).callbackState).toBe('lost');
			expect(rx.received).toHaveLength(5);
		});
	});

	describe('requests the gateway refuses', () => {
		it.each([
			['tm_reference_img2mask', 'wsid', { wsid: '578691780' }],
			['tm_reference_img2mask', 'template_info', { template_info: [] }],
			['tm_reference_img2mask', 'template_info[0].input_params.control_type', recognition('http://img.test/a.jpg', {}, '7')],
			['tm_reference_img2mask', 'template_info[0].input_params.init_image', recognition('ftp://img.test/a.jpg')],
			['tm_reference_img2mask', 'params', { params: { a: 1 } }],
			['tm_reference_img2mask', 'storage_info', { storage_info: 'yes' }],
			['tm_text2video_b', 'prompt', { prompt: 'x'.repeat(1001) }],
			['tm_text2video_b', 'resolution', { resolution: '480p' }],
			['tm_text2video_b', 'duration', { duration: 10 }],
			['tm_text2video_b', 'aspect_ratio', { aspect_ratio: 'original' }],
			['tm_text2video_b', 'camera_move_index', { camera_move_index: 47 }],
			['tm_img2video_b', 'image', { image: 'ftp://img.test/a.jpg' }],
			['tm_tail2video_b', 'image_tail', { image_tail: undefined }],
			['tm_reference_img2img', 'control_type', { control_type: 1 }],
			['tm_reference_img2img', 'control_intensity', { control_intensity: 1.5 }],
			['tm_reference_img2img', 'batch_size', { batch_size: 5 }],
			['tm_reference_img2img', 'init_image', { control_type: '2' }],
			['tm_redrawing', 'mask_url', { mask_url: 'mask.png' }],
			['tm_text2music', 'duration', { duration: 95 }],
			['tm_text2music', 'disable_translate', { disable_translate: 'yes' }],
			['tm_text2sfx', 'duration', { duration: 4 }],
			['tm_video_scoring', 'prompt', { prompt: '' }],
			['tm_video_scoring', 'callback', { callback: 'ftp://hook.test/' }],
		] as Array<[string, string, Json]>)('%s refuses a wrong %s (HTTP 200, 680006 naming it)', async (cap, field, patch) => {
			const valid = cap === 'tm_reference_img2mask' ? recognition('http://img.test/a.jpg') : BODIES[cap];
			const r = await post(APP + cap, { ...valid, ...patch });
			expect(r.status).toBe(200);
			expect(r.json).toMatchObject({ code: 680006, data: null });
			expect(r.json.msg.startsWith(field)).toBe(true);
			expect(sim.tasks.size).toBe(0);
		});

		it('accepts the edges of each range and init_image for control type "2"', async () => {
			await create('tm_text2music', { ...BODIES.tm_text2music, duration: 94.9, qty: 4 });
			await create('tm_text2sfx', { ...BODIES.tm_text2sfx, duration: 180, qty: 1 });
			await create('tm_text2sfx', { ...BODIES.tm_text2sfx, duration: 5 });
			const edges = { control_type: '2', init_image: 'http://img.test/init.png', control_intensity: 0, width: 512, height: 2048, batch_size: 4 };
			await create('tm_reference_img2img', { ...BODIES.tm_reference_img2img, ...edges });
			await create('tm_text2video_b', { prompt: 'x', camera_move_index: 46, resolution: '1080p' });
			expect(sim.tasks.size).toBe(5);
		});

		it('refuses 1080p text to video with textToVideo1080p false, unknown capabilities with 404, HTTP 400 with validationStatus', async () => {
			sim.configure({ textToVideo1080p: false });
			expect((await post(`${APP}tm_text2video_b`, { prompt: 'x', resolution: '1080p' })).json).toMatchObject({ code: 680006, msg: expect.stringContaining('resolution') });
			await create('tm_img2video_b', { ...BODIES.tm_img2video_b, resolution: '1080p' });
			const unknown = await post(`${APP}tm_video_continuation_b`, { prompt: 'x' });
			expect([unknown.status, unknown.json]).toEqual([404, { code: 680009, msg: 'unknown capability: tm_video_continuation_b', data: null }]);
			expect(sim.stats.byRoute.other).toBe(1);
			sim.configure({ validationStatus: 400 });
			const body = recognition('http://img.test/a.jpg');
			body.template_info[0].input_params.template_id = 'other';
			const badTemplate = await post(SUBMIT, body);
			expect([badTemplate.status, badTemplate.json.code]).toEqual([400, 680006]);
			expect(badTemplate.json.msg).toContain('template_id');
		});

		it('takes bodies with or without wsid and storage_info; refuses another wsid when one is set, none with requireWsid', async () => {
			await submit('http://img.test/a.jpg');
			const seeded = await create('tm_reference_img2mask', seedBody('http://img.test/b.jpg'));
			expect(sim.tasks.get(seeded).wsid).toBe(578691780);
			sim.configure({ wsid: 1 });
			expect((await post(SUBMIT, seedBody('http://img.test/a.jpg'))).json).toEqual({ code: 680007, msg: 'wsid does not belong to this app key (user id mismatch)', data: null });
			await create('tm_reference_img2mask', seedBody('http://img.test/a.jpg', { wsid: 1 }));
			expect((await query(await submit('http://img.test/c.jpg'))).data.wsid).toBe(1);
			sim.configure({ requireWsid: true, requireStorageInfo: true });
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg'))).json).toEqual({ code: 680007, msg: 'wsid (user id) is required', data: null });
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg', { wsid: 1 }))).json).toMatchObject({ code: 680006, msg: 'storage_info is required' });
			await create('tm_text2sfx', { ...BODIES.tm_text2sfx, wsid: 1 }); // generation bodies never carry storage_info
			expect(sim.tasks.size).toBe(5);
		});

		it('wants JSON: 415 for another content type, 400 for a body that does not parse, 413 over 1 MB', async () => {
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg'), { ...AUTH, 'Content-Type': 'text/plain' })).status).toBe(415);
			expect(await post(SUBMIT, '{"wsid": 1,')).toMatchObject({ status: 400, json: { code: 400 } });
			expect(sim.requests[1].body).toBe('{"wsid": 1,'); // unparsable bodies are kept raw
			expect((await post(SUBMIT, { prompt: 'x'.repeat(1024 * 1024) })).status).toBe(413);
		});

		it.each([
			['http401', 'vendor', 401, { code: 401, msg: 'invalid app key or secret' }],
			['code', 'vendor', 200, { code: 680008, msg: 'app key or secret is invalid (authorization failed)', data: null }],
			['code', 'legacy', 200, { code: 40101, msg: 'invalid app key or secret' }],
		])('answers wrong credentials on every API route per authFailure %s (%s codes)', async (authFailure, errorCodes, status, expected) => {
			sim.configure({ authFailure, errorCodes });
			const { 'X-App-Key': _omit, ...noKey } = AUTH;
			void _omit;
			for (const [p, body, headers] of [
				[QUERY, { task_id: 'x' }, noKey],
				[QUERY, { task_id: 'x' }, { ...AUTH, 'X-App-Key': 'other-key' }],
				[SUBMIT, recognition('http://img.test/a.jpg'), WRONG_SECRET],
				[`${APP}tm_text2sfx`, BODIES.tm_text2sfx, WRONG_SECRET],
			] as Array<[string, Json, Record<string, string>]>) {
				expect(await post(p, body, headers)).toMatchObject({ status, json: expected });
			}
			expect(sim.tasks.size).toBe(0);
			expect(sim.requests[2]).toMatchObject({ method: 'POST', path: SUBMIT, headers: { 'x-app-key': 'test-key' } }); // refused ones are recorded too
		});

		it('keeps the token endpoint, and records URLs so a test sees which request carried the secret', async () => {
			expect(await (await fetch(`${base}${TOKEN}?access_key=test-key&secret=test-secret`)).json()).toEqual({ code: 0, msg: 'success', data: { access_token: AUTH.Authorization } });
			const bad = await fetch(`${base}${TOKEN}?access_key=test-key&secret=wrong`);
			expect([bad.status, await bad.json()]).toEqual([200, { code: 680008, msg: 'access_key or secret is invalid', data: null }]);
			await post(QUERY, { task_id: 'x' });
			await submit('http://img.test/a.jpg');
			const carrying = sim.requests.filter((r: Json) => r.url.includes('test-secret'));
			expect(carrying.map((r: Json) => r.query)).toEqual([{ access_key: 'test-key', secret: 'test-secret' }]);
			expect(sim.stats.byRoute).toMatchObject({ token: 2, query: 1, submit: 1 });
		});

		it('answers every API route with 302 to the same path on redirectApiTo, creating nothing', async () => {
			sim.configure({ redirectApiTo: 'http://127.0.0.1:9/' });
			const submitted = await post(`${APP}tm_text2sfx`, BODIES.tm_text2sfx);
			expect([submitted.status, submitted.headers.get('location')]).toEqual([302, `http://127.0.0.1:9${APP}tm_text2sfx`]);
			expect((await post(QUERY, { task_id: 'x' })).headers.get('location')).toBe(`http://127.0.0.1:9${QUERY}`);
			const token = await fetch(`${base}${TOKEN}?access_key=k&secret=s`, { redirect: 'manual' });
			expect([token.status, token.headers.get('location')]).toEqual([302, `http://127.0.0.1:9${TOKEN}?access_key=k&secret=s`]);
			expect([sim.tasks.size, sim.stats.redirected, sim.requests.length]).toEqual([0, 3, 3]);
			expect(() => sim.configure({ redirectApiTo: 'ftp://x' })).toThrow(/redirectApiTo/);
		});
	});

	describe('faults and rate limits', () => {
		it('plays injected faults in order: 429 with Retry-After, 5xx, a dropped connection; then serves', async () => {
			sim.injectFaults([
				{ route: 'submit', kind: '429', retryAfter: 3 },
				{ route: 'any', kind: '503' },
				{ route: 'query', kind: '502', count: 2 },
				{ route: 'query', kind: 'drop' },
			]);
			const limited = await post(SUBMIT, recognition('http://img.test/a.jpg'));
			expect([limited.status, limited.headers.get('retry-after'), limited.json]).toEqual([429, '3', { code: 429, msg: 'too many requests' }]);
			expect((await post(QUERY, { task_id: 'x' })).status).toBe(503);
			expect((await post(QUERY, { task_id: 'x' })).json).toEqual({ code: 502, msg: 'bad gateway' });
			expect(sim.pendingFaults).toEqual([expect.objectContaining({ route: 'query', kind: '502', count: 1 }), expect.objectContaining({ kind: 'drop' })]);
			expect((await post(QUERY, { task_id: 'x' })).status).toBe(502);
			await expect(post(QUERY, { task_id: 'x' })).rejects.toThrow();
			expect((await post(QUERY, { task_id: 'x' })).json.code).toBe(680002);
			expect([sim.tasks.size, sim.stats.faults, sim.requests.length]).toEqual([0, 5, 6]);
			expect(() => sim.injectFaults([{ route: 'query', kind: 'drop-after-create' }])).toThrow(/submit/);
		});

		it('after-create faults: the task exists although the client saw a dropped socket, a 504 or no answer in time', async () => {
			sim.injectFaults([{ kind: 'drop-after-create' }, { kind: '504-after-create' }, { kind: 'slow-after-create' }, { kind: 'slow-after-create', delayMs: 50 }]);
			await expect(post(SUBMIT, recognition('http://img.test/a.jpg'))).rejects.toThrow();
			expect((await post(SUBMIT, recognition('http://img.test/b.jpg?duration=0'))).json).toEqual({ code: 504, msg: 'gateway timeout' });
			await expect(post(SUBMIT, recognition('http://img.test/c.jpg'), AUTH, AbortSignal.timeout(100))).rejects.toThrow();
			const patient = await post(SUBMIT, recognition('http://img.test/d.jpg'));
			expect(patient.json.data.task_id).toBe([...sim.tasks.keys()][3]);
			expect(sim.stats).toMatchObject({ faults: 4, tasksCreated: 4 });
			expect((await waitFinal([...sim.tasks.keys()][1])).data.status).toBe(3);
		});

		it('draws random faults from faultRate repeatably by seed; after-create kinds strike submits only', async () => {
			const run = async () => {
				sim.reset();
				sim.configure({ faultRate: 0.5, faultKinds: ['500'], seed: 7 });
				const out: number[] = [];
				for (let i = 0; i < 12; i++) out.push((await post(QUERY, { task_id: 'x' })).status);
				return out;
			};
			const first = await run();
			expect(await run()).toEqual(first);
			expect(first).toEqual(expect.arrayContaining([200, 500]));
			sim.configure({ faultRate: 1, faultKinds: ['504-after-create'] });
			expect((await post(SUBMIT, recognition('http://img.test/a.jpg'))).status).toBe(504);
			expect((await query([...sim.tasks.keys()][0])).code).toBe(0);
		});

		it('sheds requests beyond maxInFlight with 429 + Retry-After', async () => {
			sim.configure({ maxInFlight: 2, latencyMs: 150, retryAfterSeconds: 2 });
			const results = await Promise.all(Array.from({ length: 5 }, () => post(QUERY, { task_id: 'x' })));
			expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429, 429, 429]);
			expect(results.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('2');
			expect(sim.stats).toMatchObject({ maxInFlight: 2, rejected: 3 });
		});
	});

	describe('counting and control', () => {
		it('counts tasks per main input and submits per capability, and lists inputs billed twice', async () => {
			await submit('http://img.test/a.jpg');
			sim.injectFaults([{ route: 'submit', kind: '504-after-create' }]);
			await post(SUBMIT, recognition('http://img.test/a.jpg')); // a "retry" that billed twice
			await create('tm_text2music', BODIES.tm_text2music);
			await create('tm_img2video_b', BODIES.tm_img2video_b);
			sim.injectFaults([{ route: 'submit', kind: '429' }]);
			await post(`${APP}tm_text2music`, BODIES.tm_text2music); // refused before create
			expect(sim.stats.createdByInput).toEqual({ 'http://img.test/a.jpg': 2, 'calm piano': 1, 'http://img.test/sea.jpg': 1 });
			expect(sim.stats.submitsByCapability).toEqual({ tm_reference_img2mask: 2, tm_text2music: 2, tm_img2video_b: 1 });
			expect(sim.duplicatedInputs()).toEqual([{ input: 'http://img.test/a.jpg', count: 2 }]);
			expect((await control('stats')).json).toMatchObject({ tasksCreated: 4, duplicatedInputs: [{ input: 'http://img.test/a.jpg', count: 2 }] });
		});

		it('steers a running simulator over /__sim/*, none of it recorded; reset keeps the options', async () => {
			expect((await control('health')).json).toEqual({ ok: true, url: base });
			expect((await control('config', { maxInFlight: null, progressField: 'process' })).json).toMatchObject({ maxInFlight: null, progressField: 'process' });
			expect(sim.options.maxInFlight).toBe(Infinity);
			const id = await submit('http://img.test/a.jpg');
			await post(QUERY, { task_id: id });
			expect((await control('tasks')).json).toEqual([expect.objectContaining({ task_id: id, capability: 'tm_reference_img2mask', callbackState: 'none' })]);
			expect((await control(`requests?path=${QUERY}`)).json).toEqual([expect.objectContaining({ path: QUERY, body: { task_id: id } })]);
			expect((await control('callbacks')).json).toEqual([]);
			expect((await control('faults', [{ kind: 'drop-after-create' }])).json.pending).toEqual([expect.objectContaining({ route: 'submit', count: 1 })]);
			expect(await control('faults', [{ route: 'query', kind: 'drop-after-create' }])).toMatchObject({ status: 400 });
			expect(await control('config', '{')).toMatchObject({ status: 400 });
			expect(await control('config', { noSuchOption: 1 })).toMatchObject({ status: 400, json: { msg: 'unknown simulator option: noSuchOption' } });
			expect((await control('nothing')).status).toBe(404);
			expect((await control('reset', {})).json).toEqual({ ok: true });
			expect([sim.tasks.size, sim.requests.length, sim.pendingFaults.length, sim.stats.tasksCreated]).toEqual([0, 0, 0, 0]);
			expect((await control('config')).json.progressField).toBe('process');
		});

		it('runs from the command line, flags over TOMOVIEE_SIM_* variables, and stops on SIGTERM', async () => {
			const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
			const args = ['--port', '0', '--duration', '100-200', '--app-key', 'k2', '--progress-field=process', '--legacy', 'true', '--max-in-flight', '3'];
			const env = { ...process.env, TOMOVIEE_SIM_APP_KEY: 'from-env', TOMOVIEE_SIM_FAULT_KINDS: '429,drop', TOMOVIEE_SIM_HUGE_RESULTS: '1' };
			const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
			const line = await new Promise<string>((resolve, reject) => {
				child.stdout.on('data', (d) => resolve(String(d).trim()));
				child.once('exit', (code) => reject(new Error(`cli exited early with ${code}`)));
			});
			expect(line).toMatch(/^ToMoviee simulator listening on http:\/\/127\.0\.0\.1:\d+$/);
			const config = await (await fetch(`${line.split(' ').pop()}/__sim/config`)).json();
			const expected = { appKey: 'k2', taskDurationMs: [100, 200], progressField: 'process', maxInFlight: 3, faultKinds: ['429', 'drop'], hugeResults: true };
			expect(config).toMatchObject({ ...expected, taskIdForm: 'hex', errorCodes: 'legacy' }); // --legacy under the flags given
			const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		});
	});
});
