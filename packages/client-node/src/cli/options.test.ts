import { describe, expect, it } from 'vitest';
import { parseAlert, parseCount, parseDurationOption, UsageError } from './options.js';

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
