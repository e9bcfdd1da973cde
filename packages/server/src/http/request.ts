/**
 * The runtime-neutral view of an incoming HTTP request the core works on, and its web-standard implementation.
 * @module
 */
import { LazyAbortController, type MessageInfo } from '@mcpkit/protocol';
import { BodyTooLargeError, readBody } from './body.js';

export interface HttpRequestLike {
  readonly method: string;
  /** A header value by lower-case name, or null. */
  header(name: string): string | null;
  /** Every header, lower-case names (built on demand: only handlers that look at headers pay for it). */
  headers(): Record<string, string>;
  /**
   * The body as text.
   * @throws BodyTooLargeError past `maxBytes`.
   */
  text(maxBytes: number): Promise<string>;
  /** The request target: path and query (e.g. `/mcp?x=1`), when the adapter knows it. */
  readonly path?: string;
  /** Whether the request came over TLS. */
  readonly secure?: boolean;
  /** The peer's IP address, when the adapter knows it (node:http does; web requests do not). */
  readonly remoteAddress?: string;
  /** Aborted when the client disconnects before the reply is complete. */
  readonly cancellation: LazyAbortController;
}

/**
 * The {@link MessageInfo} of one HTTP request: its headers are copied only if a handler reads them. A class with
 * the getter on its prototype, not an object literal with its own getter: V8 gives each such literal a hidden
 * class of its own holding that getter's closure, and those maps live in the old generation, so every
 * request's closure, and through it the whole request (node's req and res included), survived young-generation
 * collections until the next full one. At c=16 that promoted about 1.3 KB per request and made scavenges take
 * 6-10 ms, nearly doubling the server's CPU per call.
 */
export class HttpMessageInfo implements MessageInfo {
  authInfo: unknown;
  closeStream: (() => void) | undefined;
  readonly #request: HttpRequestLike;
  #headers: Record<string, string> | undefined;

  constructor(request: HttpRequestLike, authInfo: unknown) {
    this.#request = request;
    this.authInfo = authInfo;
    this.closeStream = undefined;
  }

  get headers(): Record<string, string> {
    return (this.#headers ??= this.#request.headers());
  }
}

/** Wraps a web Request. */
export function fromWebRequest(request: Request): HttpRequestLike {
  const cancellation = new LazyAbortController();
  const signal = request.signal;
  if (signal.aborted) cancellation.abort(signal.reason);
  else signal.addEventListener('abort', () => cancellation.abort(signal.reason), { once: true });
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname + url.search,
    secure: url.protocol === 'https:',
    header: (name) => request.headers.get(name),
    headers: () => {
      const out: Record<string, string> = {};
      request.headers.forEach((v, k) => {
        out[k] = v;
      });
      return out;
    },
    text: (maxBytes) => readBody(request, maxBytes),
    cancellation,
  };
}

export { BodyTooLargeError };
