import { DomainError } from '../errors.js';

/** Where a page of events ended: the (date, id) of its last row, newest first. */
export interface EventCursor {
  dateMs: number;
  id: number;
}

// Years 1 to 9999, as for the date filters: the databases refuse dates outside them.
const MIN_DATE_MS = -62_135_596_800_000;
const MAX_DATE_MS = 253_402_300_799_999;

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(`${cursor.dateMs}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): EventCursor {
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const dateMs = Number(match?.[1]);
  const id = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(id)) {
    throw new DomainError('VALIDATION_FAILED', 'before must be the cursor returned as next by a previous page');
  }
  if (!(dateMs >= MIN_DATE_MS && dateMs <= MAX_DATE_MS)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'before must be the cursor returned as next by a previous page; this one names a date outside the years 1 to 9999',
    );
  }
  return { dateMs, id };
}
