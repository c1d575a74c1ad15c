import { randomBytes } from 'node:crypto';

// Per run, so a server of another run or test cannot pass for ours.
export const TOKEN = randomBytes(12).toString('hex');
export const PASSWORD = `bench-${TOKEN}`;
/** The headers of every request: the password opens the server under test. */
export const HEADERS = { password: PASSWORD, 'content-type': 'application/json' };
