/**
 * Plumbing both client HTTP transports share (headers, auth retry, bounded reads, HTTP errors, waits), Web APIs only.
 * @module
 */
import { type Cancellation, HttpError, type JsonRpcMessage, LazyAbortController, MessageTooLargeError, copyObject } from '@mcpkit/protocol';

/** Extra request headers: fixed, or computed before every request (e.g. a fresh token). */
export type HttpHeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** Supplies credentials and reacts to 401/403 (an OAuth layer plugs in here). */
export interface HttpAuthProvider {
  /**
   * Headers to add to every request, e.g. `{ Authorization: 'Bearer …' }`. The request's method and URL are
   * given because some credentials are bound to them (a DPoP proof, RFC 9449).
   */
  headers(request: { url: string; method: string }): Promise<Record<string, string>>;
  /**
   * Called on 401 or 403 before the request fails, with the response (its `WWW-Authenticate` header).
   * Resolve true to retry once with fresh `headers()`.
   */
  onUnauthorized(response: Response, request: { url: string; method: string }): Promise<boolean>;
}

// One retry per request: a DPoP nonce challenge on a fresh token is answered inside the provider's wrapFetch.
const MAX_AUTH_RETRIES = 1;

/** The options both HTTP transports understand. */
export interface HttpRequestOptions {
  headers?: HttpHeadersOption;
  /** The fetch to use; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Merged into every request (credentials, mode, …); its headers come before ours. */
  requestInit?: RequestInit;
  authProvider?: HttpAuthProvider;
}

/**
 * Sends one HTTP request with the caller's headers, then ours (`fixed` wins), then credentials. On 401/403 it
 * asks the auth provider and retries once if told to.
 * @throws whatever fetch throws (a network failure, an abort).
 */
export async function fetchWithAuth(
  options: HttpRequestOptions,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal | LazyAbortController },
): Promise<Response> {
  const doFetch = options.fetch ?? globalThis.fetch;
  // A LazyAbortController goes to a fetch that follows a Cancellation as it is (createNodeFetch): no AbortSignal
  // is made for the request, nor listened to. Any other fetch gets its signal.
  const cancel = init.signal;
  const takesCancellation = (doFetch as Partial<Record<typeof TAKES_CANCELLATION, boolean>>)[TAKES_CANCELLATION] === true;
  const signal = cancel instanceof LazyAbortController && !takesCancellation ? cancel.signal : cancel;
  for (let attempt = 0; ; attempt++) {
    // A plain record with lower-case names (later sources win, as Headers#set would): a web Headers object costs
    // more per request than the rest of this function, and every fetch takes a record.
    const headers: Record<string, string> = {};
    if (options.requestInit?.headers !== undefined) new Headers(options.requestInit.headers).forEach((v, k) => (headers[k] = v));
    const extra = typeof options.headers === 'function' ? await options.headers() : options.headers;
    if (extra !== undefined) setAll(headers, extra);
    setAll(headers, init.headers);
    if (options.authProvider) setAll(headers, await options.authProvider.headers({ url, method: init.method }));
    // Stores into a copy, never keys added to a spread (a slow path per request on Node 20's V8).
    const request: RequestInit & { [CANCELLATION]?: Cancellation } = options.requestInit === undefined ? {} : copyObject(options.requestInit);
    request.method = init.method;
    request.headers = headers;
    if (signal instanceof LazyAbortController) request[CANCELLATION] = signal;
    else request.signal = signal;
    if (init.body !== undefined) request.body = init.body;
    const response = await doFetch(url, request);
    if ((response.status === 401 || response.status === 403) && options.authProvider && attempt < MAX_AUTH_RETRIES) {
      const retry = await options.authProvider.onUnauthorized(response, { url, method: init.method });
      if (retry) {
        await response.body?.cancel().catch(() => undefined);
        continue;
      }
    }
    return response;
  }
}

function setAll(into: Record<string, string>, from: Record<string, string>): void {
  for (const name of Object.keys(from)) into[name.toLowerCase()] = from[name] as string;
}

/** The media type of a response, lower-cased and without parameters. */
export function mediaType(response: Response): string {
  const raw = (response as Partial<Record<typeof RAW_HEADER, (name: string) => string | undefined>>)[RAW_HEADER];
  const value = typeof raw === 'function' ? raw.call(response, 'content-type') : response.headers.get('content-type');
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * A Response from the Node fetch of `@mcpkit/client/node` has a method under this key returning one header's
 * value (name in lower case) without building its web Headers, which most answers never need.
 */
export const RAW_HEADER: unique symbol = Symbol.for('mcpkit.rawHeader');

/**
 * A fetch function carrying `true` under this key (the Node fetch of `@mcpkit/client/node`) follows a
 * {@link Cancellation} passed in its init under {@link CANCELLATION} in place of `signal`: the transports then make
 * no AbortSignal per request (making one, and listening to it, costs microseconds on Node 20).
 */
export const TAKES_CANCELLATION: unique symbol = Symbol.for('mcpkit.takesCancellation');

/** Where a fetch marked {@link TAKES_CANCELLATION} finds the request's Cancellation in its init. */
export const CANCELLATION: unique symbol = Symbol.for('mcpkit.cancellation');

/**
 * A Response from a fetch that already holds its whole body (the Node fetch of `@mcpkit/client/node`) has a
 * method under this key returning it as text; `readText` then skips the stream.
 */
export const BUFFERED_TEXT: unique symbol = Symbol.for('mcpkit.bufferedText');

/**
 * Reads a body as text, at most `maxChars` UTF-16 code units.
 * @throws MessageTooLargeError `MCPKIT_MESSAGE_TOO_LARGE`; whatever the body stream throws.
 */
export async function readText(response: Response, maxChars: number): Promise<string> {
  const buffered = (response as Partial<Record<typeof BUFFERED_TEXT, () => string>>)[BUFFERED_TEXT];
  if (typeof buffered === 'function' && !response.bodyUsed) {
    const text = buffered.call(response);
    if (text.length > maxChars) throw new MessageTooLargeError(`response body exceeds the limit of ${maxChars} characters`);
    return text;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      size += text.length;
      if (size > maxChars) throw new MessageTooLargeError(`response body exceeds the limit of ${maxChars} characters`);
      parts.push(text);
    }
    parts.push(decoder.decode());
    return parts.join('');
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The start of a body for an error message; never throws. */
export async function readSnippet(response: Response, maxChars = 2000): Promise<string> {
  if (!response.body || response.bodyUsed) return '';
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = response.body.getReader();
  } catch {
    return ''; // an auth hook may have read the body already
  }
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < maxChars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body that fails mid-read still gave us its start, which is all an error message needs.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, maxChars);
}

/**
 * An HttpError for a failed exchange; its message names what was asked and where. On 401/403 it quotes
 * `WWW-Authenticate` so the caller can see what credentials the server wants (spec basic/authorization).
 */
export function httpErrorFor(response: Response, what: string, url: string, body: string): HttpError {
  let message = `${what} to ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const challenge = response.headers.get('www-authenticate');
  if ((response.status === 401 || response.status === 403) && challenge !== null) message += `; WWW-Authenticate: ${challenge}`;
  const shown = body.trim().slice(0, 200);
  if (shown) message += `: ${shown}`;
  return HttpError.from(response.status, message, body);
}

/** An HttpError for a request that got no response at all (status 0). */
export function networkError(what: string, url: string, cause: unknown): HttpError {
  // fetch reports "fetch failed" and keeps the reason (ECONNREFUSED, a TLS error …) in its cause chain.
  let detail = cause instanceof Error ? cause.message : String(cause);
  const inner = cause instanceof Error ? (cause.cause as { message?: unknown; code?: unknown } | undefined) : undefined;
  if (inner && typeof inner.message === 'string' && inner.message !== detail) {
    detail += `: ${typeof inner.code === 'string' && !inner.message.includes(inner.code) ? `${inner.code} ` : ''}${inner.message}`;
  }
  return HttpError.from(0, `${what} to ${url} failed: ${detail}`, '', { cause });
}

/** A controller that also aborts when `parent` does; `dispose()` unhooks it from the parent. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

/** Waits `ms`; resolves false early if `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** How a message is named in errors: `tools/call (id 3)`. */
export function describeMessage(message: JsonRpcMessage): string {
  if ('method' in message) return 'id' in message ? `${message.method} (id ${String(message.id)})` : message.method;
  return `response to id ${String(message.id)}`;
}

/** A JSON-RPC error response read from an error status's body, if that is what it is. */
export function rpcErrorIn(body: string): { id: unknown } | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (typeof value === 'object' && value !== null && 'error' in value && !('method' in value)) return value as unknown as { id: unknown };
  } catch {
    // Not JSON after all: the caller builds an HttpError from the text.
  }
  return undefined;
}

/**
 * Ends a session with DELETE (spec 2025-11-25 transports#session-management: clients SHOULD). A 405 (the server
 * does not let clients end sessions) and a 404 (it already forgot) are fine; anything else is reported.
 */
export async function endSession(
  options: HttpRequestOptions,
  url: string,
  sessionId: string,
  protocolVersion: string | undefined,
  report: (error: Error) => void,
  timeoutMs = 5000,
): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = { 'Mcp-Session-Id': sessionId };
  if (protocolVersion !== undefined) headers['MCP-Protocol-Version'] = protocolVersion;
  try {
    const response = await fetchWithAuth(options, url, { method: 'DELETE', headers, signal: controller.signal });
    const body = response.ok ? '' : await readSnippet(response);
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok && response.status !== 405 && response.status !== 404) report(httpErrorFor(response, 'DELETE (end of session)', url, body));
  } catch (error) {
    report(networkError('DELETE (end of session)', url, error));
  } finally {
    clearTimeout(timer);
  }
}
