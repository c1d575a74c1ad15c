import { z } from 'zod';
import { LIMITS } from './constants.js';
import { boundedText, clearable, durationField, expectationMessage, listOf, optional, serviceName, shortName } from './fields.js';
import { AlertTarget, AlertTypeName, type Schedule } from './schemas.js';
import { ALERT_TYPES, type AlertType, SCHEDULE_KINDS } from './vocabulary.js';

/** A channel's name, as `PUT /channels/:name` defines it: 1 to 50 letters, digits and `-` `_` `.` `:`. */
export const ChannelName = shortName('channel');

/** A tag of a service: 1 to 50 letters, digits and `-` `_` `.` `:`, compared exactly. */
export const Tag = shortName('tag');

const CRON_EXAMPLE = '"0 3 * * *"';

/** A cron expression of 5 fields (minute hour day-of-month month day-of-week); the server checks each field. */
export const CronExpression = z.unknown().transform((value, ctx) => {
  const fields = typeof value === 'string' ? value.trim().split(/\s+/) : [];
  const fits = typeof value === 'string' && [...value].length <= LIMITS.cronMaxLength && !/\p{Cc}/u.test(value.trim());
  if (fits && fields.length === 5) return fields.join(' ');
  const expectation = `5 fields separated by spaces (minute hour day-of-month month day-of-week) such as ${CRON_EXAMPLE}, at most ${LIMITS.cronMaxLength} characters`;
  const counted = typeof value === 'string' && fields[0] !== '' ? ` (${fields.length} fields)` : '';
  ctx.addIssue({ code: 'custom', message: `${expectationMessage('cron', expectation, value)}${value === undefined ? '' : counted}` });
  return z.NEVER;
});
CronExpression.register(z.globalRegistry, {
  type: 'string',
  maxLength: LIMITS.cronMaxLength,
  description: 'a cron expression of 5 fields: minute hour day-of-month month day-of-week',
  examples: ['0 3 * * *'],
});

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** An IANA time zone name such as `Europe/Paris` or `UTC`; the server checks that it exists. */
export const TimeZone = z.unknown().transform((value, ctx) => {
  if (typeof value === 'string' && value.length <= LIMITS.tzMaxLength && ZONE_NAME.test(value)) return value;
  const expectation = `an IANA time zone name such as Europe/Paris or UTC (at most ${LIMITS.tzMaxLength} characters)`;
  ctx.addIssue({ code: 'custom', message: expectationMessage('tz', expectation, value) });
  return z.NEVER;
});
TimeZone.register(z.globalRegistry, {
  type: 'string',
  maxLength: LIMITS.tzMaxLength,
  description: 'the IANA time zone of the cron schedule; UTC when absent',
  examples: ['Europe/Paris'],
});

const Description = boundedText('description', LIMITS.descriptionMaxLength, { multiline: true });
const Tags = listOf('tags', shortName, LIMITS.tagsMax);
const Channels = listOf('channels', shortName, LIMITS.channelsMax);
const DependsOn = listOf('dependsOn', serviceName, LIMITS.dependsOnMax);

const SCHEDULE_WORDS = 'nextIn (seconds between pulses), period (seconds) or cron (a 5-field expression, with tz)';
const SETTINGS_FIELDS = [
  'alertType',
  'alertTarget',
  'channels',
  ...SCHEDULE_KINDS,
  'tz',
  'grace',
  'maxRuntime',
  'description',
  'tags',
  'remindEvery',
  'warnBefore',
  'dependsOn',
] as const;

type RawSettings = {
  alertType?: AlertType | undefined;
  alertTarget?: string | undefined;
  nextIn?: number | undefined;
  period?: number | undefined;
  cron?: string | undefined;
  tz?: string | undefined;
};

/** The rules across fields: alertType with alertTarget, one schedule, tz with cron only. */
function checkSettings(settings: RawSettings, ctx: z.RefinementCtx, scheduleRequired: boolean): void {
  const fail = (message: string, field?: string) => ctx.addIssue({ code: 'custom', message, path: field ? [field] : [] });
  if (settings.alertType !== undefined && settings.alertTarget === undefined) {
    fail('alertTarget is required with alertType: the address alerts go to (user key, e-mail address or URL)', 'alertTarget');
  }
  if (settings.alertTarget !== undefined && settings.alertType === undefined) {
    fail(`alertType is required with alertTarget: one of ${ALERT_TYPES.join(', ')}`, 'alertType');
  }
  const given = SCHEDULE_KINDS.filter((kind) => settings[kind] !== undefined);
  if (given.length > 1) fail(`give one schedule, not ${given.join(' and ')}: one of ${SCHEDULE_WORDS}`);
  if (given.length === 0 && scheduleRequired) fail(`a schedule is required: one of ${SCHEDULE_WORDS}`);
  if (settings.tz !== undefined && settings.cron === undefined) {
    fail('tz goes with cron: it is the time zone of a cron schedule, and no cron was given', 'tz');
  }
}

/** The schedule the fields name, if any (checkSettings made sure there is one at most). */
function readSchedule(settings: RawSettings): Schedule | undefined {
  if (settings.nextIn !== undefined) return { kind: 'nextIn', nextIn: settings.nextIn };
  if (settings.period !== undefined) return { kind: 'period', period: settings.period };
  if (settings.cron !== undefined) return { kind: 'cron', cron: settings.cron, tz: settings.tz ?? 'UTC' };
  return undefined;
}

/**
 * Body of `PUT /heartbeat/:service`: the whole configuration of a service, replacing any
 * before it. One schedule; alertType with alertTarget, or channels, or both, or neither
 * (the server's default channel). Absent fields take their defaults: grace 0, no
 * maxRuntime, no description, no tags. Unknown fields are refused, so a typo is not lost.
 */
export const ServiceSettings = z
  .strictObject({
    alertType: optional(AlertTypeName),
    alertTarget: optional(AlertTarget),
    channels: optional(Channels),
    nextIn: optional(durationField('nextIn')),
    period: optional(durationField('period')),
    cron: optional(CronExpression),
    tz: optional(TimeZone),
    grace: optional(durationField('grace', { zero: true })),
    maxRuntime: optional(durationField('maxRuntime')),
    description: optional(Description),
    tags: optional(Tags),
    remindEvery: optional(durationField('remindEvery')),
    warnBefore: optional(durationField('warnBefore')),
    dependsOn: optional(DependsOn),
  })
  .superRefine((settings, ctx) => checkSettings(settings, ctx, true))
  .transform((settings) => ({
    ...(settings.alertType !== undefined && { alertType: settings.alertType, alertTarget: settings.alertTarget! }),
    channels: settings.channels ?? [],
    schedule: readSchedule(settings)!,
    grace: settings.grace ?? 0,
    maxRuntime: settings.maxRuntime ?? null,
    description: settings.description ?? null,
    tags: settings.tags ?? [],
    remindEvery: settings.remindEvery ?? null,
    warnBefore: settings.warnBefore ?? null,
    dependsOn: settings.dependsOn ?? [],
  }));
export type ServiceSettings = z.output<typeof ServiceSettings>;

/** What a client sends as settings: seconds as numbers, numeric strings or durations such as `15m`. */
export type ServiceSettingsInput = {
  alertType?: AlertType | undefined;
  alertTarget?: string | undefined;
  channels?: string[] | undefined;
  nextIn?: number | string | undefined;
  period?: number | string | undefined;
  cron?: string | undefined;
  tz?: string | undefined;
  grace?: number | string | undefined;
  maxRuntime?: number | string | undefined;
  description?: string | undefined;
  tags?: string[] | undefined;
  remindEvery?: number | string | undefined;
  warnBefore?: number | string | undefined;
  dependsOn?: string[] | undefined;
};

/**
 * Body of `PATCH /heartbeat/:service`: some settings, at least one. A schedule replaces the
 * one before (a cron without tz is in UTC). `null` (or "" from a form) clears maxRuntime,
 * description, remindEvery and warnBefore, and empties tags, channels and dependsOn.
 */
export const ServicePatch = z
  .strictObject({
    alertType: optional(AlertTypeName),
    alertTarget: optional(AlertTarget),
    channels: clearable(Channels),
    nextIn: optional(durationField('nextIn')),
    period: optional(durationField('period')),
    cron: optional(CronExpression),
    tz: optional(TimeZone),
    grace: optional(durationField('grace', { zero: true })),
    maxRuntime: clearable(durationField('maxRuntime')),
    description: clearable(Description),
    tags: clearable(Tags),
    remindEvery: clearable(durationField('remindEvery')),
    warnBefore: clearable(durationField('warnBefore')),
    dependsOn: clearable(DependsOn),
  })
  .superRefine((patch, ctx) => {
    if (SETTINGS_FIELDS.every((field) => patch[field] === undefined)) {
      ctx.addIssue({ code: 'custom', message: `the change is empty: send at least one of ${SETTINGS_FIELDS.join(', ')}` });
    }
    checkSettings(patch, ctx, false);
  })
  .transform(({ nextIn, period, cron, tz, channels, tags, dependsOn, ...rest }) => {
    const schedule = readSchedule({ nextIn, period, cron, tz });
    const defined = Object.entries({
      ...rest,
      schedule,
      channels: channels === null ? [] : channels,
      tags: tags === null ? [] : tags,
      dependsOn: dependsOn === null ? [] : dependsOn,
    }).filter(([, value]) => value !== undefined);
    return Object.fromEntries(defined) as ServicePatchChange;
  });

/** The change a PATCH makes: only the fields it names; null clears. */
export type ServicePatchChange = {
  alertType?: AlertType;
  alertTarget?: string;
  channels?: string[];
  schedule?: Schedule;
  grace?: number;
  maxRuntime?: number | null;
  description?: string | null;
  tags?: string[];
  remindEvery?: number | null;
  warnBefore?: number | null;
  dependsOn?: string[];
};
export type ServicePatch = z.output<typeof ServicePatch>;

/** What a client sends as a change; null clears where ServicePatch says so. */
export type ServicePatchInput = {
  [Field in keyof ServiceSettingsInput]?: ServiceSettingsInput[Field] | (Field extends Clearable ? null : never);
};
type Clearable = 'channels' | 'maxRuntime' | 'description' | 'tags' | 'remindEvery' | 'warnBefore' | 'dependsOn';
