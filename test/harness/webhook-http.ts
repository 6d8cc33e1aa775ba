import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** A request as a test describes it. */
export interface WebhookRequestSpec {
	method?: IHttpRequestMethods;
	/** The URL path, e.g. `/webhook/<webhookId>/<path>` (used to pick the webhook and for req.path). */
	path?: string;
	headers?: Record<string, string>;
	query?: IDataObject;
	/** The parsed body, as n8n's body parser would leave it. */
	body?: unknown;
	/** The bytes on the wire; defaults to the body serialised (JSON for objects). */
	rawBody?: Buffer | string;
	params?: Record<string, string>;
}

/** What the node wrote to the response object itself. */
export interface RecordedResponse {
	statusCode: number;
	/** As the node passed it to json()/send()/end(); chunks from write() are concatenated. */
	body: unknown;
	/** Lower-case header names. */
	headers: Record<string, string | string[]>;
	ended: boolean;
}

/** The express Request members n8n's webhook code and nodes use. */
export type WebhookRequest = IncomingMessage & {
	body: unknown;
	rawBody: Buffer;
	query: IDataObject;
	params: Record<string, string>;
	path: string;
	contentType?: string;
	get(name: string): string | undefined;
	header(name: string): string | undefined;
};

function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): IncomingHttpHeaders {
	const result: IncomingHttpHeaders = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) result[name.toLowerCase()] = value;
	}
	return result;
}

function serialise(body: unknown): Buffer {
	if (body === undefined) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	if (typeof body === 'string') return Buffer.from(body);
	return Buffer.from(JSON.stringify(body));
}

/** Adds the express members to a request (a real IncomingMessage or a bare object). */
export function decorateRequest(
	target: object,
	fields: {
		method: string;
		url: string;
		headers: IncomingHttpHeaders;
		body: unknown;
		rawBody: Buffer;
		query: IDataObject;
		params?: Record<string, string>;
	},
): WebhookRequest {
	const path = fields.url.split('?')[0];
	const contentType = fields.headers['content-type']?.split(';')[0].trim().toLowerCase();
	const get = (name: string) => {
		const value = fields.headers[name.toLowerCase()];
		return Array.isArray(value) ? value.join(', ') : value;
	};
	return Object.assign(target, {
		method: fields.method,
		url: fields.url,
		headers: fields.headers,
		body: fields.body,
		rawBody: fields.rawBody,
		query: fields.query,
		params: fields.params ?? {},
		path,
		contentType,
		get,
		header: get,
	}) as WebhookRequest;
}

/** An express-like request for an in-process `webhook()` call. */
export function createWebhookRequest(spec: WebhookRequestSpec, defaultPath: string): WebhookRequest {
	const headers = lowerCaseHeaders(spec.headers ?? {});
	if (spec.body !== undefined && typeof spec.body === 'object' && !Buffer.isBuffer(spec.body)) {
		headers['content-type'] ??= 'application/json';
	}
	const rawBody = spec.rawBody !== undefined ? serialise(spec.rawBody) : serialise(spec.body);
	const query = spec.query ?? {};
	const search = new URLSearchParams(query as Record<string, string>).toString();
	const path = spec.path ?? defaultPath;
	return decorateRequest(Object.assign(new EventEmitter(), { httpVersion: '1.1' }), {
		method: spec.method ?? 'POST',
		url: search ? `${path}?${search}` : path,
		headers,
		body: spec.body ?? {},
		rawBody,
		query,
		params: spec.params,
	});
}

/**
 * An express-like response that records what a node writes and, when given the server's
 * real response, writes it through.
 */
export class WebhookResponseRecorder extends EventEmitter {
	statusCode = 200;

	headersSent = false;

	writableEnded = false;

	private readonly headers: Record<string, string | string[]> = {};

	private body: unknown;

	private chunks: Buffer[] = [];

	constructor(private readonly real?: ServerResponse) {
		super();
	}

	get recorded(): RecordedResponse {
		const body = this.chunks.length ? Buffer.concat(this.chunks).toString() : this.body;
		return { statusCode: this.statusCode, body, headers: { ...this.headers }, ended: this.writableEnded };
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number): this {
		return this.status(code).send(String(code));
	}

	setHeader(name: string, value: string | number | readonly string[]): this {
		this.headers[name.toLowerCase()] = Array.isArray(value) ? [...value] : String(value);
		return this;
	}

	getHeader(name: string): string | string[] | undefined {
		return this.headers[name.toLowerCase()];
	}

	removeHeader(name: string): void {
		delete this.headers[name.toLowerCase()];
	}

	set(field: string | Record<string, string>, value?: string): this {
		if (typeof field === 'string') return this.setHeader(field, value ?? '');
		for (const [name, v] of Object.entries(field)) this.setHeader(name, v);
		return this;
	}

	header(field: string | Record<string, string>, value?: string): this {
		return this.set(field, value);
	}

	type(contentType: string): this {
		return this.setHeader('content-type', contentType.includes('/') ? contentType : `application/${contentType}`);
	}

	writeHead(statusCode: number, headers?: OutgoingHttpHeaders): this {
		this.statusCode = statusCode;
		for (const [name, value] of Object.entries(headers ?? {})) {
			if (value !== undefined) this.setHeader(name, value as string);
		}
		this.flushHead();
		return this;
	}

	json(body: unknown): this {
		if (this.getHeader('content-type') === undefined) {
			this.setHeader('content-type', 'application/json; charset=utf-8');
		}
		this.body = body;
		return this.finish(Buffer.from(JSON.stringify(body) ?? ''));
	}

	send(body?: unknown): this {
		if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
		if (typeof body === 'string' && this.getHeader('content-type') === undefined) {
			this.setHeader('content-type', 'text/html; charset=utf-8');
		}
		this.body = body;
		return this.finish(serialise(body));
	}

	write(chunk: string | Buffer): boolean {
		const buffer = serialise(chunk);
		this.chunks.push(buffer);
		this.flushHead();
		return this.real ? this.real.write(buffer) : true;
	}

	end(chunk?: string | Buffer): this {
		if (chunk !== undefined) {
			if (this.chunks.length) this.chunks.push(serialise(chunk));
			else this.body = chunk;
		}
		return this.finish(chunk === undefined ? undefined : serialise(chunk));
	}

	private flushHead(): void {
		if (this.headersSent) return;
		this.headersSent = true;
		this.real?.writeHead(this.statusCode, this.headers);
	}

	private finish(payload: Buffer | undefined): this {
		if (this.writableEnded) return this;
		this.flushHead();
		this.writableEnded = true;
		this.real?.end(payload);
		this.emit('finish');
		return this;
	}
}

export class BodyParseError extends Error {}

/**
 * n8n's body parser: keeps the raw bytes, parses JSON, url-encoded forms and text; an
 * unparsable JSON body is an error (n8n answers 422 before the node runs).
 */
export function parseBody(rawBody: Buffer, headers: IncomingHttpHeaders): unknown {
	if (!rawBody.length) return {};
	const contentType = headers['content-type']?.split(';')[0].trim().toLowerCase() ?? '';
	const text = rawBody.toString('utf8');
	if (contentType === 'application/json' || contentType.endsWith('+json')) {
		try {
			return JSON.parse(text) as unknown;
		} catch (error) {
			throw new BodyParseError((error as Error).message);
		}
	}
	if (contentType === 'application/x-www-form-urlencoded') {
		return Object.fromEntries(new URLSearchParams(text));
	}
	if (contentType.startsWith('text/')) return text;
	return {};
}

export function parseQuery(search: URLSearchParams): IDataObject {
	const query: IDataObject = {};
	for (const key of new Set(search.keys())) {
		const values = search.getAll(key);
		query[key] = values.length > 1 ? values : values[0];
	}
	return query;
}
