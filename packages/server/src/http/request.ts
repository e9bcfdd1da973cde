/**
 * The runtime-neutral view of an incoming HTTP request the core works on, and its web-standard implementation.
 * @module
 */
import { LazyAbortController } from '@mcpkit/protocol';
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
