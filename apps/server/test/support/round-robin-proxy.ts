import { request as httpRequest, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small HTTP load balancer, as docker/Caddyfile sets one up: requests go to the
 * upstreams in turn; one whose process does not accept the connection is skipped for the
 * next; answers (server-sent events included) are piped as they come, unbuffered.
 */
export interface RoundRobinProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Requests answered by each upstream, by its URL. */
  readonly answered: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, failed) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => done(Buffer.concat(chunks)));
    req.on('error', failed);
  });
}

/** Sends the request to `upstream`; rejects only when no connection could be made (nothing was sent). */
function forward(upstream: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  return new Promise((forwarded, refused) => {
    const outgoing = httpRequest(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
        forwarded();
      },
    );
    let connected = false;
    outgoing.on('socket', (socket: Socket) => socket.once('connect', () => (connected = true)));
    outgoing.on('error', (error) => {
      if (!connected) refused(error);
      else res.destroy(error);
    });
    // A client that goes away (a closed stream) ends the upstream request too.
    res.on('close', () => outgoing.destroy());
    outgoing.end(body);
  });
}

export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  const answered = new Map(upstreams.map((upstream) => [upstream, 0]));
  let next = 0;
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const first = next;
    next = (next + 1) % upstreams.length;
    for (let tried = 0; tried < upstreams.length; tried += 1) {
      const upstream = upstreams[(first + tried) % upstreams.length]!;
      try {
        await forward(upstream, req, body, res);
        answered.set(upstream, (answered.get(upstream) ?? 0) + 1);
        return;
      } catch {
        // Nothing listens there: the next upstream gets the request.
      }
    }
    res.writeHead(502, { 'content-type': 'text/plain' }).end('no upstream answered\n');
  }

  const server: Server = createServer((req, res) => void handle(req, res).catch((error: Error) => res.destroy(error)));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}
