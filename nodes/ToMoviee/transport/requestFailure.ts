/** Why a ToMoviee call did not give data; the caller turns it into a NodeApiError for its item. */
export type FailureKind = 'http' | 'api' | 'network' | 'cancelled' | 'response';

export class ToMovieeRequestFailure extends Error {
	constructor(
		readonly kind: FailureKind,
		message: string,
		readonly details: {
			tries: number;
			httpCode?: number;
			apiCode?: string | number;
			apiMessage?: string;
			networkCode?: string;
		},
	) {
		super(message);
		this.name = 'ToMovieeRequestFailure';
	}
}
