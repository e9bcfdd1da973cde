/**
 * A thin `node:http` adapter around the HTTP core (and around any web-standard handler).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { LazyAbortController } from '@mcpkit/protocol';
import type { McpHttpCore, McpHttpHandler } from '../http/handler.js';
import { BodyTooLargeError, type HttpRequestLike } from '../http/request.js';
import type { HttpReply } from '../http/responses.js';

type WebHandler = (request: Request) => Promise<Response>;

const CANCELLATION = Symbol('mcpkit.cancellation');
type CancellableResponse = ServerResponse & { [CANCELLATION]?: LazyAbortController };

/** One listener shared by every response (a closure per request showed in the request path's allocations). */
function onResponseClose(this: CancellableResponse): void {
  if (!this.writableFinished) this[CANCELLATION]?.abort(new Error('client disconnected'));
}

/**
 * A node:http request as the core sees it: no web Request, no stream adapters, headers read in place. A class:
 * an object literal with methods made three closures per request.
 */
class NodeRequest implements HttpRequestLike {
  readonly method: string;
  readonly path: string;
  readonly secure: boolean;
  readonly remoteAddress?: string;
  readonly cancellation = new LazyAbortController();
  readonly #req: IncomingMessage;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.method = req.method ?? 'GET';
    this.path = req.url ?? '/';
    this.secure = (req.socket as { encrypted?: boolean }).encrypted === true;
    const address = req.socket.remoteAddress;
    if (address !== undefined) this.remoteAddress = address;
    (res as CancellableResponse)[CANCELLATION] = this.cancellation;
    res.on('close', onResponseClose);
  }

  header(name: string): string | null {
    const v = this.#req.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }

  headers(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
    return out;
  }

  text(maxBytes: number): Promise<string> {
    const req = this.#req;
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) return Promise.reject(new BodyTooLargeError());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let total = 0;
      req.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          // Keep reading (and dropping) the rest, so the client can read the 413 before the socket closes.
          req.removeAllListeners('data');
          req.on('data', () => {});
          reject(new BodyTooLargeError());
          return;
        }
        chunks.push(chunk);
      });
      req.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
      req.once('error', reject);
    });
  }
}

const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_LIMIT_MS = 2000;

/**
 * Closes the connection of a request whose body was refused unread. Destroying the socket at once makes a
 * client that is still sending see a reset instead of our reply, so the rest is read and dropped first, up to
 * a bound in bytes and time (a client that never stops sending is cut off).
 */
function closeAfterDrain(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return void req.socket.end();
  let drained = 0;
  const timer = setTimeout(() => req.destroy(), DRAIN_LIMIT_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.destroy();
  });
  req.once('end', () => {
    clearTimeout(timer);
    req.socket.end();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Writes a core reply: JSON in one write, SSE event by event until the stream or the client ends. */
function writeReply(reply: HttpReply, req: IncomingMessage, res: ServerResponse): void {
  const headers = reply.headers;
  // A refusal sent before the body was read leaves bytes on the socket: close it rather than reuse it.
  if (!req.complete) {
    headers.connection = 'close';
    res.once('finish', () => closeAfterDrain(req));
  }
  if (!reply.sse) {
    // A declared length: one write without chunk framing, and the client needs no chunked decoding.
    const body = reply.body;
    // RFC 9110 §8.6: no Content-Length on a 204 (nor a 304, whose length would describe another body).
    if (reply.status !== 204 && reply.status !== 304) headers['content-length'] = body === undefined ? '0' : String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
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
    core.handle(new NodeRequest(req, res)).then(
      (reply) => writeReply(reply, req, res),
      () => failed(res),
    );
  };
}
