import { describe, expect, it } from 'vitest';
import { parseAlert, parseCount, parseDateOption, parseDurationOption, UsageError } from './options.js';

describe('parseAlert', () => {
  it('splits the channel from its address at the first colon, so a URL stays whole', () => {
    expect(parseAlert('webhook:https://hooks.example/x?a=1')).toEqual({ alertType: 'webhook', alertTarget: 'https://hooks.example/x?a=1' });
  });

  it('rejects an unknown channel, listing the known ones', () => {
    expect(() => parseAlert('sms:+15551234')).toThrow(/must start with one of pushover, email, mail, webhook, slack, log/);
  });

  it('rejects a channel without an address', () => {
    expect(() => parseAlert('log')).toThrow(/--alert log: needs the address after the colon/);
  });

  it('says that --alert is required when it is missing', () => {
    expect(() => parseAlert(undefined)).toThrow(UsageError);
  });
});

describe('parseDurationOption', () => {
  it('reads a duration in seconds', () => {
    expect(parseDurationOption('next-in', '15m', '1h')).toBe(900);
  });

  it('reads weeks and durations of several units, as the server config does', () => {
    expect(parseDurationOption('next-in', '1w', '1h')).toBe(604_800);
    expect(parseDurationOption('next-in', '1h30m', '1h')).toBe(5_400);
  });

  it('names the option and shows an example when it is missing', () => {
    expect(() => parseDurationOption('next-in', undefined, '1h')).toThrow('--next-in is required, such as --next-in 1h');
  });

  it('turns a bad duration into a usage error naming the option', () => {
    expect(() => parseDurationOption('since', 'yesterday', '2h')).toThrow(/^--since must be a positive number of seconds/);
  });
});

describe('parseCount', () => {
  it('takes the fallback when the option is absent', () => {
    expect(parseCount('tail', undefined, 20, 1_000)).toBe(20);
  });

  it.each(['0', '-1', '2.5', 'many', '1001'])('rejects %j', (value) => {
    expect(() => parseCount('tail', value, 20, 1_000)).toThrow('--tail must be a whole number from 1 to 1000');
  });
});

describe('parseDateOption', () => {
  it('reads ISO-8601 with a zone, and Unix seconds', () => {
    expect(parseDateOption('until', '2026-12-24T18:00:00Z')).toBe(Date.UTC(2026, 11, 24, 18) / 1000);
    expect(parseDateOption('until', '2026-12-24T18:00+02:00')).toBe(Date.UTC(2026, 11, 24, 16) / 1000);
    expect(parseDateOption('until', '1798135200')).toBe(1_798_135_200);
  });

  it('reads a date and time without a zone, or a bare date, as local time', () => {
    expect(parseDateOption('until', '2026-12-24 18:00')).toBe(new Date(2026, 11, 24, 18).getTime() / 1000);
    expect(parseDateOption('until', '2026-12-24')).toBe(new Date(2026, 11, 24).getTime() / 1000);
  });

  it.each(['tomorrow', '24/12/2026', '2026-02-30', '2026-13-01', '2026-12-24T25:00', ''])(
    'refuses %j, naming the option and the forms it takes',
    (value) => {
      expect(() => parseDateOption('until', value)).toThrow(
        `--until must be a date such as 2026-12-24T18:00:00Z, 2026-12-24 18:00 (local time) or Unix seconds; received ${JSON.stringify(value)}`,
      );
    },
  );
});
