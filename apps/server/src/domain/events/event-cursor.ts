import { DomainError } from '../errors.js';

/** Where a page of events ended: the (date, id) of its last row, newest first. */
export interface EventCursor {
  dateMs: number;
  id: number;
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(`${cursor.dateMs}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): EventCursor {
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  const dateMs = Number(match?.[1]);
  const id = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(id) || !Number.isFinite(new Date(dateMs).getTime())) {
    throw new DomainError('VALIDATION_FAILED', 'before must be the cursor returned as next by a previous page');
  }
  return { dateMs, id };
}
