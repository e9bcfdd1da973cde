/**
 * Credentials the gateway presents to an HTTP upstream: OAuth client credentials or RFC 8693 token exchange,
 * fetched from the configured token endpoint and cached until shortly before they expire. Callers' tokens
 * are never passed through.
 * @module
 */
import type { UpstreamAuthConfig } from '../config/types.js';

interface Cached {
  token: string;
  until: number;
}

const cache = new WeakMap<object, Cached>();
const inflight = new WeakMap<object, Promise<Cached>>();

async function fetchToken(auth: Exclude<UpstreamAuthConfig, { type: 'none' }>): Promise<Cached> {
  const form = new URLSearchParams();
  if (auth.type === 'client_credentials') {
    form.set('grant_type', 'client_credentials');
  } else {
    form.set('grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange');
    form.set('subject_token', auth.subjectToken);
    form.set('subject_token_type', auth.subjectTokenType);
    form.set('requested_token_type', 'urn:ietf:params:oauth:token-type:access_token');
  }
  if (auth.scope) form.set('scope', auth.scope);
  if (auth.audience) form.set('audience', auth.audience);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (auth.clientSecret !== undefined) headers.authorization = `Basic ${btoa(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret)}`)}`;
  else form.set('client_id', auth.clientId);
  const response = await fetch(auth.tokenUrl, { method: 'POST', headers, body: form.toString(), redirect: 'error', signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`the token endpoint ${auth.tokenUrl} answered HTTP ${response.status}`);
  let body: { access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`the token endpoint ${auth.tokenUrl} answered no JSON`);
  }
  if (typeof body.access_token !== 'string') throw new Error(`the token endpoint ${auth.tokenUrl} answered no access_token`);
  const lifetime = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 300_000;
  // Renew a little early, so no request carries a token that expires on the way.
  return { token: body.access_token, until: Date.now() + Math.max(0, lifetime - 30_000) };
}

/** The Authorization header for an upstream, fetching or reusing its token. */
export async function upstreamAuthHeaders(auth: UpstreamAuthConfig): Promise<Record<string, string>> {
  if (auth.type === 'none') return {};
  const hit = cache.get(auth);
  if (hit && hit.until > Date.now()) return { authorization: `Bearer ${hit.token}` };
  let pending = inflight.get(auth);
  if (!pending) {
    pending = fetchToken(auth).finally(() => inflight.delete(auth));
    inflight.set(auth, pending);
  }
  const fresh = await pending;
  cache.set(auth, fresh);
  return { authorization: `Bearer ${fresh.token}` };
}
