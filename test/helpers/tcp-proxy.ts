import net from 'node:net';

/**
 * A TCP proxy between a station and the hub, to cut the link the way networks fail:
 * - 'pass': bytes flow both ways;
 * - 'drop': a blackhole — connections stay open but nothing gets through either way (a pulled
 *   cable, a silent firewall), so only timeouts notice; new connections are accepted and starved;
 * - 'delay': every chunk is held `delayMs` before it is forwarded (a slow WAN link);
 * - 'reset': every open connection is reset (RST) and new ones are reset at once.
 * Real sockets on 127.0.0.1 (node:net), no mock: the station's pg client sees exactly that.
 */
export type ProxyMode = 'pass' | 'drop' | 'delay' | 'reset';

export interface TcpProxy {
  readonly port: number;
  mode(): ProxyMode;
  setMode(mode: ProxyMode, delayMs?: number): void;
  /** Connections accepted so far (a reconnecting station shows up here). */
  connections(): number;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let current: ProxyMode = 'pass';
  let delayMs = 0;
  let accepted = 0;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (current === 'drop') return; // swallowed: the blackhole
      if (current === 'delay' && delayMs > 0) {
        from.pause();
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        }, delayMs);
        return;
      }
      if (!to.destroyed) to.write(chunk);
    });
  };

  const server = net.createServer((client) => {
    accepted += 1;
    client.on('error', () => undefined);
    if (current === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    const pair = { client, upstream };
    pairs.add(pair);
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    port,
    mode: () => current,
    setMode(mode, ms = 0) {
      current = mode;
      delayMs = ms;
      if (mode === 'reset')
        for (const p of pairs) {
          p.client.resetAndDestroy();
          p.upstream.destroy();
        }
    },
    connections: () => accepted,
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
