import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../shared/constants';
import { TOMOVIEE_ICON } from '../shared/parameters/descriptions';
import { callbackWebhook } from '../shared/callbacks/webhookAnswers';
import { triggerProperties } from './description';
import { handleCallback } from './handleCallback';

export class ToMovieeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ToMoviee Trigger',
		name: 'toMovieeTrigger',
		icon: TOMOVIEE_ICON,
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On callback: " + $parameter["statuses"].join(", ") }}',
		description: 'Starts the workflow when ToMoviee calls back with the outcome of a task',
		defaults: { name: 'ToMoviee Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_NAME, required: true }],
		webhooks: [callbackWebhook('callback')],
		// What the editor's trigger panel says instead of n8n's generic "Pull in events" text.
		triggerPanel: {
			header: 'Waiting for ToMoviee to call back',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Execute step', then run a ToMoviee node whose Callback URL option is this node's Test URL: the outcome of that task shows up here.<br /><br /><b>Once you're happy with your workflow</b>, publish it and use the Production URL as the Callback URL instead. Every callback then starts a run of this workflow; you will find them in the Executions list.",
				active:
					"<b>While building your workflow</b>, click 'Execute step', then run a ToMoviee node whose Callback URL option is this node's Test URL: the outcome of that task shows up here.<br /><br /><b>Your workflow is published</b>: every callback to the Production URL starts a run of it; you will find them in the Executions list.",
			},
			activationHint:
				"Once you've finished building your workflow, publish it and use the Production URL as the Callback URL option of your ToMoviee nodes.",
		},
		properties: triggerProperties,
	};

	webhookMethods = {
		default: {
			// Nothing is registered at ToMoviee: the URL travels with each task. Activation fails
			// when the credential cannot check signatures.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials(CREDENTIAL_NAME);
				if (!credentials?.appSecret) {
					throw new NodeOperationError(
						this.getNode(),
						'The ToMoviee API credential has no app secret, so callback signatures cannot be checked',
					);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}
}
