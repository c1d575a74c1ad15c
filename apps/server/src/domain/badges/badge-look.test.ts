import { HEARTBEAT_STATUSES } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { serviceBadge, tagBadge } from './badge-look.js';

describe('badge words and colours', () => {
  it('words and colours every status', () => {
    expect(HEARTBEAT_STATUSES.map((status) => serviceBadge('backup', status))).toEqual([
      { label: 'backup', message: 'up', color: 'brightgreen' },
      { label: 'backup', message: 'down', color: 'red' },
      { label: 'backup', message: 'cancelled', color: 'lightgrey' },
      { label: 'backup', message: 'new', color: 'lightgrey' },
      { label: 'backup', message: 'running', color: 'blue' },
      { label: 'backup', message: 'late', color: 'yellow' },
      { label: 'backup', message: 'paused', color: 'lightgrey' },
    ]);
  });

  it('colours a tag by its worst status: down, then late, then up or running, then the unmonitored', () => {
    expect(tagBadge('t', ['alive', 'alive', 'late', 'dead', 'alive'])).toEqual({
      label: 't',
      message: '3 up, 1 late, 1 down',
      color: 'red',
    });
    expect(tagBadge('t', ['alive', 'late', 'started'])).toMatchObject({ message: '1 up, 1 running, 1 late', color: 'yellow' });
    expect(tagBadge('t', ['started', 'alive', 'paused'])).toMatchObject({ message: '1 up, 1 running, 1 paused', color: 'brightgreen' });
    expect(tagBadge('t', ['started', 'new'])).toMatchObject({ message: '1 running, 1 new', color: 'blue' });
    expect(tagBadge('t', ['cancelled', 'paused', 'new'])).toMatchObject({ message: '1 new, 1 paused, 1 cancelled', color: 'lightgrey' });
  });
});
