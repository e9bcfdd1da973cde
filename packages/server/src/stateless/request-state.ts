/**
 * HMAC-signed `requestState` for Multi Round-Trip Requests. The state is attacker-controlled input, so it is
 * integrity-protected, bound to the originating request and given a short expiry
 * (spec 2026-07-28 basic/patterns/mrtr#security).
 * @module
 */
import { type JsonObject, RequestStateError } from '@mcpkit/protocol';
import type { MemoEntry } from './memo.js';

/** What the server keeps between rounds. */
export interface RequestStatePayload {
  /** Method and the salient params digest of the originating request. */
  bind: string;
  /** Answers gathered in earlier rounds, by input key. */
  answers: Record<string, JsonObject>;
  /** Values remembered with `ctx.once()` in earlier rounds, by key. */
  memo?: Record<string, MemoEntry>;
  /** Expiry, epoch ms. */
  exp: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new RequestStateError('requestState is not base64url');
  let b: string;
  try {
    b = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch (error) {
    throw new RequestStateError('requestState is not base64url', { cause: error });
  }
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = b.charCodeAt(i);
  return out;
}

/** JSON with object keys sorted, so equal values digest equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Signs and verifies request states with one HMAC-SHA256 key. */
export class RequestStateCodec {
  readonly #key: Promise<CryptoKey>;
  readonly ttlMs: number;

  /** @param secret at least 32 bytes; servers behind a load balancer must share it. */
  constructor(secret: string | Uint8Array | undefined, ttlMs = 10 * 60_000) {
    const raw = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : typeof secret === 'string' ? encoder.encode(secret) : secret;
    if (raw.byteLength < 32) throw new RequestStateError('requestState secret must be at least 32 bytes');
    this.#key = crypto.subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    this.ttlMs = ttlMs;
  }

  async seal(payload: RequestStatePayload): Promise<string> {
    const body = encoder.encode(JSON.stringify(payload));
    const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await this.#key, body));
    return `${toBase64Url(body)}.${toBase64Url(sig)}`;
  }

  /**
   * Verifies a state and its binding.
   * @throws RequestStateError `MCPKIT_INVALID_REQUEST_STATE` when forged, expired, or for another request.
   */
  async open(state: string, bind: string): Promise<RequestStatePayload> {
    if (state.length > 1_000_000) throw new RequestStateError('requestState is too large');
    const dot = state.indexOf('.');
    if (dot < 0) throw new RequestStateError('requestState is malformed');
    const body = fromBase64Url(state.slice(0, dot));
    const sig = fromBase64Url(state.slice(dot + 1));
    const ok = await crypto.subtle.verify('HMAC', await this.#key, sig as Uint8Array<ArrayBuffer>, body as Uint8Array<ArrayBuffer>);
    if (!ok) throw new RequestStateError('requestState failed verification');
    let payload: RequestStatePayload;
    try {
      payload = JSON.parse(decoder.decode(body)) as RequestStatePayload;
    } catch (error) {
      throw new RequestStateError('requestState is malformed', { cause: error });
    }
    if (typeof payload.exp !== 'number' || payload.exp < Date.now()) throw new RequestStateError('requestState has expired');
    if (payload.bind !== bind) throw new RequestStateError('requestState belongs to a different request');
    return payload;
  }
}

/** A digest of what a request is about, so its state cannot be replayed on another request. */
export async function bindingOf(method: string, params: JsonObject): Promise<string> {
  const salient = { m: method, n: params.name ?? params.uri ?? null, a: params.arguments ?? null };
  let text: string;
  try {
    text = canonicalJson(salient);
  } catch (error) {
    if (error instanceof RangeError) throw new RequestStateError('the request is nested too deeply to bind a requestState to', { cause: error });
    throw error;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return toBase64Url(digest);
}
