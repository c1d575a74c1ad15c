import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { checkCron, deadlineAfter, describeSchedule, nextRunAfter, type Schedule } from './schedule.js';

const HOUR = 3_600_000;
const QUARTER = 15 * 60_000;
const at = (iso: string) => new Date(iso);
const cron = (expression: string, tz = 'UTC'): Schedule => ({ kind: 'cron', cron: expression, tz });
const next = (expression: string, tz: string, after: string) => nextRunAfter(cron(expression, tz), at(after)).toISOString();

/** The wall clock of an instant in a zone, as "2026-03-29 03:00". */
function wallTime(instant: Date, tz: string): string {
  return instant.toLocaleString('sv-SE', { timeZone: tz }).slice(0, 16);
}

/** The wall clock of an instant in a zone, counted in minutes as if it were UTC. */
function wallMinutes(instant: Date, tz: string): number {
  return Date.parse(`${wallTime(instant, tz).replace(' ', 'T')}:00Z`) / 60_000;
}

function expectRefused(run: () => unknown, ...hints: RegExp[]): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  expect((thrown as DomainError).code).toBe('VALIDATION_FAILED');
  for (const hint of hints) expect((thrown as DomainError).message).toMatch(hint);
}

describe('nextRunAfter', () => {
  it('adds nextIn and period seconds to the last signal', () => {
    const last = at('2026-01-31T23:50:00Z');
    expect(nextRunAfter({ kind: 'nextIn', nextIn: 900 }, last).toISOString()).toBe('2026-02-01T00:05:00.000Z');
    expect(nextRunAfter({ kind: 'period', period: 86_400 }, last).toISOString()).toBe('2026-02-01T23:50:00.000Z');
    expect(nextRunAfter({ kind: 'period', period: 1.5 }, last).toISOString()).toBe('2026-01-31T23:50:01.500Z');
  });

  it('expects a weekday job run on Friday next on Monday', () => {
    // 2026-03-06 is a Friday.
    expect(next('15 3 * * 1-5', 'UTC', '2026-03-06T03:15:00Z')).toBe('2026-03-09T03:15:00.000Z');
    expect(next('15 3 * * MON-FRI', 'Europe/Paris', '2026-03-06T02:15:00Z')).toBe('2026-03-09T02:15:00.000Z');
  });

  it('answers a cron time strictly after the given instant, never the instant itself', () => {
    expect(next('0 0 * * *', 'UTC', '2026-03-01T00:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(next('0 0 * * *', 'UTC', '2026-02-28T23:59:59.999Z')).toBe('2026-03-01T00:00:00.000Z');
    expect(next('* * * * *', 'UTC', '2026-03-01T00:00:00.500Z')).toBe('2026-03-01T00:01:00.000Z');
  });

  it('reads the cron in the schedule zone', () => {
    expect(next('0 9 * * *', 'Europe/Paris', '2026-01-15T12:00:00Z')).toBe('2026-01-16T08:00:00.000Z');
    expect(next('0 9 * * *', 'Europe/Paris', '2026-07-15T12:00:00Z')).toBe('2026-07-16T07:00:00.000Z');
    expect(next('0 9 * * *', 'America/New_York', '2026-01-15T15:00:00Z')).toBe('2026-01-16T14:00:00.000Z');
  });

  it('takes Sunday as 0 or 7', () => {
    // 2026-03-02 is a Monday; the Sunday after is 2026-03-08.
    expect(next('0 12 * * 0', 'UTC', '2026-03-02T00:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
    expect(next('0 12 * * 7', 'UTC', '2026-03-02T00:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
  });

  it('fires on a restricted day of month or a restricted day of week, as Vixie cron does', () => {
    // "the 1st and every Monday": from Sunday 2026-03-01 noon, Monday the 2nd, then the 9th; the 1st of April is a Wednesday.
    const runs = [at('2026-03-01T12:00:00Z')];
    for (let i = 0; i < 6; i++) runs.push(nextRunAfter(cron('0 0 1 * 1'), runs.at(-1)!));
    expect(runs.slice(1).map((run) => run.toISOString().slice(0, 10))).toEqual([
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
      '2026-03-30',
      '2026-04-01',
    ]);
  });

  it('runs a monthly job on the 1st across months of 28, 30 and 31 days', () => {
    expect(next('0 0 1 * *', 'UTC', '2026-01-31T12:00:00Z')).toBe('2026-02-01T00:00:00.000Z');
    expect(next('0 0 1 * *', 'UTC', '2026-02-28T23:59:00Z')).toBe('2026-03-01T00:00:00.000Z');
    expect(next('0 0 1 * *', 'UTC', '2026-04-30T23:59:00Z')).toBe('2026-05-01T00:00:00.000Z');
    expect(next('0 0 1 * *', 'UTC', '2026-12-31T23:59:59Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 1 * *', 'Europe/Paris', '2026-03-31T12:00:00Z')).toBe('2026-03-31T22:00:00.000Z');
  });

  it('finds the next 29 February in a leap year, skipping 2100, which is none', () => {
    expect(next('0 0 29 2 *', 'UTC', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 29 2 *', 'UTC', '2028-02-29T00:00:00Z')).toBe('2032-02-29T00:00:00.000Z');
    expect(next('0 0 29 2 *', 'UTC', '2097-01-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
  });
});

describe('nextRunAfter across daylight-saving changes', () => {
  // Europe/Paris springs forward on 2026-03-29 (02:00 CET → 03:00 CEST) and falls back on
  // 2026-10-25 (03:00 CEST → 02:00 CET). America/New_York: 2026-03-08 and 2026-11-01, at 02:00.

  it('runs a daily 02:30 Paris job at 03:00 on the spring-forward day, when 02:30 does not exist', () => {
    const run = nextRunAfter(cron('30 2 * * *', 'Europe/Paris'), at('2026-03-28T12:00:00Z'));
    expect(wallTime(run, 'Europe/Paris')).toBe('2026-03-29 03:00');
    expect(run.toISOString()).toBe('2026-03-29T01:00:00.000Z');
    const after = nextRunAfter(cron('30 2 * * *', 'Europe/Paris'), run);
    expect(wallTime(after, 'Europe/Paris')).toBe('2026-03-30 02:30');
  });

  it('never loses a daily deadline on the spring-forward day: the next run comes within 25 hours', () => {
    for (const [tz, day] of [
      ['Europe/Paris', '2026-03-29'],
      ['America/New_York', '2026-03-08'],
    ] as const) {
      for (let minute = 0; minute < 48 * 60; minute += 7) {
        const after = new Date(Date.parse(`${day}T00:00:00Z`) - 24 * HOUR + minute * 60_000);
        const run = nextRunAfter(cron('30 2 * * *', tz), after);
        expect(run.getTime() - after.getTime()).toBeGreaterThan(0);
        expect(run.getTime() - after.getTime()).toBeLessThanOrEqual(25 * HOUR);
      }
    }
  });

  it('runs a daily 02:30 Paris job once on the fall-back day, at the first 02:30', () => {
    const schedule = cron('30 2 * * *', 'Europe/Paris');
    const first = nextRunAfter(schedule, at('2026-10-24T12:00:00Z'));
    expect(first.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const second = nextRunAfter(schedule, first);
    expect(second.toISOString()).toBe('2026-10-26T01:30:00.000Z');
    expect(wallTime(second, 'Europe/Paris')).toBe('2026-10-26 02:30');
    // Asked from inside the repeated hour, it waits for the next day too.
    expect(nextRunAfter(schedule, at('2026-10-25T01:15:00Z')).toISOString()).toBe('2026-10-26T01:30:00.000Z');
  });

  it('runs a stepped job at every wall time that exists: none in the gap, twice in the repeated hour', () => {
    const runs = (expression: string, from: string, count: number) => {
      const list = [at(from)];
      for (let i = 0; i < count; i++) list.push(nextRunAfter(cron(expression, 'Europe/Paris'), list.at(-1)!));
      return list.slice(1).map((run) => run.toISOString());
    };
    expect(runs('*/30 2 * * *', '2026-10-24T12:00:00Z', 4)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
    expect(runs('*/30 2 * * *', '2026-03-28T12:00:00Z', 1)).toEqual(['2026-03-30T00:00:00.000Z']);
  });

  it('follows the New York changes the same way', () => {
    expect(next('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z')).toBe('2026-03-08T07:00:00.000Z');
    const first = nextRunAfter(cron('30 1 * * *', 'America/New_York'), at('2026-10-31T12:00:00Z'));
    expect(first.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(nextRunAfter(cron('30 1 * * *', 'America/New_York'), first).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });
});

describe('deadlineAfter', () => {
  it('is the next expected run plus the grace', () => {
    const last = at('2026-03-06T03:15:00Z');
    expect(deadlineAfter(cron('15 3 * * 1-5'), 600, last).toISOString()).toBe('2026-03-09T03:25:00.000Z');
    expect(deadlineAfter({ kind: 'period', period: 3_600 }, 0, last).toISOString()).toBe('2026-03-06T04:15:00.000Z');
    expect(deadlineAfter({ kind: 'nextIn', nextIn: 60 }, 30, last).toISOString()).toBe('2026-03-06T03:16:30.000Z');
  });

  it('refuses a negative grace and a schedule of no time', () => {
    const last = at('2026-03-06T03:15:00Z');
    expectRefused(
      () => deadlineAfter({ kind: 'period', period: 60 }, -1, last),
      /grace must be a number of seconds, 0 or more; received -1/,
    );
    expectRefused(() => deadlineAfter({ kind: 'period', period: 0 }, 0, last), /period must be a positive number of seconds; received 0/);
    expectRefused(
      () => nextRunAfter({ kind: 'nextIn', nextIn: Number.NaN }, last),
      /nextIn must be a positive number of seconds; received NaN/,
    );
  });
});

describe('checkCron', () => {
  it('accepts 5-field expressions with names, lists, ranges and steps', () => {
    for (const expression of ['* * * * *', '15 3 * * 1-5', '*/15 8-18 * * mon-fri', '0 0 1,15 JAN-JUN *', '  0   0 *  * 7 ']) {
      expect(() => checkCron(expression, 'UTC')).not.toThrow();
    }
    expect(() => checkCron('0 9 * * *', 'Asia/Kolkata')).not.toThrow();
  });

  it('refuses an expression of other than 5 fields, saying seconds and years are not accepted', () => {
    expectRefused(
      () => checkCron('0 0 0 * * *', 'UTC'),
      /exactly 5 fields/,
      /seconds and years fields are not accepted/,
      /received 6 fields: "0 0 0 \* \* \*"/,
    );
    expectRefused(() => checkCron('0 0 12 * * ? 2027', 'UTC'), /received 7 fields/);
    expectRefused(() => checkCron('* * *', 'UTC'), /received 3 fields: "\* \* \*"/);
    expectRefused(() => checkCron('', 'UTC'), /received 0 fields: ""/);
    expectRefused(() => checkCron('@daily', 'UTC'), /received 1 field: "@daily"/, /@daily as "0 0 \* \* \*"/);
  });

  it('names the expression, the field and the reason of a syntax error', () => {
    expectRefused(
      () => checkCron('60 * * * *', 'UTC'),
      /cron "60 \* \* \* \*" is not valid/,
      /minute field "60" is out of range: this field takes 0-59/,
    );
    expectRefused(() => checkCron('0 24 * * *', 'UTC'), /hour field "24" is out of range: this field takes 0-23/);
    expectRefused(() => checkCron('0 0 0 * *', 'UTC'), /day of month field "0" is out of range: this field takes 1-31/);
    expectRefused(() => checkCron('0 0 * 13 *', 'UTC'), /month field "13" is out of range: this field takes 1-12 or JAN-DEC/);
    expectRefused(
      () => checkCron('0 0 * * 8', 'UTC'),
      /day of week field "8" is out of range: this field takes 0-7 \(0 and 7 are Sunday\)/,
    );
    expectRefused(() => checkCron('x 0 * * *', 'UTC'), /minute field "x" has characters this field does not take/);
    expectRefused(() => checkCron('5/5 * * * *', 'UTC'), /minute field "5\/5" has a step without \* or a range before it: write \*\/5/);
    expectRefused(() => checkCron('*/0 * * * *', 'UTC'), /minute field "\*\/0" has a step that is not a whole number/);
    expectRefused(() => checkCron('0 0 * * 5-1', 'UTC'), /day of week field "5-1" has a range that goes from high to low/);
    expectRefused(() => checkCron('1,,2 * * * *', 'UTC'), /minute field "1,,2" has an empty item/);
    expectRefused(() => checkCron('1-2-3 * * * *', 'UTC'), /minute field "1-2-3" has a range that is not of the form low-high/);
    expectRefused(() => checkCron('0 0 * * MON#6', 'UTC'), /day of week field "MON#6" is refused: nth weekday out of range/);
  });

  it('names an unknown time zone and suggests the IANA form', () => {
    expectRefused(
      () => checkCron('0 0 * * *', 'Mars/Olympus'),
      /tz must be an IANA time zone name such as Europe\/Paris/,
      /received "Mars\/Olympus"/,
    );
    expectRefused(() => checkCron('0 0 * * *', 'Paris'), /received "Paris"/);
    expectRefused(() => checkCron('0 0 * * *', ''), /received ""/);
    expectRefused(() => nextRunAfter(cron('0 0 * * *', 'Europe/Pariss'), at('2026-01-01T00:00:00Z')), /received "Europe\/Pariss"/);
  });

  it('refuses an expression that never fires', () => {
    expectRefused(() => checkCron('0 0 31 2 *', 'UTC'), /cron "0 0 31 2 \*" never fires/, /31 February/);
    expectRefused(() => checkCron('0 0 31 4,6,9,11 *', 'Europe/Paris'), /never fires/);
    expectRefused(() => nextRunAfter(cron('0 0 30 2 *'), at('2026-01-01T00:00:00Z')), /never fires/);
  });
});

describe('describeSchedule', () => {
  it('says a schedule in a few words', () => {
    expect(describeSchedule({ kind: 'period', period: 900 })).toBe('every 15 min');
    expect(describeSchedule({ kind: 'period', period: 86_400 })).toBe('every 1 d');
    expect(describeSchedule({ kind: 'nextIn', nextIn: 5_400 })).toBe('within 1 h 30 min of each pulse');
    expect(describeSchedule(cron('15  3 * * 1-5', 'Europe/Paris'))).toBe('cron 15 3 * * 1-5 (Europe/Paris)');
  });
});

// A cron matcher written for the test alone, from the wall clock Intl gives: simple fields only.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function fieldValues(field: string, low: number, high: number): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step = '1'] = item.split('/');
    const [from, to] = range === '*' ? [low, high] : range!.split('-').map(Number);
    for (let value = from!; value <= (to ?? (item.includes('/') ? high : from!)); value += Number(step)) values.add(value);
  }
  return values;
}

function wallMatcher(expression: string, tz: string): (instant: Date) => boolean {
  const [minute, hour, day, month, weekday] = expression.split(' ');
  const sets = [fieldValues(minute!, 0, 59), fieldValues(hour!, 0, 23), fieldValues(day!, 1, 31), fieldValues(month!, 1, 12)];
  const weekdays = new Set([...fieldValues(weekday!, 0, 7)].map((value) => value % 7));
  const dayStar = day === '*';
  const weekdayStar = weekday === '*';
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  return (instant) => {
    const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
    const [m, h, d, mo] = [parts.minute, parts.hour, parts.day, parts.month].map(Number);
    const dayMatch = sets[2]!.has(d!);
    const weekdayMatch = weekdays.has(WEEKDAYS.indexOf(parts.weekday!));
    const dateMatch = dayStar || weekdayStar ? dayMatch && weekdayMatch : dayMatch || weekdayMatch;
    return sets[0]!.has(m!) && sets[1]!.has(h!) && sets[3]!.has(mo!) && dateMatch;
  };
}

describe('nextRunAfter, over many instants', () => {
  const expressions = ['*/15 * * * *', '0 * * * *', '30 2 * * *', '30 1 * * *', '15 3 * * 1-5', '0 9,17 * * 1,3,5', '0 12 13 * 5'];
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Sydney'];
  // Instants across 2020-2040, and many on the 2026 daylight-saving days of Paris and New York.
  const instant = fc.oneof(
    fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }),
    ...['2026-03-08T00:00:00Z', '2026-03-29T00:00:00Z', '2026-10-25T00:00:00Z', '2026-11-01T00:00:00Z'].map((day) =>
      fc.integer({ min: Date.parse(day) - 24 * HOUR, max: Date.parse(day) + 48 * HOUR }),
    ),
  );

  it('answers a later instant, with no cron time strictly between (a repeated fixed time counts once)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...expressions), fc.constantFrom(...zones), instant, (expression, tz, ms) => {
        const after = new Date(ms);
        const run = nextRunAfter(cron(expression, tz), after);
        expect(run.getTime()).toBeGreaterThan(ms);
        const matches = wallMatcher(expression, tz);
        const fixedTime = /^\d+ \d+ /.test(expression);
        // Every expression here fires on a quarter hour, and every zone is a whole hour off UTC.
        for (let quarter = Math.floor(ms / QUARTER) * QUARTER + QUARTER; quarter < run.getTime(); quarter += QUARTER) {
          const candidate = new Date(quarter);
          if (!matches(candidate)) continue;
          // A fixed time seen an hour earlier on the same wall clock already ran (the fall-back hour).
          if (fixedTime && wallTime(new Date(quarter - HOUR), tz) === wallTime(candidate, tz)) continue;
          expect.fail(`${expression} (${tz}) after ${after.toISOString()}: ${candidate.toISOString()} comes before ${run.toISOString()}`);
        }
        // The run is a cron time or, for a fixed time in a gap of the wall clock, the first minute after the gap.
        const jumped = wallMinutes(run, tz) - wallMinutes(new Date(run.getTime() - 60_000), tz) !== 1;
        expect(matches(run) || (fixedTime && jumped)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
