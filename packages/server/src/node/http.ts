/**
 * A thin `node:http` adapter around the web-standard handler, and `serveHttp()` to listen on a port.
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { LazyAbortController } from '@mcpkit/protocol';
import type { McpServer } from '../server.js';
import { type HttpHandlerOptions, type McpHttpCore, type McpHttpHandler, createHttpHandler } from '../http/handler.js';
import { BodyTooLargeError, type HttpRequestLike } from '../http/request.js';
import type { HttpReply } from '../http/responses.js';

type WebHandler = (request: Request) => Promise<Response>;

/** A node:http request as the core sees it: no web Request, no stream adapters, headers read in place. */
function fromNodeRequest(req: IncomingMessage, res: ServerResponse): HttpRequestLike {
  const cancellation = new LazyAbortController();
  res.on('close', () => {
    if (!res.writableFinished) cancellation.abort(new Error('client disconnected'));
  });
  return {
    method: req.method ?? 'GET',
    header(name) {
      const v = req.headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
    headers() {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
      return out;
    },
    text(maxBytes) {
      const declared = Number(req.headers['content-length']);
      if (declared > maxBytes) return Promise.reject(new BodyTooLargeError());
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let total = 0;
        req.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            req.removeAllListeners('data');
            req.pause();
            reject(new BodyTooLargeError());
            return;
          }
          chunks.push(chunk);
        });
        req.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
        req.once('error', reject);
      });
    },
    cancellation,
  };
}

/** Writes a core reply: JSON in one write, SSE event by event until the stream or the client ends. */
function writeReply(reply: HttpReply, req: IncomingMessage, res: ServerResponse): void {
  const headers = reply.headers;
  // A refusal sent before the body was read leaves bytes on the socket: close it rather than reuse it.
  if (!req.complete) {
    headers.connection = 'close';
    res.once('finish', () => req.destroy());
  }
  if (!reply.sse) {
    res.writeHead(reply.status, headers);
    res.end(reply.body);
    return;
  }
  const sse = reply.sse;
  res.writeHead(reply.status, headers);
  res.flushHeaders();
  res.on('close', () => sse.clientGone());
  sse.attach({
    write: (text) => {
      res.write(text);
    },
    end: () => res.end(),
  });
}

/** Adapts a web-standard handler to `node:http` (for handlers other than mcpkit's own). */
export function toNodeListener(handler: WebHandler | McpHttpHandler): (req: IncomingMessage, res: ServerResponse) => void {
  const core = (handler as Partial<McpHttpHandler>).core;
  if (core) return coreListener(core);
  return (req, res) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const headers = new Headers();
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
    const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers, signal: controller.signal };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
    (handler as WebHandler)(new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, init)).then(
      async (response) => {
        const out: Record<string, string> = {};
        response.headers.forEach((v, k) => {
          out[k] = v;
        });
        if (!req.complete) out.connection = 'close';
        res.writeHead(response.status, out);
        if (!response.body) return void res.end();
        try {
          for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
        } catch {
          // The client went away mid-stream.
        }
        res.end();
      },
      () => failed(res),
    );
  };
}

function failed(res: ServerResponse): void {
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
  res.end('{"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"}}');
}

/** Serves the runtime-neutral core on node:http directly. */
function coreListener(core: McpHttpCore): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    core.handle(fromNodeRequest(req, res)).then(
      (reply) => writeReply(reply, req, res),
      () => failed(res),
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
