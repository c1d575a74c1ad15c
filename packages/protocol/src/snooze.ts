import { z } from 'zod';
import { durationField, optional } from './fields.js';
import { DateInput } from './schemas.js';
import { Tag } from './services.js';

/** Until when a snooze lasts: a date (`until`), or seconds from now (`for`); exactly one. */
const SnoozeSpan = {
  until: optional(DateInput('until')),
  for: optional(durationField('for')),
};

function checkSpan(span: { until?: number | undefined; for?: number | undefined }, ctx: z.RefinementCtx): void {
  if ((span.until === undefined) === (span.for === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'give one of until (a date, Unix seconds or ISO-8601) or for (seconds, or a duration such as 2h)',
    });
  }
}

/** Body of `POST /heartbeat/:service/snooze`: no alert for the service until then. */
export const SnoozeRequest = z.strictObject(SnoozeSpan).superRefine(checkSpan);
export type SnoozeRequest = z.output<typeof SnoozeRequest>;
export type SnoozeRequestInput = { until?: number | string | undefined; for?: number | string | undefined };

/** Body of `POST /snooze`: every service of a tag, or every service when no tag is given. */
export const SnoozeManyRequest = z.strictObject({ tag: optional(Tag), ...SnoozeSpan }).superRefine(checkSpan);
export type SnoozeManyRequest = z.output<typeof SnoozeManyRequest>;
export type SnoozeManyRequestInput = SnoozeRequestInput & { tag?: string | undefined };

/** Answer of `POST /snooze`: the services snoozed, and until when (Unix seconds). */
export const SnoozeManyResponse = z.object({
  result: z.literal(200),
  services: z.array(z.string()),
  snoozedUntil: z.number(),
});
export type SnoozeManyResponse = z.output<typeof SnoozeManyResponse>;
