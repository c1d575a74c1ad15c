import { describe, expect, it } from 'vitest';
import { ApiError, describeFailure } from './api.js';

describe('describeFailure', () => {
  it('quotes what the server refused in its own words', () => {
    expect(describeFailure(new ApiError(400, 'name must not be empty', 'VALIDATION_FAILED'), 'save')).toBe(
      'The server refused it: name must not be empty',
    );
  });

  it('says what could not be done, with the hint of a 403 or the reason of any other failure', () => {
    const forbidden = new ApiError(403, 'this key has scope read; POST /keys needs an admin key', 'FORBIDDEN');
    expect(describeFailure(forbidden, 'create the key')).toBe(
      'Could not create the key: this key has scope read; POST /keys needs an admin key.',
    );
    expect(describeFailure(new ApiError(0, 'the server cannot be reached'), 'save')).toBe('Could not save: the server cannot be reached.');
  });
});
