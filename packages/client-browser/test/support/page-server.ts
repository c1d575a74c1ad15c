import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

const DIST = new URL('../../dist/', import.meta.url);

/** A site on its own origin: the built files and the pages of the tests. */
export async function startPageServer(port: number, pages: Record<string, string>): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://page.test').pathname;
    const page = pages[path];
    if (page !== undefined) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (path === '/watchtower.min.js' || path === '/index.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(new URL(`.${path}`, DIST)));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  return server;
}
