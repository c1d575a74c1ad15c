import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * How a cut looks from the client: `refuse`, nothing listens (a stopped database: new
 * connections fail at once); `black-hole`, connections are accepted and nothing ever
 * answers (a network partition: queries hang).
 */
export type CutMode = 'refuse' | 'black-hole';

export interface TcpProxy {
  /** The port on 127.0.0.1 that leads to the target. */
  readonly port: number;
  /** The mode of the cut under way, or undefined while connections go through. */
  readonly mode: CutMode | undefined;
  /** Connections accepted so far, and those swallowed while black-holed. */
  readonly stats: { readonly piped: number; readonly blackHoled: number };
  /** Rewrites a `postgres://` URL to go through the proxy. */
  proxiedUrl(url: string): string;
  /** Destroys every open connection; until `restore`, new ones are refused or black-holed. */
  cut(mode: CutMode): Promise<void>;
  /** Lets new connections through again; black-holed ones are dropped. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  targetHost?: string;
  targetPort?: number;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      const address = server.address();
      listening(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeListener(server: Server): Promise<void> {
  return new Promise((closed) => {
    if (!server.listening) {
      closed();
      return;
    }
    server.close(() => closed());
  });
}

/** A TCP proxy on 127.0.0.1 in front of PostgreSQL (127.0.0.1:5432 unless told), which a test can cut. */
export async function startTcpProxy(options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const targetHost = options.targetHost ?? '127.0.0.1';
  const targetPort = options.targetPort ?? 5432;
  const open = new Set<Socket>();
  const stats = { piped: 0, blackHoled: 0 };
  let mode: CutMode | undefined;

  const track = (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  const server = createServer((client) => {
    track(client);
    // A reset from either side must not reach the test runner as an uncaught error.
    client.on('error', () => client.destroy());
    if (mode === 'black-hole') {
      stats.blackHoled += 1;
      client.resume();
      return;
    }
    stats.piped += 1;
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  const port = await listen(server, 0);

  const destroyAll = () => {
    for (const socket of open) socket.destroy();
  };

  return {
    port,
    get mode() {
      return mode;
    },
    stats,
    proxiedUrl: (url) => {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: async (cutMode) => {
      mode = cutMode;
      const closed = cutMode === 'refuse' ? closeListener(server) : Promise.resolve();
      destroyAll();
      await closed;
    },
    restore: async () => {
      const wasRefusing = mode === 'refuse';
      mode = undefined;
      // Black-holed connections never reached the target: a healed network would not revive them either.
      destroyAll();
      if (wasRefusing) await listen(server, port);
    },
    close: async () => {
      mode = 'black-hole';
      const closed = closeListener(server);
      destroyAll();
      await closed;
    },
  };
}
