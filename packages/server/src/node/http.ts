/**
 * A thin `node:http` adapter around the web-standard handler, and `serveHttp()` to listen on a port.
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { McpServer } from '../server.js';
import { type HttpHandlerOptions, type McpHttpHandler, createHttpHandler } from '../http/handler.js';

type WebHandler = (request: Request) => Promise<Response>;

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers, signal };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((v, k) => {
    headers[k] = v;
  });
  // A refusal sent before the body was read leaves bytes on the socket: close it rather than reuse it.
  if (!req.complete) {
    headers.connection = 'close';
    res.once('finish', () => req.destroy());
  }
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on('close', () => void reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve));
      // SSE must reach the client event by event.
      (res as { flush?: () => void }).flush?.();
    }
  } catch {
    // The client went away mid-stream; nothing left to write to.
  } finally {
    res.end();
  }
}

/**
 * Adapts a web-standard handler to `node:http`. The request's signal aborts when the client disconnects
 * before the response is complete.
 */
export function toNodeListener(handler: WebHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    let request: Request;
    try {
      request = toRequest(req, controller.signal);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","error":{"code":-32600,"message":"Bad Request"}}');
      return;
    }
    handler(request).then(
      (response) => writeResponse(response, req, res),
      () => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"}}');
      },
    );
  };
}

export interface ServeHttpOptions extends HttpHandlerOptions {
  /** Port; 0 picks a free one. */
  port?: number;
  /** Bind address. Default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** The MCP endpoint path. Default `/mcp`. */
  path?: string;
}

export interface HttpServerHandle {
  /** The endpoint URL, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly httpServer: Server;
  readonly handler: McpHttpHandler;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * Serves an McpServer over Streamable HTTP. On a loopback bind, Host and Origin are validated against
 * loopback names; on another bind pass `allowedHosts` explicitly to keep that protection.
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
  const httpServer = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`Not Found: the MCP endpoint is ${path}`);
      return;
    }
    listener(req, res);
  });
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
  return {
    url: `http://${shown}:${port}${path}`,
    port,
    httpServer,
    handler,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}
