import { z } from 'zod';
import { LIMITS } from './constants.js';
import { answer, pageCursor, pageLimit } from './fields.js';
import { FLIP_CAUSES, FLIP_STATUSES } from './vocabulary.js';

/** Query of `GET /heartbeat/:service/history`: newest first. */
export const HistoryQuery = z.strictObject({
  limit: pageLimit(LIMITS.historyDefaultLimit, LIMITS.historyMaxLimit),
  before: pageCursor,
});
export type HistoryQuery = z.output<typeof HistoryQuery>;
export type HistoryQueryInput = { limit?: number | string | undefined; before?: string | undefined };

/**
 * One change of a service's state: when (Unix seconds), from what (null when the service
 * was created), to what, and why.
 */
export const Flip = z.object({
  at: z.number(),
  from: z.enum(FLIP_STATUSES).nullable(),
  to: z.enum(FLIP_STATUSES),
  cause: z.enum(FLIP_CAUSES),
});
export type Flip = z.output<typeof Flip>;

/**
 * The share of the time a service was up over the last 24 hours, 7 days and 30 days, from
 * 0 to 1: up / (up + dead). Time unknown (no server ran), before the service existed, or
 * while it was new, paused, cancelled or snoozed is not counted; null when none is left.
 */
export const Uptime = z.object({
  '24h': z.number().min(0).max(1).nullable(),
  '7d': z.number().min(0).max(1).nullable(),
  '30d': z.number().min(0).max(1).nullable(),
});
export type Uptime = z.output<typeof Uptime>;

export const HistoryResponse = answer({
  flips: z.array(Flip),
  next: z.string().nullable(),
  uptime: Uptime,
});
export type HistoryResponse = z.output<typeof HistoryResponse>;
