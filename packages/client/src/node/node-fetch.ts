/**
 * A `fetch` for the HTTP client transports over `node:http`/`node:https` with keep-alive agents: on Node it
 * costs a fraction of the global fetch per request (no WHATWG Request, no body stream for a JSON answer).
 * @module
 */
import { Agent as HttpAgent, type IncomingMessage, type RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { type Cancellation, signalCancellation } from '@mcpkit/protocol';
import { BUFFERED_TEXT, CANCELLATION, RAW_HEADER, TAKES_CANCELLATION } from '../transports/http-support.js';

export interface NodeFetchOptions {
  /** Agents to send through. Default: keep-alive agents owned by this fetch (LIFO, so idle sockets age out). */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
  /** Bodies other than event streams are read before the Response is made, up to this many bytes; past it they stream. Default 4 MiB. */
  maxBufferedBytes?: number;
}

const DEFAULT_MAX_BUFFERED = 4 * 1024 * 1024;
/** Statuses whose Response must have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Makes a fetch-compatible function over `node:http`/`node:https` for `StreamableHttpClientTransport` and
 * `LegacySseClientTransport` (their `fetch` option). It takes string URLs or URL objects, a method, headers,
 * a string or byte body and a signal, follows no redirects (MCP endpoints do not redirect POSTs), and
 * returns a web `Response`: event streams and bodies past `maxBufferedBytes` stream, others are read first.
 * @throws (rejects) TypeError "fetch failed" with the socket error as `cause`, like the global fetch; the
 *   signal's reason when it aborts.
 * @example
 * const transport = new StreamableHttpClientTransport('http://127.0.0.1:3000/mcp', { fetch: createNodeFetch() });
 */
export function createNodeFetch(options: NodeFetchOptions = {}): typeof fetch {
  const httpAgent = options.httpAgent ?? new HttpAgent({ keepAlive: true, scheduling: 'lifo' });
  const httpsAgent = options.httpsAgent ?? new HttpsAgent({ keepAlive: true, scheduling: 'lifo' });
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;

  // A transport sends every request to one URL: parse it once.
  let lastUrl: string | undefined;
  let lastTarget: Target | TypeError = new TypeError('no URL');
  const targetOf = (input: string | URL): Target | TypeError => {
    const href = typeof input === 'string' ? input : input.href;
    if (href !== lastUrl) {
      lastUrl = href;
      try {
        const url = new URL(href);
        lastTarget = url.protocol === 'http:' || url.protocol === 'https:' ? targetFor(url) : new TypeError(`fetch failed: unsupported protocol ${url.protocol}`);
      } catch (error) {
        lastTarget = new TypeError(`fetch failed: invalid URL ${href}`, { cause: error });
      }
    }
    return lastTarget;
  };

  const nodeFetch = (input: string | URL | Request, init: RequestInit & { [CANCELLATION]?: Cancellation } = {}): Promise<Response> => {
    if (typeof input !== 'string' && !(input instanceof URL)) return Promise.reject(new TypeError('nodeFetch takes a URL string or URL object, not a Request'));
    const target = targetOf(input);
    // The transports pass a Cancellation (no AbortSignal made per request); other callers a signal.
    const signal = init[CANCELLATION] ?? (init.signal ? signalCancellation(init.signal) : undefined);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const body = bodyOf(init.body);
    if (body instanceof Error) return Promise.reject(body);
    const headers = headersOf(init.headers);
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    if (target instanceof Error) return Promise.reject(target);
    const https = target.protocol === 'https:';

    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        forget?.();
        reject(error);
      };
      // A literal of fixed shape per request (not the target spread with keys added: a slow path on Node 20).
      const options: RequestOptions = { protocol: target.protocol, hostname: target.hostname, port: target.port, path: target.path, auth: target.auth, method: init.method ?? 'GET', headers, agent: https ? httpsAgent : httpAgent };
      const req = (https ? httpsRequest : httpRequest)(options);
      // After the answer arrived, an abort ends its body stream instead (with the same reason).
      const forget = signal?.onAbort((reason) => {
        req.destroy(reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError'));
        fail(reason);
      });
      req.on('error', (error) => fail(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
      req.on('response', (res) => {
        const done = () => forget?.();
        const answer = (responseBody: ReadableStream<Uint8Array> | Buffer) => {
          if (settled) return;
          settled = true;
          const status = res.statusCode ?? 0;
          try {
            // A successful answer read whole: no web stream unless someone asks for one (making a
            // ReadableStream cost ~35 µs a call on Node 20), and its Headers made only when read.
            // Error answers keep a plain Response.
            if (Buffer.isBuffer(responseBody) && status >= 200 && status < 300 && !NULL_BODY.has(status)) {
              resolve(new BufferedResponse(responseBody, status, res) as unknown as Response);
              return;
            }
            const responseInit = { status, statusText: res.statusMessage ?? '', headers: responseHeaders(res) };
            if (NULL_BODY.has(status)) resolve(new Response(null, responseInit));
            else resolve(new Response(responseBody as unknown as BodyInit, responseInit));
          } catch (error) {
            res.destroy();
            reject(new TypeError('fetch failed', { cause: error }));
          }
        };
        res.once('close', done);
        res.on('error', (error) => fail(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error })));
        if ((res.headers['content-type'] ?? '').toLowerCase().startsWith('text/event-stream')) {
          answer(streamOf([], res));
          return;
        }
        // The common MCP answer: one JSON body. Read it, then hand out a Response over bytes (no stream
        // plumbing per call); past maxBufferedBytes, what was read and the rest become a stream.
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size <= maxBuffered) return;
          res.off('data', onData).off('end', onEnd);
          answer(streamOf(chunks, res));
        };
        const onEnd = () => answer(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
        res.on('data', onData).on('end', onEnd);
      });
      req.end(body);
    });
  };
  return Object.assign(nodeFetch, { [TAKES_CANCELLATION]: true }) as unknown as typeof fetch;
}

/** Where requests go, from a URL: what `http.request` needs of it, made once per URL. */
interface Target {
  protocol: string;
  hostname: string;
  port: number | string | undefined;
  path: string;
  auth: string | undefined;
}

function targetFor(url: URL): Target {
  const o = urlToHttpOptions(url);
  return { protocol: url.protocol, hostname: o.hostname ?? url.hostname, port: o.port ?? undefined, path: o.path ?? '/', auth: o.auth ?? undefined };
}

/**
 * A Response whose body was read whole: `text()`, `json()`, `arrayBuffer()` and `readText` (through
 * BUFFERED_TEXT) use the bytes; `body` makes a stream only when asked for. Consumed once, like any Response.
 * It is a Response (`instanceof`, the prototype chain) without running the Response constructor, which costs
 * microseconds per answer on Node 20: every member of Response.prototype is defined here, so none of undici's
 * (which need its internal state) is ever reached.
 */
class BufferedResponse {
  readonly #bytes: Buffer;
  readonly #status: number;
  readonly #res: IncomingMessage | undefined;
  #headers: Headers | undefined;
  #stream: Response['body'] = null;
  #used = false;

  constructor(bytes: Buffer, status: number, res: IncomingMessage | undefined, headers?: Headers) {
    this.#bytes = bytes;
    this.#status = status;
    this.#res = res;
    this.#headers = headers;
  }

  get type(): ResponseType {
    return 'default';
  }

  get url(): string {
    return '';
  }

  get redirected(): boolean {
    return false;
  }

  get status(): number {
    return this.#status;
  }

  get ok(): boolean {
    return this.#status >= 200 && this.#status < 300;
  }

  get statusText(): string {
    return this.#res?.statusMessage ?? '';
  }

  get headers(): Headers {
    this.#headers ??= this.#res === undefined ? new Headers() : responseHeaders(this.#res);
    return this.#headers;
  }

  /** One header's value (lower-case name), without making the Headers. */
  [RAW_HEADER](name: string): string | undefined {
    if (this.#headers !== undefined || this.#res === undefined) return this.#headers?.get(name) ?? undefined;
    const value = this.#res.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  get body(): Response['body'] {
    if (!this.#stream) {
      const bytes = this.#used ? new Uint8Array(0) : new Uint8Array(this.#bytes);
      this.#stream = new ReadableStream({
        start(controller) {
          if (bytes.byteLength > 0) controller.enqueue(bytes);
          controller.close();
        },
      });
    }
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false);
  }

  #take(): Buffer {
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  async text(): Promise<string> {
    return this[BUFFERED_TEXT]();
  }

  async json(): Promise<unknown> {
    return JSON.parse(this[BUFFERED_TEXT]());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(this.#take());
  }

  async blob(): Promise<Blob> {
    const bytes = this.#take();
    return new Blob([new Uint8Array(bytes)], { type: this[RAW_HEADER]('content-type') ?? '' });
  }

  /** Rare for an MCP answer: parsed by a plain Response over the same bytes and headers. */
  async formData(): Promise<FormData> {
    return new Response(new Uint8Array(this.#take()), { status: this.#status, headers: this.headers }).formData();
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, this.#status, this.#res, this.headers) as unknown as Response;
  }

  /** The body as text (UTF-8, a leading BOM dropped, as `text()` does), consuming it. */
  [BUFFERED_TEXT](): string {
    const text = this.#take().toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}
Object.setPrototypeOf(BufferedResponse.prototype, Response.prototype);

/** A byte stream of `first`, then the rest of `res`, pausing `res` while the reader is behind. */
function streamOf(first: Buffer[], res: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of first) controller.enqueue(chunk);
      // A reader may cancel at any point: after that the controller must not be touched.
      const end = (how: () => void) => {
        if (!open) return;
        open = false;
        how();
      };
      res.on('data', (chunk: Buffer) => {
        if (!open) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) res.pause();
      });
      res.on('end', () => end(() => controller.close()));
      res.on('close', () => {
        if (!res.complete) end(() => controller.error(res.errored ?? new TypeError('terminated: the connection closed before the body ended')));
      });
    },
    pull() {
      res.resume();
    },
    cancel() {
      open = false;
      res.destroy();
    },
  });
}

function bodyOf(body: RequestInit['body']): Buffer | undefined | TypeError {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (body instanceof URLSearchParams) return Buffer.from(body.toString());
  return new TypeError('nodeFetch sends string, byte and URLSearchParams bodies only');
}

function headersOf(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (out[name] = value));
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) out[(name as string).toLowerCase()] = value as string;
  } else {
    for (const name of Object.keys(headers)) out[name.toLowerCase()] = (headers as Record<string, string>)[name] as string;
  }
  return out;
}

function responseHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i] as string, raw[i + 1] as string);
  return headers;
}
