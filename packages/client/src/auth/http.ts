/**
 * The OAuth client's own HTTP: bounded, time-limited requests that re-check every redirect hop against the
 * network policy, and JSON bodies read with a size cap. Web APIs only.
 * @module
 */
import { AuthDiscoveryError, HttpError } from '@mcpkit/protocol';
import { type NetworkPolicy, guardUrl } from './url-guard.js';

/** What every OAuth request needs: the fetch to use, the policy, the trusted origin and a time limit. */
export interface AuthHttpContext {
  fetch: typeof fetch;
  policy: NetworkPolicy;
  /** The MCP server's origin; URLs on it skip the private-network check. */
  trustedOrigin: string;
  /** Per request; default 30 s. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Largest metadata or token response read, in characters. Real documents are a few kilobytes. */
export const MAX_AUTH_BODY_CHARS = 1 << 20;
const MAX_REDIRECTS = 3;

/**
 * Sends a request to a URL that came from discovery, following at most three redirects and checking each hop.
 * @throws AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL` for a refused hop; HttpError `MCPKIT_HTTP_ERROR` (status 0)
 * when the request gets no response.
 */
export async function authFetch(ctx: AuthHttpContext, url: string, what: string, init: RequestInit = {}): Promise<Response> {
  let target = guardUrl(url, what, ctx.policy, ctx.trustedOrigin);
  const signals = [AbortSignal.timeout(ctx.timeoutMs)];
  if (ctx.signal) signals.push(ctx.signal);
  const signal = signals.length === 1 ? signals[0]! : anySignal(signals);
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await ctx.fetch(target.href, { ...init, redirect: 'manual', signal });
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw HttpError.from(0, `${what} request to ${target.href} failed: ${detail}`, '', { cause });
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) throw HttpError.from(response.status, `${what} request to ${url} redirected too many times`);
    target = guardUrl(new URL(location, target).href, `${what} (redirect)`, ctx.policy, ctx.trustedOrigin);
    // RFC 9110 §15.4: a 303, or a 301/302 after POST, continues as GET without a body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && init.method === 'POST')) {
      init = { ...init, method: 'GET', body: null };
    }
  }
}

/**
 * Reads a JSON object body, at most {@link MAX_AUTH_BODY_CHARS} characters.
 * @throws AuthDiscoveryError `MCPKIT_AUTH_DISCOVERY_FAILED` when the body is not a JSON object or is too large.
 */
export async function readJsonObject(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await readBounded(response);
  if (text === undefined) throw new AuthDiscoveryError(`${what} is larger than ${MAX_AUTH_BODY_CHARS} characters`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new AuthDiscoveryError(`${what} is not valid JSON`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthDiscoveryError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The body as text, or undefined when it exceeds the cap; never more than the cap is buffered. */
export async function readBounded(response: Response, maxChars = MAX_AUTH_BODY_CHARS): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length > maxChars) return undefined;
    }
    return text + decoder.decode();
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** Form-encodes one value the way RFC 6749 Appendix B asks (space as `+`), e.g. for Basic credentials. */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

// AbortSignal.any is Node 20.3+; a small fallback keeps other runtimes working.
function anySignal(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as unknown as { any?: (s: AbortSignal[]) => AbortSignal }).any;
  if (any) return any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}
