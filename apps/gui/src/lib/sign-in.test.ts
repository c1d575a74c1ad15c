import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { describeSignInFailure } from './sign-in.js';

describe('describeSignInFailure', () => {
  it('says the password or key is wrong when the server refuses it', () => {
    expect(describeSignInFailure(new ApiError(401, 'the password is wrong', 'UNAUTHORIZED'))).toBe('Wrong password or key. Try again.');
  });

  it('tells a key that cannot read which keys the dashboard needs, from the scope the hint names', () => {
    const refused = new ApiError(403, 'this key has scope pulse; GET /dashboard-settings needs a read or admin key', 'FORBIDDEN');
    expect(describeSignInFailure(refused)).toBe('Cannot sign in: this key has scope pulse; the dashboard needs a read or admin key.');
  });

  it("quotes a refusal it cannot read, and any other failure, in the server's words", () => {
    expect(describeSignInFailure(new ApiError(403, 'forbidden by the proxy'))).toBe('Cannot sign in: forbidden by the proxy.');
    expect(describeSignInFailure(new ApiError(0, 'the server cannot be reached'))).toBe('Cannot sign in: the server cannot be reached.');
  });
});
