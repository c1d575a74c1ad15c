import { describe, expect, it } from 'vitest';
import { checkKeyName, curlExample, lastUsedWords } from './api-keys.js';

describe('lastUsedWords', () => {
  it('says never for a key never used, and how long ago otherwise', () => {
    expect(lastUsedWords(null, 1_000)).toBe('never');
    expect(lastUsedWords(1_000, 1_000.4)).toBe('just now');
    expect(lastUsedWords(1_000, 1_300)).toBe('5 min ago');
  });
});

describe('checkKeyName', () => {
  it('trims the name typed', () => {
    expect(checkKeyName('  backup host ')).toEqual({ name: 'backup host' });
  });

  it('refuses a blank name, saying what to type', () => {
    expect(checkKeyName('   ')).toEqual({ error: expect.stringMatching(/^Name the key after who or what will use it/) });
  });
});

describe('curlExample', () => {
  it('sends a pulse with a pulse key, as a bearer token', () => {
    const command = curlExample('https://wt.example', 'wt_abc', 'pulse');
    expect(command).toMatch(
      /^curl -s https:\/\/wt\.example\/heartbeat -H "Authorization: Bearer wt_abc" -H 'content-type: application\/json'/,
    );
    expect(command).toContain(`-d '{"service":"nightly-backup","alertType":"log","alertTarget":"ops","nextIn":3600}'`);
  });

  it('lists the heartbeats with a read or admin key', () => {
    for (const scope of ['read', 'admin'] as const) {
      expect(curlExample('https://wt.example', 'wt_abc', scope)).toBe(
        'curl -s https://wt.example/heartbeats -H "Authorization: Bearer wt_abc"',
      );
    }
  });
});
