import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { ToMoviee } from '../../nodes/ToMoviee/ToMoviee.node';
import { FAST_WAIT, runToMoviee, useSimulator } from './fixtures';

const SUBMIT_PREFIX = '/v1/open/capacity/application/';
const IMAGE = 'https://media.example.com/still.jpg';
const LAST = 'https://media.example.com/last.png';
const VIDEO = 'https://media.example.com/clip.mp4';
const PROMPT = 'A red fox trots through fresh snow at dawn, slow tracking shot';

const simulator = useSimulator({ taskDurationMs: 100 }, { eachTest: { textToVideo1080p: true, scoringResultKey: 'audio_path', redrawResultKey: 'images_path' } });

function submits(capability?: string) {
	return simulator.requests.filter((r) => r.path.startsWith(SUBMIT_PREFIX) && (!capability || r.path === SUBMIT_PREFIX + capability));
}

function queries() {
	return simulator.requests.filter((r) => r.path === '/v1/open/pub/task');
}

/** Every operation with typical parameters, the capability it calls and the body it must send. */
const OPERATION_ROWS: Array<[string, string, string, IDataObject, IDataObject]> = [
	['textToVideo', 'video', 'tm_text2video_b', { prompt: PROMPT }, { prompt: PROMPT }],
	['imageToVideo', 'video', 'tm_img2video_b', { prompt: 'She turns and smiles', imageUrl: IMAGE }, { prompt: 'She turns and smiles', image: IMAGE }],
	['framesToVideo', 'video', 'tm_tail2video_b', { prompt: 'The bud opens', imageUrl: IMAGE, lastFrameUrl: LAST }, { prompt: 'The bud opens', image: IMAGE, image_tail: LAST }],
	[
		'referenceToImage', 'image', 'tm_reference_img2img',
		{ prompt: 'The dancer at night', referenceImageUrl: IMAGE, controlType: '1', controlIntensity: 0.7, width: 768, height: 1280, batchSize: 2 },
		{ prompt: 'The dancer at night', reference_image: IMAGE, control_type: '1', control_intensity: 0.7, width: 768, height: 1280, batch_size: 2 },
	],
	['redraw', 'image', 'tm_redrawing', { prompt: 'A blue hat', imageUrl: 'https://media.example.com/photo.png' }, { prompt: 'A blue hat', init_image: 'https://media.example.com/photo.png' }],
	['textToMusic', 'audio', 'tm_text2music', { prompt: 'Upbeat folk', duration: 30, count: 2 }, { prompt: 'Upbeat folk', duration: 30, qty: 2 }],
	['textToSoundEffect', 'audio', 'tm_text2sfx', { prompt: 'Rain on a tin roof', duration: 12 }, { prompt: 'Rain on a tin roof', duration: 12 }],
	['videoSoundtrack', 'audio', 'tm_video_scoring', { prompt: 'Calm piano', videoUrl: VIDEO }, { prompt: 'Calm piano', file_link: VIDEO }],
];
/** The inputs an item echoes: its prompt, URLs and control type. */
const echoed = (parameters: IDataObject) => Object.fromEntries(Object.entries(parameters).filter(([key]) => key === 'prompt' || key === 'controlType' || key.endsWith('Url')));
const OPERATIONS = Object.fromEntries(
	OPERATION_ROWS.map(([operation, resource, capability, parameters, body]) => [operation, { resource, capability, parameters, body, inputs: echoed(parameters) }]),
);

function params(operation: string, extra: IDataObject = {}, options: IDataObject = {}): INodeParameters {
	const { resource, parameters } = OPERATIONS[operation];
	return { resource, operation, ...parameters, waitForCompletion: true, ...extra, options: { ...FAST_WAIT, ...options } } as INodeParameters;
}

describe('generation operations: the exact body', () => {
	it.each(Object.keys(OPERATIONS))('%s sends its documented body to its capability and echoes its inputs', async (operation) => {
		const { capability, body, inputs } = OPERATIONS[operation];
		const run = await runToMoviee(simulator, { parameters: params(operation, { waitForCompletion: false }) });
		expect(run.error).toBeUndefined();
		expect(submits().map((r) => r.path)).toEqual([SUBMIT_PREFIX + capability]);
		expect(submits()[0].body).toEqual(body);
		expect(run.items[0].json).toEqual({ taskId: expect.stringMatching(new RegExp(`^${capability}-`)), status: 'queued', statusCode: 1, progress: 0, reason: '', ...inputs, resultUrls: [], result: null });
	});

	it('video options map to resolution, duration, aspect_ratio and camera_move_index', async () => {
		const options = { resolution: '1080p', duration: 5, aspectRatio: 'original', cameraMove: 12 };
		await runToMoviee(simulator, { parameters: params('imageToVideo', { waitForCompletion: false }, options) });
		expect(submits('tm_img2video_b')[0].body).toEqual({ prompt: 'She turns and smiles', image: IMAGE, resolution: '1080p', duration: 5, aspect_ratio: 'original', camera_move_index: 12 });
	});

	it('reference to image sends the reference as init_image in subject mode, and an Init Image URL when set', async () => {
		await runToMoviee(simulator, { parameters: params('referenceToImage', { controlType: '2', waitForCompletion: false }) });
		expect(submits()[0].body).toMatchObject({ control_type: '2', init_image: IMAGE });
		simulator.reset();
		await runToMoviee(simulator, { parameters: params('referenceToImage', { waitForCompletion: false }, { initImageUrl: LAST }) });
		expect(submits()[0].body).toMatchObject({ control_type: '1', init_image: LAST });
	});

	it('options: mask_url, disable_translate, sound effect qty, callback and params', async () => {
		await runToMoviee(simulator, { parameters: params('redraw', { waitForCompletion: false }, { maskUrl: 'https://media.example.com/mask.png' }) });
		await runToMoviee(simulator, { parameters: params('textToMusic', { waitForCompletion: false }, { disableTranslate: true, passThrough: 'row-7' }) });
		await runToMoviee(simulator, {
			parameters: params('textToSoundEffect', { waitForCompletion: false }, { count: 3, callbackUrl: 'https://hooks.example.com/tm', signCallbackUrl: false }),
		});
		expect(submits('tm_redrawing')[0].body.mask_url).toBe('https://media.example.com/mask.png');
		expect(submits('tm_text2music')[0].body).toEqual({ prompt: 'Upbeat folk', duration: 30, qty: 2, disable_translate: true, params: 'row-7' });
		expect(submits('tm_text2sfx')[0].body).toEqual({ prompt: 'Rain on a tin roof', duration: 12, qty: 3, callback: 'https://hooks.example.com/tm' });
	});

	it('Additional Body Fields are merged into the body', async () => {
		await runToMoviee(simulator, { parameters: params('textToVideo', { waitForCompletion: false }, { additionalBodyFields: '{"seed": 7, "style": {"look": "film"}}' }) });
		expect(submits()[0].body).toEqual({ prompt: PROMPT, seed: 7, style: { look: 'film' } });
	});

	it.each([
		['textToVideo', '{"prompt": "other"}', 'prompt', 'Prompt'],
		['textToVideo', '{"resolution": "480p"}', 'resolution', 'Resolution'],
		['videoSoundtrack', '{"file_link": "https://x.test/v.mp4"}', 'file_link', 'Video URL'],
		['textToMusic', '{"params": "x"}', 'params', 'Pass-Through Data'],
		['redraw', '{"callback": "https://x.test/hook"}', 'callback', 'Callback URL'],
	])('%s: Additional Body Fields %s is refused before any request', async (operation, json, key, parameter) => {
		const run = await runToMoviee(simulator, { parameters: params(operation, {}, { additionalBodyFields: json }) });
		expect(run.error!.message).toBe(`Additional Body Fields cannot set "${key}": the node sets it from "${parameter}" [item 0, field "additionalBodyFields"]`);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('generation operations: range and input checks, before any request', () => {
	// Item 0 is valid, item 1 breaks the rule: no task is created for either.
	it.each([
		['textToVideo', 'prompt', '   '],
		['textToVideo', 'prompt', 'x'.repeat(1001)],
		['textToVideo', 'cameraMove', 0, true],
		['textToVideo', 'cameraMove', 47, true],
		['textToVideo', 'cameraMove', 2.5, true],
		['textToVideo', 'duration', 10, true],
		['textToVideo', 'resolution', '4k', true],
		['textToVideo', 'aspectRatio', 'original', true],
		['imageToVideo', 'imageUrl', 'ftp://media.example.com/a.jpg'],
		['imageToVideo', 'imageUrl', 'https://media.example.com/a.gif'],
		['framesToVideo', 'lastFrameUrl', 'not a url'],
		['referenceToImage', 'referenceImageUrl', 'file:///etc/passwd'],
		['referenceToImage', 'controlType', '4'],
		['referenceToImage', 'controlIntensity', 1.5],
		['referenceToImage', 'controlIntensity', -0.1],
		['referenceToImage', 'width', 511],
		['referenceToImage', 'height', 2049],
		['referenceToImage', 'batchSize', 5],
		['referenceToImage', 'batchSize', 0],
		['referenceToImage', 'initImageUrl', 'javascript:alert(1)', true],
		['redraw', 'imageUrl', 'https://media.example.com/a.webp'],
		['redraw', 'maskUrl', 'mask.png', true],
		['textToMusic', 'duration', 0],
		['textToMusic', 'duration', 95],
		['textToMusic', 'count', 5],
		['textToMusic', 'disableTranslate', 'maybe', true],
		['textToSoundEffect', 'duration', 4],
		['textToSoundEffect', 'duration', 181],
		['textToSoundEffect', 'count', 0, true],
		['videoSoundtrack', 'videoUrl', 'https://media.example.com/clip.mp3'],
		['textToVideo', 'additionalBodyFields', '{"seed": ', true],
		['textToVideo', 'additionalBodyFields', '[1, 2]', true],
	])('%s refuses %s = %p', async (operation, field, bad, isOption = false) => {
		const good = isOption ? undefined : OPERATIONS[operation].parameters[field];
		const value = `={{ $json.bad ? ${JSON.stringify(bad)} : ${JSON.stringify(good)} }}`;
		const parameters = isOption ? params(operation, {}, { [field]: `={{ $json.bad ? ${JSON.stringify(bad)} : undefined }}` }) : params(operation, { [field]: value });
		const run = await runToMoviee(simulator, { parameters, items: [{ json: { bad: false } }, { json: { bad: true } }] });
		expect(run.error!.message).toContain(`[item 1, field "${field}"]`);
		expect(simulator.requests).toHaveLength(0);
	});

	it('music duration may be fractional; 94.9 s is accepted', async () => {
		await runToMoviee(simulator, { parameters: params('textToMusic', { duration: 94.9, waitForCompletion: false }) });
		expect(submits()[0].body.duration).toBe(94.9);
	});
});

function binaryOf(item: any, field = 'data') {
	return item.binary?.[field] as { mimeType: string; fileName: string; data: string } | undefined;
}

describe('generation operations: Download Result Files', () => {
	it.each([
		['textToVideo', {}, ['video/mp4'], ['video.mp4']],
		['imageToVideo', {}, ['video/mp4'], ['video.mp4']],
		['framesToVideo', {}, ['video/mp4'], ['video.mp4']],
		['referenceToImage', {}, ['image/png', 'image/png'], ['image.png', 'image-2.png']],
		['redraw', {}, ['image/png'], ['image.png']],
		['textToMusic', {}, ['audio/mpeg', 'audio/mpeg'], ['music.mp3', 'music-2.mp3']],
		['textToSoundEffect', {}, ['audio/mpeg'], ['sound.mp3']],
		['videoSoundtrack', {}, ['audio/mpeg'], ['soundtrack.mp3']],
		['videoSoundtrack', { scoringResultKey: 'video_path' }, ['video/mp4'], ['soundtrack.mp4']],
		['redraw', { redrawResultKey: 'image_path' }, ['image/png'], ['image.png']],
		['textToMusic', { audioFormat: 'wav' }, ['audio/wav', 'audio/wav'], ['music.wav', 'music-2.wav']],
		['referenceToImage', { imageFormat: 'jpeg' }, ['image/jpeg', 'image/jpeg'], ['image.jpg', 'image-2.jpg']],
	])('%s (simulator %p) attaches %p', async (operation, simOptions, mimeTypes, names) => {
		simulator.configure({ audioFormat: 'mp3', imageFormat: 'png', ...simOptions });
		const run = await runToMoviee(simulator, { parameters: params(operation, {}, { download: true }) });
		simulator.configure({ audioFormat: 'mp3', imageFormat: 'png' });
		expect(run.error).toBeUndefined();
		const item = run.items[0];
		const taskId = item.json.taskId as string;
		expect(item.json).toMatchObject({ status: 'succeeded', ...OPERATIONS[operation].inputs });
		expect(item.json.resultUrls).toHaveLength(names.length);
		const fields = names.map((_, index) => (index === 0 ? 'data' : `data_${index}`));
		expect(Object.keys(item.binary ?? {})).toEqual(fields);
		fields.forEach((field, index) => {
			expect(binaryOf(item, field)).toMatchObject({ mimeType: mimeTypes[index], fileName: `${taskId}-${names[index]}` });
			expect(Buffer.from(binaryOf(item, field)!.data, 'base64').length).toBeGreaterThan(0);
		});
	});

	it('a video bigger than Max Download Size fails the item with a clear error', async () => {
		simulator.configure({ hugeResults: true, hugeBytes: 3 * 1024 * 1024 });
		const run = await runToMoviee(simulator, { parameters: params('textToVideo', {}, { download: true, maxDownloadSizeMb: 1 }) });
		simulator.configure({ hugeResults: false });
		expect(run.error!.message).toMatch(/Could not download the result file of task tm_text2video_b-\S+: .*1 MB.*\[item 0\]/);
	});
});

describe('Task > Get with generation tasks', () => {
	it('looks up a video task submitted without waiting and downloads its mp4', async () => {
		const submitted = await runToMoviee(simulator, { parameters: params('textToVideo', { waitForCompletion: false }) });
		const taskId = submitted.items[0].json.taskId as string;
		const run = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: true, options: { ...FAST_WAIT, download: true } } });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ taskId, status: 'succeeded' });
		expect(binaryOf(run.items[0])).toMatchObject({ mimeType: 'video/mp4', fileName: `${taskId}-video.mp4` });
	});
});

describe('generation operations: answers ToMoviee decides', () => {
	it('1080p for text to video is sent; a refusal fails the item with ToMoviee\'s message quoted', async () => {
		simulator.configure({ textToVideo1080p: false });
		const run = await runToMoviee(simulator, { parameters: params('textToVideo', {}, { resolution: '1080p' }) });
		expect(submits('tm_text2video_b')[0].body.resolution).toBe('1080p');
		expect(run.error!.message).toMatch(/^ToMoviee error \d+: resolution must be one of "720p" while submitting the task \[item 0\]$/);
	});

	it('a failed generation task is the item\'s error, with its reason', async () => {
		const run = await runToMoviee(simulator, { parameters: params('textToSoundEffect', { prompt: 'this one will fail' }), continueOnFail: true });
		expect(run.items[0].json).toMatchObject({ status: 'failed', error: expect.stringMatching(/^ToMoviee task tm_text2sfx-\S+ failed: sound effect generation failed/) });
	});
});

describe('Wait for Callback with a video task', () => {
	it('submits with the execution resume URL as callback, parks, and does not poll', async () => {
		const run = await runToMoviee(simulator, {
			parameters: params('textToVideo', { prompt: '={{ $json.prompt }}', waitMethod: 'callback' }, { timeout: 300 }),
			items: [{ json: { prompt: 'A fox in the snow duration=600' } }, { json: { prompt: 'A cat on a roof duration=600' } }],
		});
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('waiting');
		expect(run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 250_000);
		const sent = submits('tm_text2video_b');
		expect(sent.map((r) => r.body.prompt)).toEqual(['A fox in the snow duration=600', 'A cat on a roof duration=600']);
		for (const submit of sent) expect(submit.body.callback).toMatch(/\/webhook-waiting\/[^?]+\?signature=[0-9a-f]{64}$/);
		// At most the one look before parking, never a polling loop.
		expect(queries().length).toBeLessThanOrEqual(2);
		// The look before parking may already see the tasks processing.
		expect(run.items.map((item) => item.json.prompt)).toEqual(['A fox in the snow duration=600', 'A cat on a roof duration=600']);
		for (const item of run.items) expect(['queued', 'processing']).toContain(item.json.status);
		// ToMoviee then calls the resume URL when each task ends.
		await new Promise((resolve) => setTimeout(resolve, 1200));
		expect(new Set(simulator.callbacks.map((callback) => callback.url))).toEqual(new Set(sent.map((submit) => submit.body.callback)));
	});
});

describe('the node description', () => {
	it('the canvas subtitle reads like the UI for every resource and operation', async () => {
		const { subtitle } = new ToMoviee().description;
		expect(subtitle).not.toMatch(/\}\}.*\}\}/);
		const cases: Array<[string, string, Record<string, string>, string]> = [
			['imageRecognition', 'recognize', { controlType: '0' }, 'Recognize: edge'],
			['imageRecognition', 'recognize', { controlType: '3' }, 'Recognize: depth'],
			['task', 'get', {}, 'Get Task'],
			['video', 'textToVideo', {}, 'Text to Video'],
			['video', 'framesToVideo', {}, 'First and Last Frame to Video'],
			['image', 'referenceToImage', { controlType: '1' }, 'Reference to Image: pose'],
			['image', 'redraw', {}, 'Redraw'],
			['audio', 'videoSoundtrack', {}, 'Video Soundtrack'],
		];
		const run = await runToMoviee(simulator, { parameters: params('textToVideo', { waitForCompletion: false }) });
		for (const [resource, operation, parameters, expected] of cases) {
			const node = run.workflow.getNode('ToMoviee')!;
			node.parameters = { resource, operation, ...parameters };
			await run.workflow.expression.acquireIsolate();
			try {
				expect(run.workflow.expression.getSimpleParameterValue(node, subtitle!, 'manual', {})).toBe(expected);
			} finally {
				await run.workflow.expression.releaseIsolate();
			}
		}
	});

	it('every Options collection is alphabetized', () => {
		const { properties } = new ToMoviee().description;
		for (const property of properties.filter((p) => p.name === 'options')) {
			const names = (property.options as Array<{ displayName: string }>).map((option) => option.displayName);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		}
	});
});
