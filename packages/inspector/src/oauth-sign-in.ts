/**
 * OAuth sign-in from the inspector's UI, on `@mcpkit/client/auth`'s {@link OAuthProvider}: the provider does the
 * work (discovery, registration, PKCE, token exchange); this records each of its HTTP requests as a step of a
 * trace (method, URL, status: never a header or a body), hands the authorization URL to the page as text, and
 * takes the browser's redirect back at the inspector's own `/oauth/callback`.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { HttpAuthProvider } from '@mcpkit/client';
import { type AuthorizationRequest, OAuthProvider, isLoopbackHost, isPrivateHost } from '@mcpkit/client/auth';
import { CancelledError } from '@mcpkit/protocol';
import type { EventHub } from './event-hub.js';
import type { OAuthStep, OAuthTrace } from './events.js';

/** The inspector's path the authorization server sends the browser back to. */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';
/** Steps kept in one trace (a server that keeps redirecting cannot grow it without bound). */
const MAX_STEPS = 40;
/** MCP requests recorded in the trace: the first refused one and the retries after it, not a session's traffic. */
const MAX_MCP_STEPS = 4;

/** Which part of the flow a request to `url` is, from its well-known path or its body (as RFC 8414/9728/7591/6749 shape them). */
function stepLabel(url: URL, method: string, body: unknown): string {
  const path = url.pathname;
  if (path.startsWith('/.well-known/oauth-protected-resource')) return 'protected resource metadata';
  if (path.includes('/.well-known/oauth-authorization-server') || path.includes('/.well-known/openid-configuration')) return 'authorization server metadata';
  if (method === 'POST' && typeof body === 'string' && body.startsWith('{')) return 'client registration';
  if (method === 'POST' && body instanceof URLSearchParams) {
    const grant = body.get('grant_type');
    return grant === 'authorization_code' ? 'token exchange' : grant === 'refresh_token' ? 'token refresh' : `token request (${grant ?? '?'})`;
  }
  if (method === 'POST' && typeof body === 'string' && /(^|&)grant_type=authorization_code(&|$)/.test(body)) return 'token exchange';
  if (method === 'POST' && typeof body === 'string' && /(^|&)grant_type=refresh_token(&|$)/.test(body)) return 'token refresh';
  return `${method} request`;
}

/** The URL as the trace shows it (resolved against `base`): an authorization code is left out, the rest kept as text. */
function shownUrl(url: string, base?: URL): string {
  try {
    const u = new URL(url, base);
    u.username = '';
    u.password = '';
    return u.href.replace(/([?&]code=)[^&#]*/, '$1(hidden)');
  } catch {
    // Not a URL (a server's malformed Location): shown as it came, as text.
    return url.slice(0, 2000);
  }
}

/** One sign-in: its provider, its trace, and the authorization it is waiting on. */
export class OAuthSignIn {
  readonly provider: OAuthProvider;
  readonly #hub: EventHub;
  readonly #serverUrl: string;
  readonly #redirectUrl: string;
  #trace: OAuthTrace;
  #mcpSteps = 0;
  #waiting: { state: string; stepId: string; resolve: (url: string) => void; reject: (error: Error) => void } | undefined;
  #authorizations = 0;

  constructor(serverUrl: string, redirectUrl: string, hub: EventHub) {
    this.#hub = hub;
    this.#serverUrl = serverUrl;
    this.#redirectUrl = redirectUrl;
    this.#trace = { id: randomUUID(), status: 'running', steps: [] };
    const host = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '');
    this.provider = new OAuthProvider({
      serverUrl,
      // As `mcpkit login`: an authorization server on the local network only when the MCP server is there too.
      allowPrivateNetwork: isLoopbackHost(host) || isPrivateHost(host),
      clientMetadata: { client_name: 'mcpkit inspector', application_type: 'native' },
      // A DPoP key would have to outlive the page; the inspector keeps bearer tokens, in memory only.
      dpop: false,
      fetch: this.#traced('oauth'),
      grant: { type: 'authorization_code', redirectUrl, authorize: (request) => this.#authorize(request) },
    });
    this.#publish();
  }

  /** The trace as the UI shows it. */
  get trace(): OAuthTrace {
    return this.#trace;
  }

  /** The auth provider for the transport. */
  get auth(): HttpAuthProvider {
    return this.provider;
  }

  /** A fetch for the MCP transport that records the first few requests (the 401 and the retry) as steps. */
  transportFetch(): typeof fetch {
    return this.#traced('mcp');
  }

  /**
   * Takes the browser's redirect to {@link OAUTH_CALLBACK_PATH}; false when it is not the authorization this
   * sign-in waits for (a stale tab, a forged link), in which case nothing in it is used.
   */
  deliver(callbackUrl: URL): boolean {
    const waiting = this.#waiting;
    if (!waiting || callbackUrl.searchParams.get('state') !== waiting.state) return false;
    this.#waiting = undefined;
    this.#update(waiting.stepId, { status: callbackUrl.searchParams.has('error') ? 'refused' : 'redirected back', detail: shownUrl(new URL(`${callbackUrl.pathname}${callbackUrl.search}`, this.#redirectUrl).href) });
    waiting.resolve(callbackUrl.href);
    return true;
  }

  /** Stops waiting for the browser. */
  cancel(reason = 'cancelled in the inspector'): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(new CancelledError(reason));
  }

  /** Ends the trace: signed in, or failed with a message. */
  finish(outcome: { ok: true } | { ok: false; message: string }): void {
    this.cancel('the sign-in ended');
    this.#trace = { ...this.#trace, status: outcome.ok ? 'signed-in' : 'failed', ...(outcome.ok ? {} : { error: outcome.message }) };
    this.#publish();
  }

  #authorize(request: AuthorizationRequest): Promise<{ callbackUrl: string }> {
    // The provider built this URL from the server's metadata and checked it is http(s); the page shows it as text
    // and the user opens it: it is never followed on the server's say-so.
    // One step per authorization (a scope step-up authorizes again within the same sign-in).
    const stepId = `authorization-${++this.#authorizations}`;
    this.#step({ id: stepId, label: 'authorization (in your browser)', method: 'GET', url: request.url, status: 'waiting', detail: `redirect back to ${this.#redirectUrl}` });
    return new Promise((resolve, reject) => {
      this.#waiting?.reject(new CancelledError('a newer authorization replaced this one'));
      this.#waiting = { state: request.state, stepId, resolve: (callbackUrl) => resolve({ callbackUrl }), reject };
      request.signal?.addEventListener('abort', () => this.cancel('the authorization was aborted'), { once: true });
    });
  }

  #traced(kind: 'oauth' | 'mcp'): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      const record = kind === 'oauth' || (this.#mcpSteps < MAX_MCP_STEPS && this.#trace.status === 'running' && url.href === new URL(this.#serverUrl).href);
      const id = randomUUID();
      if (record) {
        if (kind === 'mcp') this.#mcpSteps++;
        this.#step({ id, label: kind === 'mcp' ? 'MCP request' : stepLabel(url, method, init?.body), method, url: shownUrl(url.href), status: 'sent' });
      }
      try {
        const response = await globalThis.fetch(input, init);
        const location = response.headers.get('location');
        if (record) this.#update(id, { status: response.status, ...(location === null ? {} : { detail: `Location: ${shownUrl(location, url)}` }) });
        return response;
      } catch (error) {
        if (record) this.#update(id, { status: 'no answer', detail: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    };
  }

  #step(step: OAuthStep): void {
    if (this.#trace.steps.length >= MAX_STEPS) return;
    this.#trace = { ...this.#trace, steps: [...this.#trace.steps, step] };
    this.#publish();
  }

  #update(id: string, change: Partial<OAuthStep>): void {
    const steps = this.#trace.steps.map((s) => (s.id === id ? { ...s, ...change } : s));
    this.#trace = { ...this.#trace, steps };
    this.#publish();
  }

  #publish(): void {
    this.#hub.publish({ type: 'oauth', trace: this.#trace });
  }
}
