/**
 * Local HTTP servers for the client transport tests: a raw `node:http` server that speaks whatever wire a test
 * writes, and the real mcpkit handler behind a recorder of every request it received.
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpHandlerOptions, McpHttpHandler, McpServer } from '@mcpkit/server';
import { serveHttp } from '@mcpkit/server/node';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** Resolves when the exchange ends, including when the client drops the connection. */
  closed: Promise<void>;
  /** True once the client went away before the response was complete. */
  aborted: () => boolean;
}

export interface LocalServer {
  /** The endpoint, `http://127.0.0.1:PORT/mcp` unless another path was given. */
  url: string;
  origin: string;
  seen: SeenRequest[];
  server: Server;
  close(): Promise<void>;
}

/** Adds one request to `seen`, with a promise for the end of its exchange. */
function record(seen: SeenRequest[], req: IncomingMessage, res: ServerResponse): void {
  let aborted = false;
  const closed = new Promise<void>((resolve) =>
    res.on('close', () => {
      aborted = !res.writableFinished;
      resolve();
    }),
  );
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, closed, aborted: () => aborted });
}

/** Listens on 127.0.0.1 with a free port, recording each request before `handler` runs. */
export async function listenLocal(handler: (req: IncomingMessage, res: ServerResponse) => void, path = '/mcp'): Promise<LocalServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    record(seen, req, res);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${path}`,
    origin,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves an McpServer with the real `serveHttp`, recording every request that reaches it. */
export async function serveMcp(mcp: McpServer, options: HttpHandlerOptions = {}): Promise<LocalServer & { handler: McpHttpHandler }> {
  const handle = await serveHttp(mcp, { ...options, port: 0 });
  const seen: SeenRequest[] = [];
  handle.httpServer.prependListener('request', (req, res) => record(seen, req, res));
  return { url: handle.url, origin: new URL(handle.url).origin, seen, server: handle.httpServer, handler: handle.handler, close: () => handle.close() };
}

/** Reads a request body as text. */
export function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Writes the head of an SSE response. */
export function startSse(res: ServerResponse, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  res.flushHeaders();
}
