/**
 * The client side of the deprecated HTTP+SSE transport (spec 2024-11-05 basic/transports#http-with-sse).
 * @module
 */
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  type JsonRpcMessage,
  MessageTooLargeError,
  type MessageInfo,
  ProtocolViolationError,
  TimeoutError,
  type Transport,
  TransportStateError,
} from '@mcpkit/protocol';
import { type HttpRequestOptions, fetchWithAuth, httpErrorFor, mediaType, networkError, readSnippet } from './http-support.js';
import { SseParser, readSse } from './sse-parser.js';
import { messagesOf } from './sse-streams.js';

/** Options for {@link LegacySseClientTransport}. */
export interface LegacySseClientTransportOptions extends HttpRequestOptions {
  /** How long start() waits for the `endpoint` event. Default 10 s. */
  endpointTimeoutMs?: number;
  /** The largest SSE event accepted, in UTF-16 code units. Default 32 MiB. */
  maxMessageSize?: number;
}

/**
 * A client transport for servers that still speak HTTP+SSE (2024-11-05). Use it when a Streamable HTTP POST
 * fails with 400/404/405 and no modern JSON-RPC error (spec 2026-07-28 streamable-http#backward-compatibility).
 * @example
 * const transport = new LegacySseClientTransport('http://127.0.0.1:3001/sse');
 * await transport.start(); // resolves once the server announced its POST endpoint
 */
export class LegacySseClientTransport implements Transport {
  readonly url: string;
  /** The POST endpoint the server announced, resolved against `url`; undefined until start() resolves. */
  endpoint: string | undefined;
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;

  readonly #options: LegacySseClientTransportOptions;
  readonly #closing = new AbortController();
  #started = false;
  #closed = false;
  #ready: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(url: string | URL, options: LegacySseClientTransportOptions = {}) {
    this.url = String(url);
    this.#options = options;
  }

  /**
   * Opens the event stream and waits for the `endpoint` event.
   * @throws HttpError `MCPKIT_HTTP_ERROR` for a non-2xx status or no response; TimeoutError `MCPKIT_TIMEOUT`
   *   when no endpoint arrives in time; ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` for a stream that is
   *   not SSE or an endpoint on another origin; TransportStateError `MCPKIT_TRANSPORT_STATE` when started twice.
   */
  async start(): Promise<void> {
    if (this.#closed) throw new TransportStateError(`The SSE transport to ${this.url} is closed`);
    if (this.#started) throw new TransportStateError(`The SSE transport to ${this.url} is already started`);
    this.#started = true;
    const ready = new Promise<void>((resolve, reject) => {
      this.#ready = { resolve, reject };
    });
    const ms = this.#options.endpointTimeoutMs ?? 10_000;
    const timer = setTimeout(() => this.#failStart(new TimeoutError(`${this.url} sent no endpoint event within ${ms} ms`)), ms);
    void this.#run();
    try {
      await ready;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Settles start() with an error and drops the stream; the transport never opened, so no `onclose`. */
  #failStart(error: Error): void {
    const ready = this.#ready;
    if (!ready) return;
    this.#ready = undefined;
    this.#closed = true;
    this.#closing.abort(error);
    ready.reject(error);
  }

  async #run(): Promise<void> {
    const what = 'GET (SSE stream)';
    let response: Response;
    try {
      response = await fetchWithAuth(this.#options, this.url, { method: 'GET', headers: { Accept: 'text/event-stream' }, signal: this.#closing.signal });
    } catch (error) {
      if (!this.#closing.signal.aborted) this.#failStart(networkError(what, this.url, error));
      return;
    }
    if (!response.ok) {
      this.#failStart(httpErrorFor(response, what, this.url, await readSnippet(response)));
      return;
    }
    if (mediaType(response) !== 'text/event-stream' || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      const type = response.headers.get('content-type') ?? 'no content type';
      this.#failStart(new ProtocolViolationError(`${what} to ${this.url} answered ${type}, not text/event-stream`));
      return;
    }
    let failure: Error | undefined;
    try {
      for await (const event of readSse(response.body, new SseParser({ maxEventSize: this.#options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_BYTES }))) {
        if (event.event === 'endpoint') this.#onEndpoint(event.data);
        else this.#onEvent(event.event, event.data);
        if (this.#closed) return;
      }
      failure = this.endpoint === undefined ? new ProtocolViolationError(`The SSE stream of ${this.url} ended before its endpoint event`) : undefined;
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      failure = error instanceof MessageTooLargeError ? error : networkError(what, this.url, error);
    }
    if (this.#ready) {
      this.#failStart(failure ?? new ProtocolViolationError(`The SSE stream of ${this.url} ended before its endpoint event`));
      return;
    }
    // The stream is the connection: once it ends, nothing more can arrive, so the transport closes.
    if (failure) this.#report(failure);
    await this.close();
  }

  #onEndpoint(data: string): void {
    if (this.endpoint !== undefined || !this.#ready) return; // the first endpoint event is the one (spec)
    let target: URL;
    try {
      target = new URL(data.trim(), this.url);
    } catch (error) {
      this.#failStart(new ProtocolViolationError(`The endpoint event of ${this.url} is not a URL: ${data.slice(0, 120)}`, { cause: error }));
      return;
    }
    // Security: a hostile or compromised stream must not redirect client messages (and credentials) elsewhere.
    if (target.origin !== new URL(this.url).origin) {
      this.#failStart(new ProtocolViolationError(`Refusing the endpoint ${target.href}: it is not on the origin of ${this.url}`));
      return;
    }
    this.endpoint = target.href;
    const ready = this.#ready;
    this.#ready = undefined;
    ready.resolve();
  }

  #onEvent(type: string, data: string): void {
    let messages: unknown[];
    try {
      messages = messagesOf({ event: type, data, id: undefined, retry: undefined });
    } catch (error) {
      this.#report(error as Error);
      return;
    }
    for (const message of messages) {
      try {
        this.onmessage?.(message);
      } catch (error) {
        this.#report(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /**
   * POSTs one message to the endpoint; answers arrive on the event stream.
   * @throws HttpError `MCPKIT_HTTP_ERROR` for a non-2xx status or no response; TransportStateError
   *   `MCPKIT_TRANSPORT_STATE` before start() resolved or after close.
   */
  async send(message: JsonRpcMessage): Promise<void> {
    const endpoint = this.endpoint;
    if (this.#closed) throw new TransportStateError(`The SSE transport to ${this.url} is closed`);
    if (endpoint === undefined) throw new TransportStateError(`The SSE transport to ${this.url} has no endpoint yet: await start()`);
    const what = 'method' in message ? `POST ${message.method}` : 'POST (response)';
    let response: Response;
    try {
      response = await fetchWithAuth(this.#options, endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(message),
        signal: this.#closing.signal,
      });
    } catch (error) {
      throw networkError(what, endpoint, error);
    }
    if (!response.ok) throw httpErrorFor(response, what, endpoint, await readSnippet(response));
    await response.body?.cancel().catch(() => undefined);
  }

  #report(error: Error): void {
    try {
      this.onerror?.(error);
    } catch {
      // An error listener that throws has nowhere left to report to.
    }
  }

  /** Ends the event stream and any POST in flight, then `onclose`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort(new TransportStateError(`The SSE transport to ${this.url} closed`));
    this.#ready?.reject(new TransportStateError(`The SSE transport to ${this.url} closed before its endpoint event`));
    this.#ready = undefined;
    try {
      this.onclose?.();
    } catch (error) {
      this.#report(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
