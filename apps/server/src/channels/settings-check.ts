import type { DeliveryContext } from './channel.js';

/** The URL a setting holds when it is a usable http(s) URL, or why it is not. */
export async function checkSettingUrl(
  field: string,
  value: unknown,
  { checkAddress }: Pick<DeliveryContext, 'checkAddress'>,
  example: string,
): Promise<{ url: URL } | { problem: string }> {
  if (typeof value !== 'string' || value === '') return { problem: `${field} must be an http(s) URL such as ${example}` };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `${field} must be an http(s) URL such as ${example}; received ${JSON.stringify(value.slice(0, 80))}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `${field} must be an http(s) URL such as ${example}; received a ${url.protocol.replace(':', '')} URL` };
  }
  if (url.username || url.password) return { problem: `${field} must not carry a user name or password` };
  try {
    await checkAddress(url);
  } catch (error) {
    return { problem: `${field}: ${(error as Error).message}` };
  }
  return { url };
}

/** Why a secret setting cannot be one (empty, spaces or control characters inside), or null. */
export function problemWithSecret(field: string, value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return `${field} is required`;
  if (/[\s\p{Cc}]/u.test(value)) return `${field} must not contain spaces or control characters`;
  return null;
}

/** `base` with a path appended below it, whether or not `base` ends in a slash. */
export function urlBelow(base: string, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  return url;
}
