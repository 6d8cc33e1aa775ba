import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError, parseJsonObject, validateNumberInRange, validateText } from '../../shared/parameters/validation';
import { PUBLIC_URL_HINT, submitOperationProperties } from './common.description';
import type { PreparedItem } from '../item/batchItem';
import type { Operation, SubmitContext } from './operation';
import { commonSubmitFields, itemOptions } from './submitOptions';

/**
 * What the generation operations share: the prompt (parameter, check, body field, echoed input and
 * label), the URL parameters, Additional Body Fields, the submit options and the body assembly.
 */

const PROMPT_IN_LABEL = 40;

interface PromptSpec {
	description: string;
	placeholder: string;
	/** Shown under the field: the limits a user must keep to. */
	hint?: string;
	/** Longest prompt ToMoviee takes, in characters, where a source names one. */
	maxLength?: number;
}

function promptProperty({ description, placeholder, hint }: PromptSpec): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder,
		...(hint ? { hint } : {}),
		description,
	};
}

/** A URL parameter of a media input: required unless it is an option. */
export function urlProperty(displayName: string, name: string, placeholder: string, description: string, required = true): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		...(required ? { required } : {}),
		default: '',
		placeholder,
		hint: PUBLIC_URL_HINT,
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

function readOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return context.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** A required Duration (Seconds) parameter with the capability's range. */
export function durationProperty(typeOptions: INodeProperties['typeOptions'], defaultSeconds: number, hint: string, description: string): INodeProperties {
	return { displayName: 'Duration (Seconds)', name: 'duration', type: 'number', required: true, typeOptions, default: defaultSeconds, hint, description };
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

function validatePrompt(value: unknown, maxLength?: number): string {
	const prompt = validateText('prompt', 'Prompt', value);
	if (maxLength !== undefined && prompt.length > maxLength) {
		throw new InputError('prompt', `Prompt must be at most ${maxLength} characters, got ${prompt.length}`, 'Shorten the prompt.');
	}
	return prompt;
}

/** `prompt "a cat walking on a…"`: what a submit error names the item by. */
function promptLabel(prompt: string): string {
	const short = prompt.length > PROMPT_IN_LABEL ? `${prompt.slice(0, PROMPT_IN_LABEL)}…` : prompt;
	return `prompt "${short}"`;
}

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

/** What an operation reads from one item besides the prompt, which the factory reads and adds. */
interface GenerationItem {
	/** The body fields after `prompt`. */
	fields: IDataObject;
	/** The inputs echoed in the output after `prompt`. */
	inputs?: IDataObject;
	/** What the item is about besides its prompt, e.g. `image https://…/a.jpg`, for the label. */
	subject?: string;
}

interface GenerationSpec {
	resource: string;
	operation: string;
	capability: string;
	fileLabel: string;
	menu: Operation['menu'];
	prompt: PromptSpec;
	/** The parameters after Prompt, in their UI order. */
	properties?: INodeProperties[];
	/** The operation's own entries of the Options collection. */
	options?: INodeProperties[];
	/**
	 * Every body field the operation can set besides `prompt`, with the parameter that sets it,
	 * whether this item sets it or not: Additional Body Fields may not name them.
	 */
	parameterOf?: Record<string, string>;
	read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem;
}

/**
 * A generation operation: Prompt, its own parameters, then Wait for Completion, Wait Method and
 * Options; each item's prompt read and checked first, then the operation's own fields.
 */
export function generationOperation(spec: GenerationSpec): Operation {
	const parameterOf = { prompt: 'Prompt', ...spec.parameterOf };
	const properties = [
		promptProperty(spec.prompt),
		...(spec.properties ?? []),
		...submitOperationProperties([...(spec.options ?? []), additionalBodyFieldsOption]),
	];
	return {
		menu: spec.menu,
		description: updateDisplayOptions({ show: { resource: [spec.resource], operation: [spec.operation] } }, properties),
		canParkForCallbacks: true,
		waitsByDefault: true,
		prepare(this: IExecuteFunctions, itemIndex: number, submit: SubmitContext): PreparedItem {
			const options = readOptions(this, itemIndex);
			const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), spec.prompt.maxLength);
			const { fields, inputs, subject } = spec.read.call(this, itemIndex, options);
			const body: IDataObject = {
				prompt,
				...fields,
				...additionalFields(options, parameterOf),
				...commonSubmitFields(options, submit),
			};
			const label = subject === undefined ? promptLabel(prompt) : `${subject} with ${promptLabel(prompt)}`;
			return {
				request: { kind: 'submit', capability: spec.capability, body, label, wsidSent: false },
				inputs: { prompt, ...inputs },
				fileLabel: spec.fileLabel,
				...itemOptions(options),
			};
		},
	};
}
