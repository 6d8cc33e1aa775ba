export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled' | 'timedOut';

const STATUS_BY_CODE: Record<number, TaskStatus> = {
	1: 'queued',
	2: 'processing',
	3: 'succeeded',
	4: 'failed',
	5: 'cancelled',
	6: 'timedOut',
};

export const FINAL_STATUSES: TaskStatus[] = ['succeeded', 'failed', 'cancelled', 'timedOut'];

/** Accepts the status as a number or a numeric string (callbacks are not consistent). */
export function parseStatusCode(value: unknown): number | undefined {
	const code = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof code === 'number' && Number.isInteger(code) && STATUS_BY_CODE[code] ? code : undefined;
}

export function statusName(code: number | undefined): TaskStatus | 'unknown' {
	return code === undefined ? 'unknown' : (STATUS_BY_CODE[code] ?? 'unknown');
}

export function isFinalStatus(code: number | null | undefined): boolean {
	return typeof code === 'number' && code >= 3 && code <= 6;
}

/** Failed, cancelled or timed out at ToMoviee: a task that will never give a result. */
export function endedWithoutResult(status: string): boolean {
	return status === 'failed' || status === 'cancelled' || status === 'timedOut';
}
