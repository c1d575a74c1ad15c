import type { Heartbeat } from '@watchtower/protocol';
import { parseDuration } from '@watchtower/protocol/vocabulary';
import { describe, expect, it } from 'vitest';
import {
  changeBody,
  checkDraft,
  draftFromHeartbeat,
  durationText,
  emptyDraft,
  fieldOfHint,
  nameProblem,
  readDraft,
  settingsBody,
  splitTags,
  type ServiceDraft,
  type ServiceValues,
} from './service-form.js';

const draft = (fields: Partial<ServiceDraft>): ServiceDraft => ({ ...emptyDraft('Europe/Paris'), name: 'backup', ...fields });

function valuesOf(fields: Partial<ServiceDraft>): ServiceValues {
  const read = readDraft(draft(fields));
  if (!('values' in read)) throw new Error(`the draft was refused: ${JSON.stringify(read.errors)}`);
  return read.values;
}

const errorsOf = (fields: Partial<ServiceDraft>) => {
  const read = readDraft(draft(fields));
  return 'errors' in read ? read.errors : {};
};

const HB: Heartbeat = {
  service: 'backup',
  alertType: 'log',
  alertTarget: 'ops',
  nextIn: 86_400,
  last: 1_800_000_000,
  expected: 1_800_090_000,
  alerted: false,
  cancelled: false,
  status: 'alive',
  schedule: { kind: 'period', period: 86_400 },
  grace: 5_400,
  maxRuntime: null,
  description: 'nightly dump',
  tags: ['db', 'prod'],
  channels: [],
};

describe('durationText', () => {
  it('writes seconds as the shortest exact duration the form reads back', () => {
    expect(durationText(5_400)).toBe('1h30m');
    expect(durationText(90.5)).toBe('1m30.5s');
    expect(durationText(86_400)).toBe('1d');
    expect(durationText(90_061)).toBe('1d1h1m1s');
    expect(durationText(0)).toBe('0');
  });

  it('round-trips through the shared duration grammar', () => {
    for (const seconds of [1, 59, 61, 3_599, 3_601, 86_399, 604_800, 31_536_000, 0.25, 5_400.1]) {
      expect(parseDuration(durationText(seconds))).toBe(seconds);
    }
  });
});

describe('splitTags', () => {
  it('reads comma-separated tags, trimmed, each once, without empty ones', () => {
    expect(splitTags(' db, nightly,,prod ,db')).toEqual(['db', 'nightly', 'prod']);
    expect(splitTags('  ')).toEqual([]);
  });
});

describe('nameProblem', () => {
  it('asks for a name of 1 to 200 characters without control characters', () => {
    expect(nameProblem('backup')).toBeUndefined();
    expect(nameProblem('')).toMatch(/Name is required/);
    expect(nameProblem('x'.repeat(201))).toBe('Name must be at most 200 characters; it has 201.');
    expect(nameProblem('a\nb')).toMatch(/control characters/);
  });
});

describe('readDraft and settingsBody', () => {
  it('reads durations typed as text into seconds for the PUT body', () => {
    const values = valuesOf({ period: '30m', grace: '1h30m', maxRuntime: '45 min', tags: 'db, prod', description: ' dump ' });
    expect(settingsBody(values)).toEqual({ period: 1_800, grace: 5_400, maxRuntime: 2_700, tags: ['db', 'prod'], description: 'dump' });
  });

  it('sends a cron with its zone, in UTC when the zone is left empty', () => {
    expect(settingsBody(valuesOf({ kind: 'cron', cron: ' 15 3 * * 1-5 ' }))).toMatchObject({ cron: '15 3 * * 1-5', tz: 'Europe/Paris' });
    expect(settingsBody(valuesOf({ kind: 'cron', cron: '0 3 * * *', tz: '' }))).toMatchObject({ cron: '0 3 * * *', tz: 'UTC' });
  });

  it('leaves the channel to the server when no alert type is chosen, and sends both when one is', () => {
    expect(settingsBody(valuesOf({}))).not.toHaveProperty('alertType');
    expect(settingsBody(valuesOf({ alertType: 'email', alertTarget: ' ops@example.com ' }))).toMatchObject({
      alertType: 'email',
      alertTarget: 'ops@example.com',
    });
  });

  it('says which field is wrong and what it expects, with the shared grammar', () => {
    expect(errorsOf({ period: 'soon' }).period).toBe(
      'Period must be a positive number of seconds or a duration such as 90, 90s, 15m, 1h30m, 1.5h, 1d or 1w; received "soon".',
    );
    expect(errorsOf({ period: '' }).period).toMatch(/^Period is required/);
    expect(errorsOf({ kind: 'nextIn', nextIn: '0' }).nextIn).toMatch(/^nextIn must be a positive number/);
    expect(errorsOf({ grace: '1x' }).grace).toBe('Grace must be 0 or a duration such as 90s, 15m, 1h30m or 1d; received "1x".');
    expect(errorsOf({ maxRuntime: '-5' }).maxRuntime).toMatch(/^Max runtime must be a positive/);
    expect(errorsOf({ kind: 'cron', cron: ' ' }).cron).toMatch(/^Cron is required/);
    expect(errorsOf({ alertType: 'log', alertTarget: '' }).alertTarget).toBe(
      'Target is required with log alerts: a label written with each alert.',
    );
  });

  it('accepts a grace of zero, and reads an empty grace as zero', () => {
    expect(valuesOf({ grace: '0' }).grace).toBe(0);
    expect(valuesOf({ grace: '' }).grace).toBe(0);
  });

  it('sends warnBefore, remindEvery and dependsOn when they are set, and leaves them out when empty', () => {
    expect(settingsBody(valuesOf({ warnBefore: '10m', remindEvery: '1h', dependsOn: 'db, network,db' }))).toMatchObject({
      warnBefore: 600,
      remindEvery: 3_600,
      dependsOn: ['db', 'network'],
    });
    const body = settingsBody(valuesOf({}));
    expect(body).not.toHaveProperty('warnBefore');
    expect(body).not.toHaveProperty('remindEvery');
    expect(body).not.toHaveProperty('dependsOn');
  });

  it('refuses a warnBefore or remindEvery that is no positive duration', () => {
    expect(errorsOf({ warnBefore: 'soon' }).warnBefore).toMatch(/^Warn before must be a positive number of seconds .*received "soon"\.$/);
    expect(errorsOf({ remindEvery: '0' }).remindEvery).toMatch(/^Remind every must be a positive/);
  });

  it('checks only the field of the schedule chosen', () => {
    expect(errorsOf({ kind: 'cron', cron: '0 3 * * *', period: 'soon' })).toEqual({});
  });
});

describe('draftFromHeartbeat and changeBody', () => {
  it('fills the form with the service as it is, durations as text', () => {
    expect(draftFromHeartbeat(HB, 'Europe/Paris')).toEqual({
      name: 'backup',
      kind: 'period',
      period: '1d',
      cron: '',
      tz: 'Europe/Paris',
      nextIn: '',
      grace: '1h30m',
      maxRuntime: '',
      warnBefore: '',
      remindEvery: '',
      dependsOn: '',
      description: 'nightly dump',
      tags: 'db, prod',
      alertType: 'log',
      alertTarget: 'ops',
    });
  });

  it('reads a classic service without a schedule as one scheduled by nextIn', () => {
    const { schedule: _schedule, ...classic } = HB;
    expect(draftFromHeartbeat({ ...classic, nextIn: 90 })).toMatchObject({ kind: 'nextIn', nextIn: '1m30s' });
  });

  it('sends only what changed, and nothing when nothing did', () => {
    const before = valuesOf(draftFromHeartbeat(HB));
    expect(changeBody(before, valuesOf({ ...draftFromHeartbeat(HB), grace: '90m' }))).toBeUndefined();
    expect(changeBody(before, valuesOf({ ...draftFromHeartbeat(HB), grace: '2h', tags: 'db' }))).toEqual({ grace: 7_200, tags: ['db'] });
    expect(changeBody(before, valuesOf({ ...draftFromHeartbeat(HB), kind: 'cron', cron: '0 3 * * *', tz: 'UTC' }))).toEqual({
      cron: '0 3 * * *',
      tz: 'UTC',
    });
  });

  it('clears what was emptied with null', () => {
    const before = valuesOf({ ...draftFromHeartbeat(HB), maxRuntime: '1h' });
    expect(changeBody(before, valuesOf({ ...draftFromHeartbeat(HB), description: '', tags: '' }))).toEqual({
      maxRuntime: null,
      description: null,
      tags: null,
    });
  });

  it('fills and changes warnBefore, remindEvery and dependsOn, and clears them with null', () => {
    const configured = { ...HB, warnBefore: 900, remindEvery: 7_200, dependsOn: ['db', 'network'] };
    const filled = draftFromHeartbeat(configured);
    expect(filled).toMatchObject({ warnBefore: '15m', remindEvery: '2h', dependsOn: 'db, network' });
    const before = valuesOf(filled);
    expect(changeBody(before, valuesOf({ ...filled, warnBefore: '5m', dependsOn: 'network, db' }))).toEqual({
      warnBefore: 300,
      dependsOn: ['network', 'db'],
    });
    expect(changeBody(before, valuesOf({ ...filled, warnBefore: '', remindEvery: ' ', dependsOn: '' }))).toEqual({
      warnBefore: null,
      remindEvery: null,
      dependsOn: null,
    });
  });

  it('sends the channel with its target when either changed', () => {
    const before = valuesOf(draftFromHeartbeat(HB));
    expect(changeBody(before, valuesOf({ ...draftFromHeartbeat(HB), alertTarget: 'oncall' }))).toEqual({
      alertType: 'log',
      alertTarget: 'oncall',
    });
  });
});

describe('checkDraft', () => {
  it('checks the name only when creating, and trims it', () => {
    expect(checkDraft(draft({ name: '  backup ' }), 'create')).toMatchObject({ name: 'backup' });
    expect(checkDraft(draft({ name: '' }), 'edit')).toHaveProperty('values');
    expect(checkDraft(draft({ name: '' }), 'create')).toMatchObject({ fields: ['name'] });
  });

  it('lists the fields in error in the order shown, with one sentence that says them all', () => {
    const checked = checkDraft(draft({ name: '', grace: 'x', period: 'y' }), 'create');
    expect(checked).toMatchObject({ fields: ['name', 'period', 'grace'] });
    expect('summary' in checked && checked.summary).toMatch(/^Check 3 fields: Name is required.* Period must be .* Grace must be /);
    expect(checkDraft(draft({ grace: 'x' }), 'create')).toMatchObject({ summary: expect.stringMatching(/^Check one field: Grace/) });
  });
});

describe('fieldOfHint', () => {
  it('finds the field a refusal names first', () => {
    expect(fieldOfHint('dependsOn names "ghost", which is no service here: create it first')).toBe('dependsOn');
    expect(fieldOfHint('warnBefore must be greater than 0 seconds; received -1')).toBe('warnBefore');
  });

  it('finds none in other words, nor the name, which a service page cannot change', () => {
    expect(fieldOfHint('the server is busy')).toBeUndefined();
    expect(fieldOfHint('name is taken')).toBeUndefined();
  });
});
