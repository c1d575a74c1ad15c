import type { Context } from 'hono';

/**
 * The address a request came from: the socket's peer, or with `trustProxy` the last address
 * of X-Forwarded-For, the one the reverse proxy in front of the server added (addresses before
 * it were written by the client and prove nothing). Undefined for a request that came through
 * no socket (an in-process call).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for');
    const last = forwarded
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .pop();
    if (last) return last;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}
