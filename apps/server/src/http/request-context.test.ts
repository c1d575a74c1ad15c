import { describe, expect, it } from 'vitest';
import { loggedPath } from './request-context.js';

describe('loggedPath', () => {
  it('writes no secret of a ping, push or badge URL to the log', () => {
    expect(loggedPath('/ping/abcdefghijklmnopqrstuvwxyz/start')).toBe('/ping/<secret>/start');
    expect(loggedPath('/ping/wt_secret/backup/3')).toBe('/ping/<secret>/backup/3');
    expect(loggedPath('/api/push/abcdef')).toBe('/api/push/<secret>');
    expect(loggedPath('/badge/badgekey123/backup.svg')).toBe('/badge/<secret>/backup.svg');
    expect(loggedPath('/badge/badgekey123/tag/edge.json')).toBe('/badge/<secret>/tag/edge.json');
  });

  it('leaves other paths as they are', () => {
    expect(loggedPath('/heartbeat/backup/runs')).toBe('/heartbeat/backup/runs');
    expect(loggedPath('/events')).toBe('/events');
  });
});
