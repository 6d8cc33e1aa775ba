/** Why a ToMoviee call gave no usable answer; errors.ts turns it into the item's n8n error. */
/** `credential`: the gateway rejected the app key/secret (see credentialRejection.ts). */
type FailureKind = 'http' | 'api' | 'network' | 'cancelled' | 'response' | 'redirect' | 'credential';

interface FailureDetails {
	tries: number;
	httpCode?: number;
	apiCode?: string | number;
	apiMessage?: string;
	networkCode?: string;
	/** The request was sent and no definite answer came: a submitted task may exist. */
	ambiguous?: boolean;
}

export class ToMovieeRequestFailure extends Error {
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly details: FailureDetails,
	) {
		super(message);
		this.name = 'ToMovieeRequestFailure';
	}
}
