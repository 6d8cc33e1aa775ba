import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readBooleanOption, readNumberOption, readWord } from '../../shared/parameters/options';
import { FILES_TO_URLS_HELP } from '../../shared/constants';
import { InputError, parseBoolean, UrlInputError } from '../../shared/parameters/validation';
import type { ErrorShape } from '../item/itemOutput';
import type { Operation } from '../actions/operation';

/** Decisions made once for the whole batch, before any per-item work. */
export interface BatchSettings {
	waitForCompletion: boolean;
	parksForCallbacks: boolean;
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
	retryAmbiguousSubmits: boolean;
	continueOnFail: boolean;
	/** On Error "Continue (using error output)": failed items are shaped for the error output
	 * (n8n 1.x, told apart by its missing isToolExecution, routes fewer keys). */
	errorShape: ErrorShape;
	/** Retry On Fail is on: accepted tasks are remembered so a retry never submits them again. */
	remembersTasks: boolean;
}

/** ToMoviee reads inputs only from URLs: an item holding a file instead is told where to put it. */
function fileInsteadOfUrl(context: IExecuteFunctions, error: InputError, itemIndex: number): NodeOperationError | undefined {
	if (!(error instanceof UrlInputError)) return undefined;
	const binary = context.getInputData()[itemIndex]?.binary;
	const fields = binary ? Object.keys(binary) : [];
	if (fields.length === 0) return undefined;
	return new NodeOperationError(
		context.getNode(),
		`${error.message}, and this item carries a file (binary field "${fields[0]}"): ToMoviee reads inputs only from public URLs, not from files [item ${itemIndex}, field "${error.field}"]`,
		{
			itemIndex,
			description: `Upload the file with a storage node that gives a public URL (S3, Google Drive, Cloudinary, your web server…) and put that URL in this field. How: ${FILES_TO_URLS_HELP}`,
		},
	);
}

export function inputErrorToNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof InputError) {
		const withFile = fileInsteadOfUrl(context, error, itemIndex);
		if (withFile) return withFile;
		return new NodeOperationError(context.getNode(), `${error.message} [item ${itemIndex}, field "${error.field}"]`, {
			itemIndex,
			description: error.hint,
		});
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error instanceof Error ? error.message : String(error), { itemIndex });
}

function isToolExecution(context: IExecuteFunctions): boolean {
	// n8n 1.x has no isToolExecution(); tool runs there cannot be told apart, and parking fails plainly.
	return typeof context.isToolExecution === 'function' && context.isToolExecution();
}

/** One value for the batch; every item must agree, so no item is handled against its setting. */
function readAgreed(context: IExecuteFunctions, itemCount: number, read: (itemIndex: number) => unknown, field: string, label: string): unknown {
	const first = read(0);
	for (let itemIndex = 1; itemIndex < itemCount; itemIndex++) {
		const value = read(itemIndex);
		if (value !== first) {
			throw inputErrorToNodeError(
				context,
				new InputError(field, `${label} must be the same for every item of a run; item 0 has "${String(first)}", this item "${String(value)}"`, 'Split the items into separate runs, or set the value without an expression.'),
				itemIndex,
			);
		}
	}
	return first;
}

export function readBatchSettings(context: IExecuteFunctions, operation: Operation, itemCount: number): BatchSettings {
	const node = context.getNode();
	let itemIndex = 0;
	try {
		const waitForCompletion = readAgreed(context, itemCount, (index) => {
			itemIndex = index;
			return parseBoolean('waitForCompletion', 'Wait for Completion', context.getNodeParameter('waitForCompletion', index, operation.waitsByDefault));
		}, 'waitForCompletion', 'Wait for Completion') as boolean;
		itemIndex = 0;
		const waitMethod =
			waitForCompletion && operation.canParkForCallbacks
				? readAgreed(context, itemCount, (index) => {
						itemIndex = index;
						return readWord('waitMethod', 'Wait Method', context.getNodeParameter('waitMethod', index, 'poll'), ['poll', 'callback'], 'poll');
					}, 'waitMethod', 'Wait Method')
				: 'poll';
		itemIndex = 0;
		const parksForCallbacks = waitMethod === 'callback';
		if (parksForCallbacks && isToolExecution(context)) {
			throw new InputError('waitMethod', 'Wait Method "Wait for Callback" cannot be used when the node runs as an AI-agent tool: the agent needs the answer in the same run', 'Use Wait Method "Poll" for tool use.');
		}
		const options = itemCount > 0 ? (context.getNodeParameter('options', 0, {}) as IDataObject) : {};
		const onError = node.onError;
		return {
			waitForCompletion,
			parksForCallbacks,
			maxConcurrency: readNumberOption(options, 'maxConcurrency'),
			maxTries: readNumberOption(options, 'maxTries'),
			requestTimeoutMs: readNumberOption(options, 'requestTimeout') * 1000,
			retryAmbiguousSubmits: readBooleanOption(options, 'retryAmbiguousSubmits', 'Retry Ambiguous Submits', false),
			continueOnFail: context.continueOnFail(),
			errorShape: onError !== 'continueErrorOutput' ? 'main' : typeof context.isToolExecution === 'function' ? 'errorOutput' : 'errorOutputV1',
			remembersTasks: node.retryOnFail === true,
		};
	} catch (error) {
		throw inputErrorToNodeError(context, error, itemIndex);
	}
}
