/**
 * Talking to the inspector's server: the token (taken once from the URL fragment, then kept in this tab's
 * sessionStorage) goes in an Authorization header on every request, never in a URL or a cookie.
 */
import type { StampedEvent } from './types';

const KEY = 'mcpkit-inspector-token';

/** Reads `#token=…` from the address once, keeps it for this tab, and removes it from the address bar. */
export function takeToken(): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(KEY, m[1]);
    history.replaceState(null, '', location.pathname);
    return m[1];
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

export interface ApiError {
  message: string;
  code?: number | string;
  data?: unknown;
}

/** What a relayed request ends in: the server's result, or the error (JSON-RPC or local) it failed with. */
export type Outcome<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export class Api {
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async #fetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${this.#token}` }, cache: 'no-store' });
  }

  async get<T>(path: string): Promise<Outcome<T>> {
    return this.#outcome<T>(await this.#fetch(path));
  }

  async post<T>(path: string, body: unknown = {}): Promise<Outcome<T>> {
    return this.#outcome<T>(await this.#fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));
  }

  async #outcome<T>(res: Response): Promise<Outcome<T>> {
    let body: { result?: T; error?: ApiError; [k: string]: unknown };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      return { ok: false, error: { message: `HTTP ${res.status}` } };
    }
    if (!res.ok || body.error) return { ok: false, error: body.error ?? { message: `HTTP ${res.status}` } };
    return { ok: true, result: ('result' in body ? body.result : body) as T };
  }

  /**
   * Follows the event stream (fetch rather than EventSource, which cannot send the Authorization header),
   * reconnecting after a drop from the last event seen.
   */
  async follow(onEvent: (e: StampedEvent) => void, onLink: (up: boolean) => void, signal: AbortSignal): Promise<void> {
    let after = 0;
    while (!signal.aborted) {
      try {
        const res = await this.#fetch(`/api/events?after=${after}`, { signal });
        if (res.status === 401) {
          onLink(false);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onLink(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (!data) continue;
            const e = JSON.parse(data) as StampedEvent;
            after = e.seq;
            onEvent(e);
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      onLink(false);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
