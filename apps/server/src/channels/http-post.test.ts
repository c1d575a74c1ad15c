import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createConnectionPool, createDeliveryError, excerptOf, isPermanentStatus, postOrThrow } from './http-post.js';
import { classifyAddress, type ConnectionPolicy } from './private-address.js';

describe('excerptOf', () => {
  it('keeps a short one-line text as it is', () => {
    expect(excerptOf('{"error":"invalid token"}')).toBe('{"error":"invalid token"}');
  });

  it('turns line breaks, tabs, control and format characters into single spaces', () => {
    expect(excerptOf('  not\r\nfound\t\u0007here\u001b[31m\u202eevil\u2028end  ')).toBe('not found here [31m evil end');
  });

  it('cuts a long text to 200 characters, the last an ellipsis', () => {
    const excerpt = excerptOf('x'.repeat(10_000));
    expect(Array.from(excerpt)).toHaveLength(200);
    expect(excerpt.endsWith('x…')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const excerpt = excerptOf('🔥'.repeat(300), 10);
    expect(excerpt).toBe(`${'🔥'.repeat(9)}…`);
  });
});

describe('createDeliveryError', () => {
  it('keeps at most 400 characters on one line', () => {
    const error = createDeliveryError(`hooks.example.com answered 500: ${'a\n'.repeat(5_000)}`);
    expect(error.message.length).toBeLessThanOrEqual(400);
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.permanent).toBe(false);
  });

  it('passes the permanent flag on', () => {
    expect(createDeliveryError('gone', { permanent: true }).permanent).toBe(true);
  });
});

describe('isPermanentStatus', () => {
  it.each([400, 401, 403, 404, 405, 410, 413, 415, 422, 451, 301, 308])('calls %i permanent', (status) => {
    expect(isPermanentStatus(status)).toBe(true);
  });

  it.each([408, 409, 421, 423, 425, 429, 500, 502, 503, 504, 302, 303, 307, 200])('calls %i worth a retry', (status) => {
    expect(isPermanentStatus(status)).toBe(false);
  });
});

describe('a connection pool', () => {
  const loopback: ConnectionPolicy = { resolveHost: async () => ['127.0.0.1'], allowPrivateTargets: true, classify: classifyAddress };

  async function receiver() {
    const sockets = new Set<unknown>();
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    server.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    return { url: new URL(`http://127.0.0.1:${port}/hook`), sockets, close: () => new Promise((done) => server.close(done)) };
  }

  it('carries deliveries to the same origin over the connection it keeps open', async () => {
    const target = await receiver();
    const pool = createConnectionPool(loopback);
    try {
      for (let i = 0; i < 20; i += 1) {
        const answer = await postOrThrow(target.url, { body: '{}', headers: {} }, { timeoutMs: 5_000, connections: loopback, pool });
        expect(answer.status).toBe(204);
      }
      // A second one may open while the first is still being handed back after its answer.
      expect(target.sockets.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
      await target.close();
    }
  });

  it('checks each new connection: a private address is refused when private targets are not allowed', async () => {
    const target = await receiver();
    const strict: ConnectionPolicy = { ...loopback, allowPrivateTargets: false };
    const pool = createConnectionPool(strict);
    try {
      const delivery = postOrThrow(target.url, { body: '{}', headers: {} }, { timeoutMs: 5_000, connections: strict, pool });
      await expect(delivery).rejects.toThrow(/no connection made: 127\.0\.0\.1 is a private or reserved address/);
      expect(target.sockets.size).toBe(0);
    } finally {
      await pool.close();
      await target.close();
    }
  });
});
