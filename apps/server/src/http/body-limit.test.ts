import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { limitBody } from './body-limit.js';

class TooLarge extends Error {}

function app(): Hono {
  const app = new Hono();
  app.onError((error, c) => c.text(error instanceof TooLarge ? 'too large' : 'error', error instanceof TooLarge ? 413 : 500));
  app.use(
    limitBody(10, () => {
      throw new TooLarge();
    }),
  );
  app.post('/', async (c) => c.text(`read ${(await c.req.text()).length}`));
  app.get('/', (c) => c.text('got'));
  return app;
}

/** A body sent in chunks, with no length declared. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < bytes.length; i += 4) controller.enqueue(bytes.slice(i, i + 4));
      controller.close();
    },
  });
}

describe('limitBody', () => {
  it('refuses a body whose declared length is over the limit, and lets one at the limit through', async () => {
    const over = await app().request('/', { method: 'POST', body: 'x'.repeat(11), headers: { 'content-length': '11' } });
    expect([over.status, await over.text()]).toEqual([413, 'too large']);
    const at = await app().request('/', { method: 'POST', body: 'x'.repeat(10), headers: { 'content-length': '10' } });
    expect([at.status, await at.text()]).toEqual([200, 'read 10']);
  });

  it('counts a body sent without a length as it is read', async () => {
    const init = (text: string) => ({ method: 'POST', body: chunked(text), duplex: 'half' }) as RequestInit;
    const over = await app().request('/', init('y'.repeat(11)));
    expect([over.status, await over.text()]).toEqual([413, 'too large']);
    const under = await app().request('/', init('y'.repeat(9)));
    expect([under.status, await under.text()]).toEqual([200, 'read 9']);
  });

  it('lets a GET through untouched', async () => {
    const response = await app().request('/');
    expect([response.status, await response.text()]).toEqual([200, 'got']);
  });
});
