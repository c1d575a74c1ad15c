import { describe, expect, it } from 'vitest';
import { locationOf } from './router.js';

describe('locationOf', () => {
  it('names the pages of the header', () => {
    expect(locationOf('', '?q=a')).toEqual({ page: 'board', search: '?q=a' });
    expect(locationOf('events', '')).toEqual({ page: 'events', search: '' });
    expect(locationOf('alerts', '')).toEqual({ page: 'alerts', search: '' });
    expect(locationOf('keys', '')).toEqual({ page: 'keys', search: '' });
    expect(locationOf('keys/', '')).toEqual({ page: 'keys', search: '' });
    expect(locationOf('channels', '')).toEqual({ page: 'channels', search: '' });
  });

  it('reads a service name from one URL-encoded segment, slashes and spaces included', () => {
    expect(locationOf('services/nightly%20backup', '')).toEqual({ page: 'service', service: 'nightly backup', search: '' });
    expect(locationOf('services/db%2Fprimary/edit', '')).toEqual({ page: 'edit-service', service: 'db/primary', search: '' });
    expect(locationOf('new-service', '')).toEqual({ page: 'new-service', search: '' });
  });

  it('shows the board for a path that names nothing it knows', () => {
    expect(locationOf('services/', '')).toEqual({ page: 'board', search: '' });
    expect(locationOf('services/%E0%A4%A', '')).toEqual({ page: 'board', search: '' });
    expect(locationOf('services/a/b', '')).toEqual({ page: 'board', search: '' });
    expect(locationOf('keys/key_3f9a1c2b7d4e', '')).toEqual({ page: 'board', search: '' });
  });
});
