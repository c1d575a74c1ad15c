import { LEVELS as PROTOCOL_LEVELS } from '@watchtower/protocol';
import { describe, expect, it } from 'vitest';
import { LEVELS, levelName } from './levels.js';

describe('LEVELS', () => {
  it('equals the protocol table', () => {
    expect(LEVELS).toEqual(PROTOCOL_LEVELS);
  });

  it('names a known level number and shows another as a number', () => {
    expect([levelName(40), levelName(35)]).toEqual(['error', '35']);
  });
});
