/**
 * `serveHttp()`: an McpServer on node:http or node:https, with health probes, extra routes, and a graceful
 * shutdown that lets requests in flight finish within a deadline.
 * @module
 */
import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { McpServer } from '../server.js';
import { type HttpHandlerOptions, type McpHttpHandler, createHttpHandler } from '../http/handler.js';
import { METADATA_PREFIX } from '../http/auth.js';
import { toNodeListener } from './http.js';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ServeHttpOptions extends HttpHandlerOptions {
  /** Port; 0 picks a free one. */
  port?: number;
  /** Bind address. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** The MCP endpoint path. Default `/mcp`. */
  path?: string;
  /** HTTPS: PEM certificate chain and private key, each a file path or the PEM text itself. */
  tls?: { cert: string; key: string };
  /** Liveness probe path (always 200 while the process serves). Default `/healthz`; false turns it off. */
  healthPath?: string | false;
  /** Readiness probe path (503 while starting or draining, or when `ready` says no). Default `/readyz`. */
  readyPath?: string | false;
  /** An extra readiness check (e.g. upstreams connected). A thrown error counts as not ready. */
  ready?: () => boolean | Promise<boolean>;
  /** Other exact paths served by the same listener (metrics, admin endpoints, more MCP endpoints). */
  routes?: Readonly<Record<string, NodeListener>>;
  /**
   * Graceful shutdown: on these signals (default `['SIGTERM']`), stop accepting, let requests in flight finish
   * within `timeoutMs` (default 10 s), close, then end the process by the same signal unless other listeners
   * handle it. `false` installs no signal handler (call `handle.shutdown()` yourself).
   */
  gracefulShutdown?: { signals?: readonly NodeJS.Signals[]; timeoutMs?: number } | false;
}

export interface HttpServerHandle {
  /** The endpoint URL, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly handler: McpHttpHandler;
  /** Requests being answered now (long-lived listen and GET streams not counted once draining began). */
  readonly inFlight: number;
  /** Stops accepting, waits up to `timeoutMs` for requests in flight, then closes everything. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /** Closes at once: sessions, streams and connections. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function pem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`tls.${what}: cannot read ${value}: ${(error as Error).message}`);
  }
}

function plain(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * Serves an McpServer over Streamable HTTP. On a loopback bind, Host and Origin are validated against
 * loopback names; on another bind pass `allowedHosts` explicitly to keep that protection.
 * @throws the listen error (`code` `EADDRINUSE` when the port is taken), or InvalidArgumentError
 * `MCPKIT_INVALID_ARGUMENT` for unreadable TLS files.
 * @example
 * const { url } = await serveHttp(server, { port: 3000 });
 */
export async function serveHttp(server: McpServer, options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/mcp';
  const handlerOptions: HttpHandlerOptions = { ...options };
  if (options.allowedHosts === undefined && !LOOPBACK.has(host)) handlerOptions.allowedHosts = false;
  const handler = createHttpHandler(server, handlerOptions);
  const listener = toNodeListener(handler);
  const healthPath = options.healthPath === undefined ? '/healthz' : options.healthPath;
  const readyPath = options.readyPath === undefined ? '/readyz' : options.readyPath;
  const routes = options.routes ?? {};
  // The separate HTTP+SSE paths, when asked for, reach the core as the MCP endpoint does.
  const legacyPaths = options.legacySsePath === undefined || options.legacySse === false || options.sessions === false ? [] : [options.legacySsePath, options.legacyMessagesPath ?? '/messages'];
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const readiness = async (res: ServerResponse) => {
    if (draining) return plain(res, 503, { status: 'draining' });
    try {
      if (options.ready && !(await options.ready())) return plain(res, 503, { status: 'not ready' });
    } catch {
      return plain(res, 503, { status: 'not ready' });
    }
    plain(res, 200, { status: 'ready' });
  };

  const onRequest: NodeListener = (req, res) => {
    const p = pathOf(req.url ?? '/');
    // Probes carry no data and come from orchestrators that address the pod by IP: no Host check.
    if (p === healthPath) return plain(res, 200, { status: 'ok' });
    if (p === readyPath) return void readiness(res);
    const route = Object.hasOwn(routes, p) ? routes[p] : undefined;
    const mcp = p === path || legacyPaths.includes(p) || (options.auth !== undefined && p.startsWith(METADATA_PREFIX));
    if (!mcp && !route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`Not Found: the MCP endpoint is ${path}`);
      return;
    }
    if (draining) return plain(res, 503, { error: 'Service Unavailable: shutting down' }, { connection: 'close', 'retry-after': '1' });
    // Only POSTs are work to wait for; GET streams wait for the server, not the other way round.
    if (req.method === 'POST') {
      inFlight += 1;
      res.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) idle?.();
      });
    }
    if (route) route(req, res);
    else listener(req, res);
  };

  const httpServer: Server = options.tls
    ? (createHttpsServer({ cert: pem(options.tls.cert, 'cert'), key: pem(options.tls.key, 'key') }, onRequest) as unknown as Server)
    : createServer(onRequest);
  httpServer.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      removeSignals();
      await handler.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    })());

  const shutdown = async (o: { timeoutMs?: number } = {}): Promise<void> => {
    if (draining) return close();
    draining = true;
    httpServer.close();
    httpServer.closeIdleConnections();
    // Long-lived waits (listen streams) end gracefully now; calls in flight get until the deadline.
    handler.core.drain();
    const timeoutMs = o.timeoutMs ?? (options.gracefulShutdown ? options.gracefulShutdown.timeoutMs : undefined) ?? 10_000;
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await close();
  };

  const signals = options.gracefulShutdown === false ? [] : (options.gracefulShutdown?.signals ?? ['SIGTERM']);
  const onSignal = (signal: NodeJS.Signals) => {
    void shutdown().finally(() => {
      // Nobody else handles it: end the process the way the signal would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
    removeSignals();
  };
  for (const signal of signals) process.once(signal, onSignal);
  function removeSignals(): void {
    for (const signal of signals) process.off(signal, onSignal);
  }

  return {
    url: `${options.tls ? 'https' : 'http'}://${shown}:${port}${path}`,
    port,
    httpServer,
    handler,
    get inFlight() {
      return inFlight;
    },
    shutdown,
    close,
  };
}
