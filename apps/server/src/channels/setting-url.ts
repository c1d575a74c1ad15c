import type { DeliveryContext } from './channel.js';
import { createDeliveryError } from './http-post.js';

/**
 * Why a channel's URL setting is not a usable http(s) URL on this server (not a URL, another
 * scheme, a user name or password in it, or an address this server may not reach), or null.
 * `example` shows what the setting should look like.
 */
export async function checkSettingUrl(
  field: string,
  value: unknown,
  { checkAddress }: Pick<DeliveryContext, 'checkAddress'>,
  example?: string,
): Promise<string | null> {
  const expected = `${field} must be an http(s) URL${example ? ` such as ${example}` : ''}`;
  if (typeof value !== 'string' || value === '') return `${field} is required: an http(s) URL${example ? ` such as ${example}` : ''}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${expected}; received ${JSON.stringify(value.slice(0, 80))}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${expected}; received a ${url.protocol.replace(':', '')} URL`;
  if (url.username || url.password) return `${field} must not carry a user name or password`;
  try {
    await checkAddress(url);
  } catch (error) {
    return `${field}: ${(error as Error).message}`;
  }
  return null;
}

/** Why a channel's text setting (a key, a token, a room) is unusable: missing, or not what `pattern` wants; or null. */
export function checkSettingText(field: string, value: unknown, pattern?: { test: RegExp; says: string }): string | null {
  if (typeof value !== 'string' || value.trim() === '') return `${field} is required`;
  if (pattern && !pattern.test.test(value)) return `${field} ${pattern.says}`;
  return null;
}

const SECRET = { test: /^[^\s\p{Cc}]+$/u, says: 'must not contain spaces or control characters' };

/** Why a secret setting cannot be one (missing, or spaces or control characters inside), or null. */
export const checkSecret = (field: string, value: unknown): string | null => checkSettingText(field, value, SECRET);

/** "a teams channel", "an opsgenie channel". */
const aChannel = (type: string) => `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type} channel`;

/**
 * A URL setting at delivery time, made to end in "/" when it is a base that paths are
 * resolved against. Settings are checked when saved; one that no longer parses is a
 * permanent failure, not a crash.
 */
export function urlOfSetting(type: string, field: string, value: unknown, { asBase = false } = {}): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw createDeliveryError(`${aChannel(type)}'s ${field} is not a URL: ${JSON.stringify(String(value).slice(0, 80))}`, {
      permanent: true,
    });
  }
  if (asBase && !url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A URL setting with `path` appended below it (taken as it is: a bot token's colon is no scheme), whether or not the setting ends in a slash. */
export function urlBelow(type: string, field: string, base: unknown, path: string): URL {
  const url = urlOfSetting(type, field, base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  return url;
}
