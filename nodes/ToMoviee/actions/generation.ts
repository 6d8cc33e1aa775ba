import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { readDownloadSettings } from '../../shared/helpers/options';
import { InputError, parseJsonObject, validateNumberInRange, validateText } from '../../shared/helpers/validation';
import { submitOperationProperties } from './common.description';
import type { BatchFacts, Operation, PreparedItem } from './operation';
import { commonSubmitFields, readWaitTimes } from './submitOptions';

/** What the generation operations share: the prompt, Additional Body Fields and the body assembly. */

const PROMPT_IN_LABEL = 40;

export function promptProperty(description: string, placeholder: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder,
		description,
	};
}

const additionalBodyFieldsOption: INodeProperties = {
	displayName: 'Additional Body Fields (JSON)',
	name: 'additionalBodyFields',
	type: 'json',
	default: '',
	placeholder: '{"seed": 7}',
	description:
		'JSON object merged into the request body, for a field ToMoviee added or this node does not know yet. It cannot override the fields the node sets from its own parameters and options (nor callback or params): such a key fails the item before any request, naming the parameter to use instead.',
};

/** Wait for Completion, Wait Method and the Options collection of a generation operation. */
export function generationTail(own: INodeProperties[]): INodeProperties[] {
	return submitOperationProperties([...own, additionalBodyFieldsOption]);
}

export function readOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return context.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Whether an optional value was given (an option not added, or an empty expression, is not). */
export function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

export function validateInteger(field: string, label: string, value: unknown, min: number, max: number): number {
	const number = validateNumberInRange(field, label, value, min, max);
	if (!Number.isInteger(number)) throw new InputError(field, `${label} must be a whole number, got "${String(value)}"`);
	return number;
}

export function validatePrompt(value: unknown, maxLength?: number): string {
	const prompt = validateText('prompt', 'Prompt', value);
	if (maxLength !== undefined && prompt.length > maxLength) {
		throw new InputError('prompt', `Prompt must be at most ${maxLength} characters, got ${prompt.length}`, 'Shorten the prompt.');
	}
	return prompt;
}

/** `prompt "a cat walking on a…"`: what a submit error names the item by. */
export function promptLabel(prompt: string): string {
	const short = prompt.length > PROMPT_IN_LABEL ? `${prompt.slice(0, PROMPT_IN_LABEL)}…` : prompt;
	return `prompt "${short}"`;
}

/** One generation task, as an operation's prepare reads it from one item. */
/** Everything prepareGeneration needs for one item. */
export type Generation = Omit<GenerationSpec, 'menu' | 'description'> & GenerationItem;

const COMMON_PARAMETERS: Record<string, string> = {
	callback: 'Callback URL',
	params: 'Pass-Through Data',
};

function additionalFields(options: IDataObject, parameterOf: Record<string, string>): IDataObject {
	const extra = parseJsonObject('additionalBodyFields', 'Additional Body Fields', options.additionalBodyFields);
	for (const key of Object.keys(extra)) {
		const parameter = Object.hasOwn(parameterOf, key)
			? parameterOf[key]
			: Object.hasOwn(COMMON_PARAMETERS, key)
				? COMMON_PARAMETERS[key]
				: undefined;
		if (parameter !== undefined) {
			throw new InputError(
				'additionalBodyFields',
				`Additional Body Fields cannot set "${key}": the node sets it from "${parameter}"`,
				`Remove "${key}" from Additional Body Fields and use "${parameter}" instead.`,
			);
		}
	}
	return extra;
}

/** The prepared item of a generation operation: the body with its extra fields, and the item plan. */
export function prepareGeneration(itemIndex: number, batch: BatchFacts, options: IDataObject, generation: Generation): PreparedItem {
	const extra = additionalFields(options, generation.parameterOf);
	const body: IDataObject = {
		...generation.fields,
		...extra,
		...commonSubmitFields(options, batch),
	};
	return {
		request: {
			kind: 'submit',
			capability: generation.capability,
			body,
			label: generation.label,
			wsidSent: false,
		},
		plan: {
			itemIndex,
			inputs: generation.inputs,
			fileLabel: generation.fileLabel,
			download: readDownloadSettings(options),
		},
		...readWaitTimes(options),
	};
}

/** What a generation operation reads from one item: its body fields, echoed inputs and label. */
export interface GenerationItem {
	fields: IDataObject;
	inputs: IDataObject;
	label: string;
}

interface GenerationSpec {
	capability: string;
	fileLabel: string;
	/**
	 * Every body field the operation can set, with the parameter that sets it, whether this
	 * item sets it or not: Additional Body Fields may not name them.
	 */
	parameterOf: Record<string, string>;
	menu: Operation['menu'];
	description: INodeProperties[];
}

/** A generation operation: the shared seam filled from its spec and its per-item reader. */
export function generationOperation(
	spec: GenerationSpec,
	read: (this: IExecuteFunctions, itemIndex: number, options: IDataObject) => GenerationItem,
): Operation {
	return {
		menu: spec.menu,
		description: spec.description,
		canParkForCallbacks: true,
		prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem {
			const options = readOptions(this, itemIndex);
			return prepareGeneration(itemIndex, batch, options, {
				...spec,
				...read.call(this, itemIndex, options),
			});
		},
	};
}
