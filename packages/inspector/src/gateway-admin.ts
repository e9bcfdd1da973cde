/**
 * The inspector's side of an mcpkit gateway's admin API: the admin key given at launch (flag or environment, never
 * a request) stays in this process; the page asks through the token-guarded `/api/gateway/*` routes and gets the
 * gateway's answers, never the key.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** Largest admin response read (an audit page of 1000 records fits). */
const MAX_BODY = 8 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

/** What an admin request ended in: the gateway's status and JSON body. */
export interface GatewayAnswer {
  status: number;
  body: unknown;
}

/** Audit filter fields passed through to `GET /admin/audit`; anything else in the page's query is dropped. */
const AUDIT_PARAMS = ['limit', 'afterSeq', 'principal', 'method', 'target', 'outcome', 'since', 'until', 'verify'];

/** Talks to `/admin/*` on the gateway the inspector is pointed at. */
export class GatewayAdminClient {
  readonly #origin: string;
  readonly #key: string;

  /**
   * @param mcpUrl the gateway's MCP URL (the launch target); the admin API is on the same origin.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a URL that is not http(s), or an empty or malformed key.
   */
  constructor(mcpUrl: string, key: string) {
    const url = new URL(mcpUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`the gateway URL must be http(s), got ${url.protocol}`);
    if (key.trim() === '') throw new InvalidArgumentError('the gateway admin key is empty');
    // Checked here, so that a bad header value never makes fetch throw an error that quotes the key.
    if (!/^[\x21-\x7e]+$/.test(key.trim())) throw new InvalidArgumentError('the gateway admin key has characters no key has (only printable ASCII, no spaces)');
    this.#origin = url.origin;
    this.#key = key.trim();
  }

  /** The admin API's origin, shown in the UI. */
  get origin(): string {
    return this.#origin;
  }

  audit(query: URLSearchParams): Promise<GatewayAnswer> {
    const forwarded = new URLSearchParams();
    for (const name of AUDIT_PARAMS) {
      const value = query.get(name);
      if (value !== null && value !== '') forwarded.set(name, value);
    }
    return this.#request('GET', `/admin/audit?${forwarded}`);
  }

  keys(): Promise<GatewayAnswer> {
    return this.#request('GET', '/admin/keys');
  }

  revokeKey(id: string): Promise<GatewayAnswer> {
    return this.#request('POST', '/admin/keys/revoke', { id });
  }

  trust(): Promise<GatewayAnswer> {
    return this.#request('GET', '/admin/trust');
  }

  approve(server: string, item: string | undefined): Promise<GatewayAnswer> {
    return this.#request('POST', '/admin/trust/approve', item === undefined ? { server } : { server, item });
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<GatewayAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.#origin}${path}`, {
        method,
        // A redirect is not followed: the key goes to this origin only.
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: { authorization: `Bearer ${this.#key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      return { status: 0, body: { error: `no answer from the gateway at ${this.#origin}: ${error instanceof Error ? error.message : String(error)}` } };
    }
    const text = await readBounded(response);
    if (text === undefined) return { status: 502, body: { error: `the gateway's answer to ${path.split('?')[0]} is larger than ${MAX_BODY} bytes` } };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      const hint = response.status === 404 ? ' (is this an mcpkit gateway, and new enough to have this endpoint?)' : '';
      return { status: response.status, body: { error: `HTTP ${response.status} from ${path.split('?')[0]} without a JSON body${hint}` } };
    }
  }
}

async function readBounded(response: Response): Promise<string | undefined> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_BODY) return undefined;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}
