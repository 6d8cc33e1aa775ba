import { CONTROL_TYPES } from './constants';

const MIME_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
};

/** `data`, `data_1`, `data_2`… so a task with several result images keeps them all. */
export function binaryPropertyFor(baseName: string, index: number): string {
	return index === 0 ? baseName : `${baseName}_${index}`;
}

function extensionOf(url: string): string | undefined {
	try {
		return new URL(url).pathname.split('.').pop()?.toLowerCase();
	} catch {
		return undefined;
	}
}

/** The server's image type when it names one, else the URL's extension, else PNG. */
export function maskMimeType(url: string, contentType: unknown): string {
	const declared = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
	if (declared.startsWith('image/')) return declared;
	return MIME_BY_EXTENSION[extensionOf(url) ?? ''] ?? 'image/png';
}

/** e.g. `tm_123-subject.png`, `tm_123-subject-2.png` for the second image of a task. */
export function maskFileName(taskId: string, controlType: string | null, index: number, mimeType: string): string {
	const kind = controlType !== null && controlType in CONTROL_TYPES ? CONTROL_TYPES[controlType as keyof typeof CONTROL_TYPES] : 'mask';
	const extension = Object.entries(MIME_BY_EXTENSION).find(([, mime]) => mime === mimeType)?.[0] ?? 'png';
	const safeTaskId = taskId.replace(/[^\w.-]+/g, '_') || 'task';
	return `${safeTaskId}-${kind}${index > 0 ? `-${index + 1}` : ''}.${extension}`;
}
