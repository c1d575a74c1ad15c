import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the provider received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  /** `Date.now()` when the whole request had arrived. */
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A provider on 127.0.0.1 that records every request and answers 200, or what a test scripts next. */
export interface RecordingProvider {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers the next requests with these, in order (then the usual answer again). */
  answerNext(...answers: ScriptedAnswer[]): void;
  /** The answer to every request that nothing is scripted for. */
  answerAlways(answer: ScriptedAnswer): void;
  /** Forgets the requests so far and the answers scripted for next. */
  reset(): void;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startRecordingProvider(): Promise<RecordingProvider> {
  const requests: ReceivedRequest[] = [];
  const scripted: ScriptedAnswer[] = [];
  let usual: ScriptedAnswer = { status: 200, body: '{"ok":true}' };
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '/',
        headers: request.headers,
        body,
        json: parseJson(body),
        at: Date.now(),
      });
      const answer = scripted.shift() ?? usual;
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', () => listening()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answerNext: (...answers) => {
      scripted.push(...answers);
    },
    answerAlways: (answer) => {
      usual = answer;
    },
    reset: () => {
      requests.length = 0;
      scripted.length = 0;
    },
    close: () =>
      new Promise<void>((closed) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => closed());
      }),
  };
}
