/**
 * One POST to an LLM API with bounded retries: 429, 529 and 5xx (and network failures) are retried with
 * exponential backoff, honouring `retry-after` / `retry-after-ms`; an abort stops the request or the wait.
 * @module
 */
import { CancelledError, HttpError, ProtocolViolationError } from '@mcpkit/protocol';

/** How retries are spaced. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 4. */
  maxAttempts: number;
  /** The first backoff delay; it doubles each retry, with jitter. Default 500 ms. */
  baseDelayMs: number;
  /** No wait is longer than this, whatever `retry-after` says. Default 30 s. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Statuses worth another try: rate limits, Anthropic's "overloaded" (529), and server errors. */
export function isRetryable(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The delay a response asks for, in ms: `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  // Full jitter over the upper half keeps many clients from retrying in step.
  return Math.min(policy.maxDelayMs, exp / 2 + Math.random() * (exp / 2));
}

function cancelled(signal: AbortSignal): CancelledError {
  return new CancelledError('The model request was cancelled', { cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The API's own error message from a JSON error body (`{error: {message}}` in both formats), else the text. */
export function apiErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
    if (typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the body itself says what happened
  }
  return body.trim().slice(0, 300);
}

export interface PostOptions {
  signal?: AbortSignal | undefined;
  retry: RetryPolicy;
  fetch: typeof fetch;
  /** For messages: "Anthropic", "OpenAI". */
  api: string;
  onRetry?: ((info: { attempt: number; delayMs: number; status: number }) => void) | undefined;
}

/**
 * POSTs JSON and resolves with the first 2xx response (its body unread, for streaming).
 * @throws HttpError `MCPKIT_HTTP_ERROR` with the status and the API's message once retries are spent, or at once
 *   for a status not worth retrying; CancelledError `MCPKIT_CANCELLED` on abort.
 */
export async function postJson(url: string, headers: Record<string, string>, body: unknown, options: PostOptions): Promise<Response> {
  const { signal, retry } = options;
  const payload = JSON.stringify(body);
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw cancelled(signal);
    let response: Response;
    try {
      response = await options.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload, signal });
    } catch (error) {
      if (signal?.aborted) throw cancelled(signal);
      if (attempt >= retry.maxAttempts) throw HttpError.from(0, `${options.api} API unreachable at ${url}: ${(error as Error).message}`, '', { cause: error });
      const delayMs = backoff(retry, attempt);
      options.onRetry?.({ attempt: attempt + 1, delayMs, status: 0 });
      await sleep(delayMs, signal);
      continue;
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    if (!isRetryable(response.status) || attempt >= retry.maxAttempts) {
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      throw HttpError.from(response.status, `${options.api} API answered HTTP ${response.status}${tries}: ${apiErrorMessage(text)}`, text);
    }
    const delayMs = Math.min(retry.maxDelayMs, retryAfterMs(response.headers) ?? backoff(retry, attempt));
    options.onRetry?.({ attempt: attempt + 1, delayMs, status: response.status });
    await sleep(delayMs, signal);
  }
}

/** Wraps a stream failure: an abort becomes `MCPKIT_CANCELLED`, anything else `MCPKIT_HTTP_ERROR`. */
export function streamFailure(error: unknown, signal: AbortSignal | undefined, api: string): Error {
  if (signal?.aborted) return cancelled(signal);
  if (error instanceof HttpError || error instanceof CancelledError) return error;
  return HttpError.from(0, `${api} stream broke: ${(error as Error).message ?? String(error)}`, '', { cause: error });
}

/**
 * Gives up on a model request that goes silent: its `signal` aborts when nothing arrived for `ms` (or when the
 * caller's signal aborts). Each event of the stream calls {@link touch}.
 */
export class IdleTimer {
  readonly signal: AbortSignal;
  readonly ms: number;
  readonly #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(ms: number, outer: AbortSignal | undefined) {
    this.ms = ms;
    this.signal = outer ? AbortSignal.any([outer, this.#controller.signal]) : this.#controller.signal;
    this.touch();
  }

  /** Whether the request was given up for silence (not cancelled by the caller). */
  get fired(): boolean {
    return this.#controller.signal.aborted;
  }

  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#controller.abort(new Error('idle')), this.ms);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The error for a request given up for silence. */
  error(api: string): HttpError {
    return HttpError.from(0, `${api} API sent nothing for ${this.ms / 1000} s; gave up (idleTimeoutMs)`);
  }
}

/**
 * One model request: POSTs `body` under an {@link IdleTimer} of `idleMs` and hands the response to `read`. A
 * silence, an abort or a broken stream becomes the error both providers give for it, named for `options.api`.
 * @throws HttpError `MCPKIT_HTTP_ERROR`; CancelledError `MCPKIT_CANCELLED`; ProtocolViolationError from `read`.
 */
export async function exchange<T>(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: Omit<PostOptions, 'signal'> & { signal: AbortSignal | undefined; idleMs: number },
  read: (response: Response, idle: IdleTimer) => Promise<T> | T,
): Promise<T> {
  const idle = new IdleTimer(options.idleMs, options.signal);
  try {
    const response = await postJson(url, headers, body, { ...options, signal: idle.signal });
    return await read(response, idle);
  } catch (error) {
    if (idle.fired) throw idle.error(options.api);
    if (error instanceof ProtocolViolationError || error instanceof HttpError) throw error;
    throw streamFailure(error, options.signal, options.api);
  } finally {
    idle.stop();
  }
}
