import { describe, expect, it } from 'vitest';
import { describeIssues, ServicePatch, type ServicePatchInput, ServiceSettings } from './index.js';

function hint(result: { success: boolean; error?: Parameters<typeof describeIssues>[0] }): string {
  expect(result.success).toBe(false);
  return describeIssues(result.error!);
}

const DURATION = 'a number of seconds > 0 and ≤ 31536000, or a duration such as 90s, 15m, 1h30m or 1d';
const SCHEDULES = 'nextIn (seconds between pulses), period (seconds) or cron (a 5-field expression, with tz)';

describe('ServiceSettings', () => {
  it('fills every field left out with its default', () => {
    expect(ServiceSettings.parse({ period: 3_600 })).toEqual({
      channels: [],
      schedule: { kind: 'period', period: 3_600 },
      grace: 0,
      maxRuntime: null,
      description: null,
      tags: [],
      remindEvery: null,
      warnBefore: null,
      dependsOn: [],
    });
  });

  it('reads a full configuration', () => {
    const settings = ServiceSettings.parse({
      alertType: 'webhook',
      alertTarget: 'https://hooks.example/x',
      channels: ['ops-ntfy', 'pager'],
      cron: '0 3 * * *',
      tz: 'Europe/Paris',
      grace: 300,
      maxRuntime: 1_800,
      description: 'Nightly backup\nof the main database',
      tags: ['prod', 'db:main', 'team_ops', 'v1.2'],
      remindEvery: 3_600,
      warnBefore: 600,
      dependsOn: ['database', 'réseau 🙂'],
    });
    expect(settings).toEqual({
      alertType: 'webhook',
      alertTarget: 'https://hooks.example/x',
      channels: ['ops-ntfy', 'pager'],
      schedule: { kind: 'cron', cron: '0 3 * * *', tz: 'Europe/Paris' },
      grace: 300,
      maxRuntime: 1_800,
      description: 'Nightly backup\nof the main database',
      tags: ['prod', 'db:main', 'team_ops', 'v1.2'],
      remindEvery: 3_600,
      warnBefore: 600,
      dependsOn: ['database', 'réseau 🙂'],
    });
  });

  it('takes seconds as numeric strings and as durations, as a form sends them', () => {
    const settings = ServiceSettings.parse({ nextIn: '90', grace: '1h30m', maxRuntime: ' 2.5 ', remindEvery: '1d', warnBefore: '15m' });
    expect(settings).toMatchObject({ schedule: { kind: 'nextIn', nextIn: 90 }, grace: 5_400, maxRuntime: 2.5, remindEvery: 86_400 });
    expect(settings.warnBefore).toBe(900);
  });

  it('takes a grace of zero, as a number or a duration', () => {
    expect(ServiceSettings.parse({ period: 60, grace: '0' }).grace).toBe(0);
    expect(ServiceSettings.parse({ period: 60, grace: '0s' }).grace).toBe(0);
  });

  it('puts a cron schedule in UTC unless told, and keeps its fields with single spaces', () => {
    expect(ServiceSettings.parse({ cron: '  */5   *  * * 1-5 ' }).schedule).toEqual({ kind: 'cron', cron: '*/5 * * * 1-5', tz: 'UTC' });
  });

  it('takes one tag, channel or parent given as a single string, as a form sends it', () => {
    const settings = ServiceSettings.parse({ period: '60', tags: 'prod', channels: 'pager', dependsOn: 'db, primary' });
    expect([settings.tags, settings.channels, settings.dependsOn]).toEqual([['prod'], ['pager'], ['db, primary']]);
  });

  it('treats empty form fields as absent', () => {
    expect(ServiceSettings.parse({ period: '60', maxRuntime: '', description: '', tz: '', cron: '' })).toMatchObject({
      schedule: { kind: 'period', period: 60 },
      maxRuntime: null,
      description: null,
    });
    expect(hint(ServiceSettings.safeParse({ cron: '' }))).toBe(`a schedule is required: one of ${SCHEDULES}`);
  });

  it('needs a schedule', () => {
    expect(hint(ServiceSettings.safeParse({ grace: 60 }))).toBe(`a schedule is required: one of ${SCHEDULES}`);
  });

  it('refuses two schedules, naming both', () => {
    expect(hint(ServiceSettings.safeParse({ nextIn: 60, cron: '0 3 * * *' }))).toBe(
      `give one schedule, not nextIn and cron: one of ${SCHEDULES}`,
    );
    expect(hint(ServiceSettings.safeParse({ nextIn: 60, period: 60, cron: '0 3 * * *' }))).toMatch(
      /^give one schedule, not nextIn and period and cron/,
    );
  });

  it('refuses a time zone without a cron schedule', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, tz: 'UTC' }))).toBe(
      'tz goes with cron: it is the time zone of a cron schedule, and no cron was given',
    );
  });

  it('needs alertType and alertTarget together', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, alertType: 'log' }))).toBe(
      'alertTarget is required with alertType: the address alerts go to (user key, e-mail address or URL)',
    );
    expect(hint(ServiceSettings.safeParse({ period: 60, alertTarget: 'ops' }))).toBe(
      'alertType is required with alertTarget: one of pushover, email, mail, webhook, slack, log',
    );
  });

  it('takes channels with or without alertType and alertTarget', () => {
    expect(ServiceSettings.parse({ period: 60, channels: ['pager'] }).alertType).toBeUndefined();
    expect(ServiceSettings.parse({ period: 60, channels: ['pager'], alertType: 'log', alertTarget: 'ops' }).channels).toEqual(['pager']);
  });

  it.each([
    [{ nextIn: 'soon' }, `nextIn must be ${DURATION}; received the string "soon"`],
    [{ period: '1y' }, `period must be ${DURATION}; received the string "1y"`],
    [{ period: '30m1h' }, `period must be ${DURATION}; received the string "30m1h"`],
    [{ period: 0 }, 'period must be greater than 0 seconds; received 0'],
    [{ period: '0s' }, 'period must be greater than 0 seconds; received the string "0s"'],
    [{ period: 31_536_001 }, 'period must be at most 31536000 seconds (a year); received 31536001'],
    [{ period: true }, `period must be ${DURATION}; received a boolean`],
    [{ period: 60, grace: -1 }, 'grace must be at least 0 seconds; received -1'],
    [{ period: 60, maxRuntime: '0' }, 'maxRuntime must be greater than 0 seconds; received the string "0"'],
    [{ period: 60, remindEvery: -60 }, 'remindEvery must be greater than 0 seconds; received -60'],
    [{ period: 60, warnBefore: 'later' }, `warnBefore must be ${DURATION}; received the string "later"`],
  ])('refuses the duration in %j', (input, message) => {
    expect(hint(ServiceSettings.safeParse(input))).toBe(message);
  });

  it.each([
    ['* * *', ' (3 fields)'],
    ['0 3 * * * *', ' (6 fields)'],
    ['   ', ''],
    [42, ''],
  ])('refuses the cron expression %j, saying what a cron expression is', (cron, counted) => {
    const shown = typeof cron === 'string' ? `the string ${JSON.stringify(cron)}` : String(cron);
    expect(hint(ServiceSettings.safeParse({ cron }))).toBe(
      `cron must be 5 fields separated by spaces (minute hour day-of-month month day-of-week) such as "0 3 * * *", at most 100 characters; received ${shown}${counted}`,
    );
  });

  it.each(['Europe Paris', ' ', 'x'.repeat(65), '+01:00', 'Europe/Paris\n'])('refuses the time zone %j', (tz) => {
    expect(hint(ServiceSettings.safeParse({ cron: '0 3 * * *', tz }))).toMatch(
      /^tz must be an IANA time zone name such as Europe\/Paris or UTC \(at most 64 characters\); received /,
    );
  });

  it('takes a time zone of 64 characters and refuses 65', () => {
    const tz = `America/${'X'.repeat(56)}`;
    expect(ServiceSettings.parse({ cron: '0 3 * * *', tz }).schedule).toMatchObject({ tz });
    expect(ServiceSettings.safeParse({ cron: '0 3 * * *', tz: `${tz}X` }).success).toBe(false);
  });

  it('takes a description of 1,000 characters, counted as characters, and refuses 1,001', () => {
    expect(ServiceSettings.parse({ period: 60, description: '東'.repeat(1_000) }).description).toHaveLength(1_000);
    expect(hint(ServiceSettings.safeParse({ period: 60, description: 'x'.repeat(1_001) }))).toBe(
      'description must be at most 1000 characters; received 1001',
    );
    expect(hint(ServiceSettings.safeParse({ period: 60, description: 'a\u0000b' }))).toBe(
      'description must not contain NUL characters or broken UTF-16',
    );
  });

  it('takes tags of 1 to 50 letters, digits and - _ . : in any script', () => {
    expect(ServiceSettings.parse({ period: 60, tags: ['équipe', 'a'.repeat(50), 'x-y_z.1:2'] }).tags).toHaveLength(3);
  });

  it.each([
    [['bad tag'], 'tags[0] must be 1 to 50 letters, digits and - _ . :; received the string "bad tag"'],
    [['ok', ''], 'tags[1] must be 1 to 50 letters, digits and - _ . :; received the string ""'],
    [['a'.repeat(51)], `tags[0] must be 1 to 50 letters, digits and - _ . :; received the string "${'a'.repeat(40)}…"`],
    [['ok', 7], 'tags[1] must be 1 to 50 letters, digits and - _ . :; received 7'],
    [['ok', 'ok'], 'tags must not repeat "ok"'],
    [{ a: 1 }, 'tags must be a list of at most 20 items; received an object'],
    [Array.from({ length: 21 }, (_, i) => `t${i}`), 'tags must have at most 20 items; received 21'],
  ])('refuses the tags %j', (tags, message) => {
    expect(hint(ServiceSettings.safeParse({ period: 60, tags }))).toBe(message);
  });

  it('names the channel at fault in a list of channels', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, channels: ['pager', 'a/b'] }))).toBe(
      'channels[1] must be 1 to 50 letters, digits and - _ . :; received the string "a/b"',
    );
  });

  it('checks each parent of dependsOn as a service name', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, dependsOn: ['db', ''] }))).toBe('dependsOn[1] must not be empty');
    expect(hint(ServiceSettings.safeParse({ period: 60, dependsOn: ['a\tb'] }))).toBe(
      'dependsOn[0] must not contain control characters or broken UTF-16',
    );
    expect(hint(ServiceSettings.safeParse({ period: 60, dependsOn: ['x'.repeat(201)] }))).toBe(
      'dependsOn[0] must be at most 200 characters; received 201',
    );
  });

  it('refuses an unknown alertType and a non-string alertTarget', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, alertType: 'fax', alertTarget: 'x' }))).toBe(
      'alertType must be one of pushover, email, mail, webhook, slack, log; received the string "fax"',
    );
    expect(hint(ServiceSettings.safeParse({ period: 60, alertType: 'log', alertTarget: 5 }))).toBe(
      'alertTarget must be a string; received 5',
    );
  });

  it('refuses an unknown field, so a misspelt setting is not lost', () => {
    expect(hint(ServiceSettings.safeParse({ period: 60, gracePeriod: 60 }))).toBe('unknown field gracePeriod');
  });

  it('reports every wrong field at once', () => {
    const result = ServiceSettings.safeParse({ period: -1, grace: -1, tags: ['a b'] });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['period', 'grace', 'tags']);
  });
});

describe('ServicePatch', () => {
  it('returns only the fields it was given', () => {
    expect(ServicePatch.parse({ grace: '5m' })).toEqual({ grace: 300 });
    expect(ServicePatch.parse({ description: 'new words' })).toEqual({ description: 'new words' });
  });

  it('replaces the schedule with the one given, a cron without tz being in UTC', () => {
    expect(ServicePatch.parse({ period: '1d' })).toEqual({ schedule: { kind: 'period', period: 86_400 } });
    expect(ServicePatch.parse({ cron: '0 3 * * *' })).toEqual({ schedule: { kind: 'cron', cron: '0 3 * * *', tz: 'UTC' } });
    expect(ServicePatch.parse({ cron: '0 3 * * *', tz: 'Asia/Tokyo' }).schedule).toEqual({
      kind: 'cron',
      cron: '0 3 * * *',
      tz: 'Asia/Tokyo',
    });
  });

  it('clears with null, and with "" from a form, the fields that can be cleared', () => {
    expect(
      ServicePatch.parse({
        maxRuntime: null,
        description: null,
        remindEvery: null,
        warnBefore: null,
        tags: null,
        channels: null,
        dependsOn: null,
      }),
    ).toEqual({ maxRuntime: null, description: null, remindEvery: null, warnBefore: null, tags: [], channels: [], dependsOn: [] });
    expect(ServicePatch.parse({ maxRuntime: '', description: '', tags: '' })).toEqual({ maxRuntime: null, description: null, tags: [] });
  });

  it('refuses null for a field that cannot be cleared', () => {
    expect(hint(ServicePatch.safeParse({ grace: null }))).toBe(`grace must be ${DURATION.replace('> 0', '≥ 0')}; received null`);
    expect(hint(ServicePatch.safeParse({ nextIn: null }))).toBe(`nextIn must be ${DURATION}; received null`);
  });

  it('refuses an empty change, naming what it may hold', () => {
    const message =
      'the change is empty: send at least one of alertType, alertTarget, channels, nextIn, period, cron, tz, grace, maxRuntime, description, tags, remindEvery, warnBefore, dependsOn';
    expect(hint(ServicePatch.safeParse({}))).toBe(message);
    expect(hint(ServicePatch.safeParse({ grace: '' }))).toBe(message);
  });

  it('keeps the rules across fields: one schedule, tz with cron, alertType with alertTarget', () => {
    expect(hint(ServicePatch.safeParse({ nextIn: 60, period: 60 }))).toBe(`give one schedule, not nextIn and period: one of ${SCHEDULES}`);
    expect(hint(ServicePatch.safeParse({ tz: 'Europe/Paris' }))).toBe(
      'tz goes with cron: it is the time zone of a cron schedule, and no cron was given',
    );
    expect(hint(ServicePatch.safeParse({ alertTarget: 'ops' }))).toBe(
      'alertType is required with alertTarget: one of pushover, email, mail, webhook, slack, log',
    );
  });

  it('refuses an unknown field', () => {
    expect(hint(ServicePatch.safeParse({ grace: 1, colour: 'red' }))).toBe('unknown field colour');
  });
});

describe('ServicePatchInput', () => {
  it('lets null clear only the fields that can be cleared', () => {
    const change = { maxRuntime: null, tags: null, nextIn: '15m' } satisfies ServicePatchInput;
    expect(ServicePatch.parse(change)).toEqual({ maxRuntime: null, tags: [], schedule: { kind: 'nextIn', nextIn: 900 } });
    // @ts-expect-error grace cannot be cleared: it is set to 0 instead
    const wrong: ServicePatchInput = { grace: null };
    expect(ServicePatch.safeParse(wrong).success).toBe(false);
  });
});
