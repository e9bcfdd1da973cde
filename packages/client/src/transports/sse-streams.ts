/**
 * The SSE side of the Streamable HTTP client: POST response streams (resumable in the session era) and the GET stream.
 * @module
 */
import { HttpError, MessageTooLargeError, ProtocolViolationError } from '@mcpkit/protocol';
import { mediaType, networkError, sleep } from './http-support.js';
import { type SseEvent, SseParser, readSse } from './sse-parser.js';

/** How a broken stream is reconnected. */
export interface ReconnectOptions {
  /** Reconnection attempts in a row without a new event before giving up. Default 2. */
  maxRetries?: number;
  /** The first delay; a server's `retry:` replaces it (spec 2025-11-25 transports: MUST respect it). Default 1000 ms. */
  initialDelayMs?: number;
  /** The longest delay of the exponential backoff. Default 30 s. */
  maxDelayMs?: number;
}

/** What the stream readers need from the transport. */
export interface SseHost {
  readonly url: string;
  readonly reconnect: Required<ReconnectOptions>;
  readonly maxEventSize: number;
  /** Hands one decoded message to the engine; never throws. */
  deliver(message: unknown): void;
  report(error: Error): void;
  /** GETs the endpoint as an event stream, resuming after `lastEventId` when given. */
  get(lastEventId: string | undefined, signal: AbortSignal): Promise<Response>;
  /** Turns a failed GET into the error to surface (a 404 ends the session). */
  getFailed(response: Response, what: string): Promise<Error>;
  /** Whether the server gave this client a session id. */
  readonly hasSession: boolean;
}

/** How a POST's stream ended. */
export type StreamOutcome = { kind: 'answered' } | { kind: 'aborted' } | { kind: 'failed'; error: Error };

/**
 * The JSON-RPC messages in one event: none for a priming event (an id with empty data, spec 2025-11-25
 * transports) or an event type other than `message`.
 * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` when the data is not JSON.
 */
export function messagesOf(event: SseEvent): unknown[] {
  if (event.event !== 'message' || event.data.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch (error) {
    throw new ProtocolViolationError(`SSE event data is not JSON: ${event.data.slice(0, 120)}`, { cause: error });
  }
  // 2025-03-26 servers may batch.
  return Array.isArray(value) ? value : [value];
}

function delayFor(host: SseHost, parser: SseParser, attempt: number): number {
  const base = parser.retry ?? host.reconnect.initialDelayMs;
  return Math.min(base * 2 ** (attempt - 1), Math.max(host.reconnect.maxDelayMs, base));
}

/** A failure that a reconnection cannot fix: the server sent something unusable. */
function isFatal(error: unknown): boolean {
  return error instanceof ProtocolViolationError || error instanceof MessageTooLargeError;
}

/**
 * Reads one connection's events, delivering each message. Returns the error that ended it, if any.
 * `stop()` is checked after each message so reading ends as soon as the request is answered.
 */
async function pump(
  host: SseHost,
  body: ReadableStream<Uint8Array>,
  parser: SseParser,
  signal: AbortSignal,
  stop: () => boolean,
  what: string,
): Promise<Error | undefined> {
  try {
    for await (const event of readSse(body, parser)) {
      for (const message of messagesOf(event)) {
        if (signal.aborted) return undefined;
        host.deliver(message);
      }
      if (stop()) return undefined;
    }
    return undefined;
  } catch (error) {
    if (signal.aborted) return undefined;
    return isFatal(error) ? (error as Error) : networkError(what, host.url, error);
  }
}

/**
 * Reads a POST's SSE response until its request is answered. When the stream breaks first and `resumable`
 * (session era, events had ids), it reconnects with GET + `Last-Event-ID` (spec 2025-11-25
 * transports#resumability-and-redelivery), backing off and honouring `retry:`.
 */
export async function readPostStream(
  host: SseHost,
  first: Response,
  request: { what: string; answered?: () => boolean; resumable: boolean },
  signal: AbortSignal,
): Promise<StreamOutcome> {
  const parser = new SseParser({ maxEventSize: host.maxEventSize });
  let response = first;
  let attempt = 0;
  const answered = request.answered ?? (() => false);
  for (;;) {
    const before = parser.lastEventId;
    const error = response.body ? await pump(host, response.body, parser, signal, answered, `SSE stream of ${request.what}`) : undefined;
    if (answered()) return { kind: 'answered' };
    if (signal.aborted) return { kind: 'aborted' };
    if (error && isFatal(error)) return { kind: 'failed', error };
    // A stream that answers no request (it carried a notification's reply) is done when it ends.
    if (!request.answered) return error ? { kind: 'failed', error } : { kind: 'answered' };
    const lastId = parser.lastEventId;
    if (!request.resumable || !lastId) {
      return { kind: 'failed', error: error ?? new ProtocolViolationError(`The SSE stream of ${request.what} ended before its response`) };
    }
    if (lastId !== before) attempt = 0;
    // Reconnect until a GET succeeds or the attempts run out.
    let next: Response | undefined;
    let lastError: Error | undefined = error;
    while (next === undefined) {
      if (attempt >= host.reconnect.maxRetries) {
        const detail = lastError ? `: ${lastError.message}` : '';
        const message = `The SSE stream of ${request.what} could not be resumed after ${attempt} attempts${detail}`;
        return { kind: 'failed', error: HttpError.from(0, message, '', { cause: lastError }) };
      }
      attempt++;
      if (!(await sleep(delayFor(host, parser, attempt), signal))) return { kind: 'aborted' };
      try {
        const r = await host.get(lastId, signal);
        if (r.ok && mediaType(r) === 'text/event-stream') next = r;
        else if (r.ok) {
          await r.body?.cancel().catch(() => undefined);
          lastError = new ProtocolViolationError(`GET ${host.url} answered ${r.headers.get('content-type') ?? 'no content type'}, not text/event-stream`);
        } else if (r.status === 404 || r.status === 405) return { kind: 'failed', error: await host.getFailed(r, `Resuming ${request.what}`) };
        else lastError = await host.getFailed(r, `Resuming ${request.what}`);
      } catch (e) {
        if (signal.aborted) return { kind: 'aborted' };
        lastError = networkError(`Resuming ${request.what}`, host.url, e);
      }
    }
    response = next;
  }
}

/**
 * Keeps the session's standalone GET stream open (spec 2025-11-25 transports#listening-for-messages-from-the-server):
 * a 405 means the server offers none; a drop is followed by a reconnection with `Last-Event-ID`, bounded by
 * `maxRetries` attempts in a row without a new event.
 */
export async function runStandaloneStream(host: SseHost, signal: AbortSignal): Promise<void> {
  const parser = new SseParser({ maxEventSize: host.maxEventSize });
  let attempt = 0;
  for (;;) {
    let response: Response | undefined;
    let error: Error | undefined;
    const before = parser.lastEventId;
    try {
      response = await host.get(parser.lastEventId || undefined, signal);
    } catch (e) {
      if (signal.aborted) return;
      error = networkError('GET (standalone SSE stream)', host.url, e);
    }
    if (response) {
      // 405, or 400/404 from a server that keeps no sessions, means it offers no standalone stream: the
      // optional GET is simply not there, which is nothing to report.
      if (response.status === 405 || ((response.status === 404 || response.status === 400) && !host.hasSession)) {
        await response.body?.cancel().catch(() => undefined);
        return;
      }
      if (!response.ok) {
        host.report(await host.getFailed(response, 'GET (standalone SSE stream)'));
        return;
      }
      if (mediaType(response) !== 'text/event-stream') {
        await response.body?.cancel().catch(() => undefined);
        host.report(new ProtocolViolationError(`GET ${host.url} answered ${response.headers.get('content-type') ?? 'no content type'}, not text/event-stream`));
        return;
      }
      if (response.body) error = await pumpStandalone(host, response.body, parser, signal);
    }
    if (signal.aborted) return;
    if (parser.lastEventId !== before) attempt = 0;
    if (attempt >= host.reconnect.maxRetries) {
      const detail = error ? `: ${error.message}` : '';
      const message = `The standalone SSE stream of ${host.url} dropped and could not be reopened after ${attempt} attempts${detail}`;
      host.report(HttpError.from(0, message, '', { cause: error }));
      return;
    }
    attempt++;
    if (!(await sleep(delayFor(host, parser, attempt), signal))) return;
  }
}

/** Like pump, but a bad event is reported and skipped: the stream serves the whole session. */
async function pumpStandalone(host: SseHost, body: ReadableStream<Uint8Array>, parser: SseParser, signal: AbortSignal): Promise<Error | undefined> {
  try {
    for await (const event of readSse(body, parser)) {
      let messages: unknown[];
      try {
        messages = messagesOf(event);
      } catch (error) {
        host.report(error as Error);
        continue;
      }
      for (const message of messages) {
        if (signal.aborted) return undefined;
        host.deliver(message);
      }
    }
    return undefined;
  } catch (error) {
    if (signal.aborted) return undefined;
    if (isFatal(error)) host.report(error as Error);
    return networkError('GET (standalone SSE stream)', host.url, error);
  }
}
