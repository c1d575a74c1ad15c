import type { DeliveryContext } from './channel.js';
import { createDeliveryError } from './http-post.js';

/** "a teams channel", "an opsgenie channel". */
const aChannel = (type: string) => `${/^[aeiou]/i.test(type) ? 'an' : 'a'} ${type} channel`;

/** Why a channel's setting is not a usable http(s) URL on this server, or null. */
export async function checkSettingUrl(
  type: string,
  field: string,
  value: unknown,
  { checkAddress }: Pick<DeliveryContext, 'checkAddress'>,
): Promise<string | null> {
  if (typeof value !== 'string' || value === '') return `${aChannel(type)} needs ${field}, an http(s) URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${aChannel(type)}'s ${field} must be an http(s) URL; received ${JSON.stringify(value.slice(0, 80))}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${aChannel(type)}'s ${field} must be an http(s) URL; received a ${url.protocol.replace(':', '')} URL`;
  }
  if (url.username || url.password) return `${aChannel(type)}'s ${field} must not carry a user name or password`;
  try {
    await checkAddress(url);
  } catch (error) {
    return `${field}: ${(error as Error).message}`;
  }
  return null;
}

/** Why a channel's text setting (a key, a token, a room) is unusable, or null. */
export function checkSettingText(type: string, field: string, value: unknown, pattern?: { test: RegExp; says: string }): string | null {
  if (typeof value !== 'string' || value.trim() === '') return `${aChannel(type)} needs ${field}`;
  if (pattern && !pattern.test.test(value)) return `${aChannel(type)}'s ${field} ${pattern.says}`;
  return null;
}

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
