/**
 * A load balancer for tests: a plain HTTP reverse proxy on 127.0.0.1 that sends each request to the next
 * backend in turn (no stickiness of any kind), streaming request and response bodies (SSE included).
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  backend: number;
  method: string;
  /** The request's Last-Event-ID header: an SSE stream being resumed. */
  lastEventId?: string;
}

export interface RoundRobinProxy {
  /** The proxy's base URL, e.g. `http://127.0.0.1:40000`. */
  readonly url: string;
  /** Which backend (index) each request went to, with its method (and Last-Event-ID, if any), in order. */
  readonly log: ProxiedRequest[];
  /** Stops sending to `index` (as a balancer does once a health check fails). */
  remove(index: number): void;
  close(): Promise<void>;
}

/** Starts the proxy in front of `backends` (base URLs such as `http://127.0.0.1:41000`). */
export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  const targets = backends.map((b) => new URL(b));
  const live = new Set(targets.keys());
  const log: ProxiedRequest[] = [];
  let next = 0;
  const pick = (): number => {
    for (let tries = 0; tries < targets.length; tries++) {
      const i = next++ % targets.length;
      if (live.has(i)) return i;
    }
    return -1;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const i = pick();
    if (i < 0) {
      res.writeHead(502).end('no backend');
      return;
    }
    const resumed = req.headers['last-event-id'];
    log.push({ backend: i, method: req.method ?? 'GET', ...(typeof resumed === 'string' ? { lastEventId: resumed } : {}) });
    const target = targets[i]!;
    const headers = { ...req.headers, host: target.host };
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end('backend failed');
      else res.destroy();
    });
    // A client that goes away takes its backend request with it (a GET stream, a cancelled call).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    remove: (index) => void live.delete(index),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
