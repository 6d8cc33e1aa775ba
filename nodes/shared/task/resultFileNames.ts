/** The media types a result file may have to become binary data, with their file extensions. */
const EXTENSION_BY_MEDIA_TYPE: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/wave': 'wav',
	'audio/mp4': 'm4a',
	'audio/aac': 'aac',
};

const MEDIA_TYPE_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	mp4: 'video/mp4',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	aac: 'audio/aac',
};

/** Types that say nothing about the content: the URL's extension decides then. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** `data`, `data_1`, `data_2`… so a task with several result files keeps them all. */
export function binaryPropertyFor(baseName: string, index: number): string {
	return index === 0 ? baseName : `${baseName}_${index}`;
}

function extensionOf(url: string): string {
	if (!URL.canParse(url)) return '';
	const lastSegment = new URL(url).pathname.split('/').pop() ?? '';
	const dot = lastSegment.lastIndexOf('.');
	return dot > 0 ? lastSegment.slice(dot + 1).toLowerCase() : '';
}

/**
 * The media type a downloaded file is kept as: the server's type when it is an allowed one, the
 * URL's extension when the server's type is generic, else undefined (the file is refused).
 */
export function acceptedMediaType(url: string, contentType: unknown): string | undefined {
	const declared = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (EXTENSION_BY_MEDIA_TYPE[declared]) return declared;
	if (GENERIC_TYPES.has(declared)) return MEDIA_TYPE_BY_EXTENSION[extensionOf(url)];
	return undefined;
}

/** e.g. `tm_x-0-123-subject.png`, `tm_x-0-123-subject-2.png` for the second file of a task. */
export function resultFileName(taskId: string, label: string, index: number, mediaType: string): string {
	const extension = EXTENSION_BY_MEDIA_TYPE[mediaType] ?? 'bin';
	const safeTaskId = taskId.replace(/[^\w.-]+/g, '_') || 'task';
	return `${safeTaskId}-${label}${index > 0 ? `-${index + 1}` : ''}.${extension}`;
}
