import type { Heartbeat, ServicePatchInput, ServiceSettingsInput } from '@watchtower/protocol';
import { parseDuration, readDurationText } from '@watchtower/protocol/vocabulary';

/** How the form sets a service's deadline. */
export type ScheduleChoice = 'period' | 'cron' | 'nextIn';

/** The form's fields as typed: durations as text (`30m`), tags comma-separated. */
export interface ServiceDraft {
  name: string;
  kind: ScheduleChoice;
  period: string;
  cron: string;
  tz: string;
  nextIn: string;
  grace: string;
  maxRuntime: string;
  /** Empty: no "running late" notice. */
  warnBefore: string;
  /** Empty: no reminder while dead. */
  remindEvery: string;
  /** Service names, comma-separated. */
  dependsOn: string;
  description: string;
  tags: string;
  /** Empty: the server's default channel (when creating). */
  alertType: string;
  alertTarget: string;
}

export type DraftField = keyof ServiceDraft;
export type DraftErrors = Partial<Record<DraftField, string>>;

type Schedule = { kind: 'period'; period: number } | { kind: 'cron'; cron: string; tz: string } | { kind: 'nextIn'; nextIn: number };

/** What a valid draft configures, in the API's units. */
export interface ServiceValues {
  schedule: Schedule;
  grace: number;
  maxRuntime: number | null;
  warnBefore: number | null;
  remindEvery: number | null;
  dependsOn: string[];
  description: string | null;
  tags: string[];
  alert: { type: string; target: string } | null;
}

const SERVICE_MAX_LENGTH = 200;
const CONTROL = /\p{Cc}/u;

/** What each channel's target is, for the placeholder and the error that asks for one. */
export const TARGET_WORDS: Readonly<Record<string, string>> = {
  pushover: 'a Pushover user key',
  email: 'an e-mail address',
  mail: 'an e-mail address',
  webhook: 'a URL that receives a POST',
  slack: 'a Slack incoming-webhook URL',
  log: 'a label written with each alert',
};

const targetWords = (type: string) => TARGET_WORDS[type] ?? 'the address alerts go to';

/**
 * Seconds as the shortest exact duration text the form reads back: 5400 → "1h30m",
 * 90.5 → "1m30.5s", 0 → "0". Unlike formatDuration, it drops nothing.
 */
export function durationText(seconds: number): string {
  if (!(seconds > 0) || !Number.isFinite(seconds)) return '0';
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  // 5400.1 - 5400 is 0.09999999999990905: seconds are kept to the microsecond.
  rest = Math.round(rest * 1e6) / 1e6;
  if (rest > 0) parts.push(`${rest}s`);
  return parts.join('');
}

/** Tags or service names as typed, "db, nightly,,prod " → ["db", "nightly", "prod"]; each once. */
export function splitTags(text: string): string[] {
  return [...new Set(text.split(',').map((tag) => tag.trim()))].filter((tag) => tag !== '');
}

/** An empty form; a cron schedule's zone starts as this browser's. */
export function emptyDraft(tz = 'UTC'): ServiceDraft {
  return {
    name: '',
    kind: 'period',
    period: '1d',
    cron: '',
    tz,
    nextIn: '',
    grace: '1h',
    maxRuntime: '',
    warnBefore: '',
    remindEvery: '',
    dependsOn: '',
    description: '',
    tags: '',
    alertType: '',
    alertTarget: '',
  };
}

/** The form filled with a service's configuration, to edit it. */
export function draftFromHeartbeat(hb: Heartbeat, tz = 'UTC'): ServiceDraft {
  const schedule = hb.schedule ?? { kind: 'nextIn', nextIn: hb.nextIn };
  return {
    name: hb.service,
    kind: schedule.kind,
    period: schedule.kind === 'period' ? durationText(schedule.period) : '',
    cron: schedule.kind === 'cron' ? schedule.cron : '',
    tz: schedule.kind === 'cron' ? schedule.tz : tz,
    nextIn: schedule.kind === 'nextIn' ? durationText(schedule.nextIn) : '',
    grace: durationText(hb.grace ?? 0),
    maxRuntime: hb.maxRuntime ? durationText(hb.maxRuntime) : '',
    warnBefore: hb.warnBefore ? durationText(hb.warnBefore) : '',
    remindEvery: hb.remindEvery ? durationText(hb.remindEvery) : '',
    dependsOn: (hb.dependsOn ?? []).join(', '),
    description: hb.description ?? '',
    tags: (hb.tags ?? []).join(', '),
    alertType: hb.alertType,
    alertTarget: hb.alertTarget,
  };
}

/** Why a service name cannot be used, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'Name is required: the name the service sends in its pulses.';
  if ([...name].length > SERVICE_MAX_LENGTH) return `Name must be at most ${SERVICE_MAX_LENGTH} characters; it has ${[...name].length}.`;
  if (CONTROL.test(name)) return 'Name must not contain control characters (line breaks, tabs).';
  return undefined;
}

/** Reads a positive duration field with the shared grammar; records the error under `field`. */
function readPositive(text: string, label: string, field: DraftField, errors: DraftErrors): number | undefined {
  if (text.trim() === '') {
    errors[field] = `${label} is required: a duration such as 90s, 15m, 1h30m or 1d.`;
    return undefined;
  }
  try {
    return parseDuration(text.trim(), label);
  } catch (error) {
    errors[field] = `${(error as RangeError).message}.`;
    return undefined;
  }
}

function readSchedule(draft: ServiceDraft, errors: DraftErrors): Schedule | undefined {
  if (draft.kind === 'cron') {
    const cron = draft.cron.trim();
    if (cron === '') errors.cron = 'Cron is required: 5 fields (minute hour day-of-month month day-of-week) such as 0 3 * * *.';
    return cron === '' ? undefined : { kind: 'cron', cron, tz: draft.tz.trim() || 'UTC' };
  }
  const seconds = readPositive(draft[draft.kind], draft.kind === 'period' ? 'Period' : 'nextIn', draft.kind, errors);
  if (seconds === undefined) return undefined;
  return draft.kind === 'period' ? { kind: 'period', period: seconds } : { kind: 'nextIn', nextIn: seconds };
}

function readAlert(draft: ServiceDraft, errors: DraftErrors): ServiceValues['alert'] {
  const type = draft.alertType;
  const target = draft.alertTarget.trim();
  if (type === '') return null;
  if (target === '') errors.alertTarget = `Target is required with ${type} alerts: ${targetWords(type)}.`;
  return { type, target };
}

/** The values of a draft, or what is wrong with each field (the server checks the rest). */
export function readDraft(draft: ServiceDraft): { values: ServiceValues } | { errors: DraftErrors } {
  const errors: DraftErrors = {};
  const schedule = readSchedule(draft, errors);
  const graceText = draft.grace.trim();
  const grace = graceText === '' ? 0 : readDurationText(graceText);
  if (grace === undefined) {
    errors.grace = `Grace must be 0 or a duration such as 90s, 15m, 1h30m or 1d; received ${JSON.stringify(graceText)}.`;
  }
  const maxRuntime = readOptional(draft, 'maxRuntime', 'Max runtime', errors);
  const warnBefore = readOptional(draft, 'warnBefore', 'Warn before', errors);
  const remindEvery = readOptional(draft, 'remindEvery', 'Remind every', errors);
  const alert = readAlert(draft, errors);
  if (Object.keys(errors).length > 0 || !schedule || grace === undefined) return { errors };
  const description = draft.description.trim();
  return {
    values: {
      schedule,
      grace,
      maxRuntime: maxRuntime ?? null,
      warnBefore: warnBefore ?? null,
      remindEvery: remindEvery ?? null,
      dependsOn: splitTags(draft.dependsOn),
      description: description || null,
      tags: splitTags(draft.tags),
      alert,
    },
  };
}

/** A duration that may be left empty (null); an error is recorded under `field`. */
function readOptional(
  draft: ServiceDraft,
  field: 'maxRuntime' | 'warnBefore' | 'remindEvery',
  label: string,
  errors: DraftErrors,
): number | null | undefined {
  return draft[field].trim() === '' ? null : readPositive(draft[field], label, field, errors);
}

function scheduleFields(schedule: Schedule): Pick<ServiceSettingsInput, 'period' | 'cron' | 'tz' | 'nextIn'> {
  if (schedule.kind === 'cron') return { cron: schedule.cron, tz: schedule.tz };
  return schedule.kind === 'period' ? { period: schedule.period } : { nextIn: schedule.nextIn };
}

/** The body of `PUT /heartbeat/:service`: what is left empty takes the server's default. */
export function settingsBody(values: ServiceValues): ServiceSettingsInput {
  return {
    ...scheduleFields(values.schedule),
    grace: values.grace,
    ...(values.maxRuntime !== null && { maxRuntime: values.maxRuntime }),
    ...(values.warnBefore !== null && { warnBefore: values.warnBefore }),
    ...(values.remindEvery !== null && { remindEvery: values.remindEvery }),
    ...(values.dependsOn.length > 0 && { dependsOn: values.dependsOn }),
    ...(values.description !== null && { description: values.description }),
    ...(values.tags.length > 0 && { tags: values.tags }),
    ...(values.alert && { alertType: values.alert.type as ServiceSettingsInput['alertType'], alertTarget: values.alert.target }),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The body of `PATCH /heartbeat/:service`: only what changed (null clears); undefined when nothing did. */
export function changeBody(before: ServiceValues, after: ServiceValues): ServicePatchInput | undefined {
  const change: ServicePatchInput = {};
  if (!same(before.schedule, after.schedule)) Object.assign(change, scheduleFields(after.schedule));
  if (before.grace !== after.grace) change.grace = after.grace;
  if (before.maxRuntime !== after.maxRuntime) change.maxRuntime = after.maxRuntime;
  if (before.warnBefore !== after.warnBefore) change.warnBefore = after.warnBefore;
  if (before.remindEvery !== after.remindEvery) change.remindEvery = after.remindEvery;
  if (!same(before.dependsOn, after.dependsOn)) change.dependsOn = after.dependsOn.length > 0 ? after.dependsOn : null;
  if (before.description !== after.description) change.description = after.description;
  if (!same(before.tags, after.tags)) change.tags = after.tags.length > 0 ? after.tags : null;
  if (after.alert && !same(before.alert, after.alert)) {
    change.alertType = after.alert.type as ServicePatchInput['alertType'];
    change.alertTarget = after.alert.target;
  }
  return Object.keys(change).length > 0 ? change : undefined;
}

/** The fields in the order the form shows them: the first one in error takes the focus. */
export const FIELD_ORDER: readonly DraftField[] = [
  'name',
  'period',
  'cron',
  'tz',
  'nextIn',
  'grace',
  'maxRuntime',
  'warnBefore',
  'remindEvery',
  'dependsOn',
  'alertType',
  'alertTarget',
];

export type CheckedDraft = { values: ServiceValues; name: string } | { errors: DraftErrors; fields: DraftField[]; summary: string };

/** A draft checked as the form sends it (its name too, when creating), its errors in the order shown. */
export function checkDraft(draft: ServiceDraft, mode: 'create' | 'edit'): CheckedDraft {
  const read = readDraft(draft);
  const name = draft.name.trim();
  const errors: DraftErrors = 'errors' in read ? { ...read.errors } : {};
  const problem = mode === 'create' ? nameProblem(name) : undefined;
  if (problem) errors.name = problem;
  const fields = FIELD_ORDER.filter((field) => errors[field]);
  if ('values' in read && fields.length === 0) return { values: read.values, name };
  const count = fields.length === 1 ? 'one field' : `${fields.length} fields`;
  return { errors, fields, summary: `Check ${count}: ${fields.map((field) => errors[field]).join(' ')}` };
}

/**
 * The field a server's refusal is about, when its hint starts with the field's name
 * ("dependsOn names "x", which is no service here…"): the form shows it beside that field.
 */
export function fieldOfHint(hint: string): DraftField | undefined {
  const named = /^([A-Za-z]+)\b/.exec(hint)?.[1];
  return FIELD_ORDER.find((field) => field === named && field !== 'name');
}

/** This browser's time zone: where a person means their cron's hours, most of the time. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
