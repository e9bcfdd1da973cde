/**
 * Middleware around every request a server handles, in both eras: one chain that sees the method, the target,
 * the arguments and the principal, and can refuse (throw), rewrite (`request.params`) or wrap the result.
 * @module
 */
import type { Era, JsonObject, MessageInfo, RequestId } from '@mcpkit/protocol';

/** Who sent a request, as an HTTP auth verifier established it. */
export interface Principal {
  /** Stable identifier: an API key id, a token's `sub`, a client id. */
  readonly id: string;
  /** Granted scopes. */
  readonly scopes: readonly string[];
  /** The API key that authenticated the request, if one did. */
  readonly keyId?: string;
  /** The OAuth client, if a token names one. */
  readonly clientId?: string;
  /** Epoch milliseconds after which the credential is no longer valid. */
  readonly expiresAt?: number;
  /** The token's verified claims (JWT or introspection), when there are any. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** One request as middleware sees it. */
export interface McpRequest {
  readonly method: string;
  /** The tool or prompt name, the resource URI, or the completion reference; undefined for other methods. */
  readonly target: string | undefined;
  /** The request's params. Assign a new object before calling `next()` to rewrite the request. */
  params: JsonObject;
  /** `params.arguments` of `tools/call`, `prompts/get`; undefined elsewhere. */
  readonly arguments: JsonObject | undefined;
  readonly principal: Principal | undefined;
  readonly era: Era;
  /** The session's negotiated revision, or the request's own (stateless); undefined before initialize. */
  readonly protocolVersion: string | undefined;
  readonly requestId: RequestId;
  readonly sessionId: string | undefined;
  /** Transport details: HTTP headers, the verified principal. */
  readonly info: MessageInfo | undefined;
  /** Aborted when the client cancels or goes away. */
  readonly signal: AbortSignal;
  /** `performance.now()` when the request reached the chain. */
  readonly startedAt: number;
  /** Room for middleware to leave values for the ones after it (e.g. the resolved upstream). */
  readonly locals: Record<string, unknown>;
}

/**
 * Runs around a request: call `next()` (once) to go on, throw a `ProtocolError` to refuse, or return another
 * result. Results can be shared with other requests (cached lists): return a new object, never mutate one.
 * @example
 * server.use(async (request, next) => {
 *   const result = await next();
 *   console.error(request.method, request.target, performance.now() - request.startedAt);
 *   return result;
 * });
 */
export type Middleware = (request: McpRequest, next: () => Promise<JsonObject>) => Promise<JsonObject>;

/** The principal a transport attached to a message, if any. */
export function principalOf(info: MessageInfo | undefined): Principal | undefined {
  const p = info?.authInfo;
  return typeof p === 'object' && p !== null && typeof (p as Principal).id === 'string' ? (p as Principal) : undefined;
}

function targetOf(method: string, params: JsonObject): string | undefined {
  switch (method) {
    case 'tools/call':
    case 'prompts/get':
      return typeof params.name === 'string' ? params.name : undefined;
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return typeof params.uri === 'string' ? params.uri : undefined;
    case 'completion/complete': {
      const ref = params.ref as JsonObject | undefined;
      if (typeof ref !== 'object' || ref === null) return undefined;
      return typeof ref.name === 'string' ? ref.name : typeof ref.uri === 'string' ? ref.uri : undefined;
    }
    default:
      return undefined;
  }
}

/** What an era adapter knows about a request when it enters the chain. */
export interface ChainEntry {
  method: string;
  params: JsonObject;
  era: Era;
  protocolVersion: string | undefined;
  requestId: RequestId;
  sessionId: string | undefined;
  info: MessageInfo | undefined;
  /** Called only if middleware reads `request.signal` (abort signals are made lazily). */
  signal(): AbortSignal;
}

/**
 * The {@link McpRequest} the chain sees. A class with its getters on the prototype, not an object literal with
 * getters of its own: V8 gives each such literal a hidden class holding its getter closures in the old
 * generation, which kept every request's objects alive through young-generation collections (see
 * HttpMessageInfo).
 */
class ChainRequest implements McpRequest {
  readonly method: string;
  params: JsonObject;
  readonly principal: Principal | undefined;
  readonly era: Era;
  readonly protocolVersion: string | undefined;
  readonly requestId: RequestId;
  readonly sessionId: string | undefined;
  readonly info: MessageInfo | undefined;
  readonly startedAt: number;
  readonly locals: Record<string, unknown> = {};
  readonly #entry: ChainEntry;

  constructor(entry: ChainEntry) {
    this.#entry = entry;
    this.method = entry.method;
    this.params = entry.params;
    this.principal = principalOf(entry.info);
    this.era = entry.era;
    this.protocolVersion = entry.protocolVersion;
    this.requestId = entry.requestId;
    this.sessionId = entry.sessionId;
    this.info = entry.info;
    this.startedAt = performance.now();
  }

  get target(): string | undefined {
    return targetOf(this.method, this.params);
  }

  get arguments(): JsonObject | undefined {
    const a = this.params.arguments;
    return typeof a === 'object' && a !== null && !Array.isArray(a) ? (a as JsonObject) : undefined;
  }

  get signal(): AbortSignal {
    return this.#entry.signal();
  }
}

/**
 * Runs `inner` through the chain. `inner` receives the params as the last middleware left them; it may return a
 * value or throw, and next() still gives the middleware a promise. With no middleware registered, callers skip
 * this entirely (zero cost).
 */
export function runMiddleware(chain: readonly Middleware[], entry: ChainEntry, inner: (params: JsonObject) => Promise<JsonObject> | JsonObject): Promise<JsonObject> {
  const request = new ChainRequest(entry);
  const step = (i: number): Promise<JsonObject> => {
    if (i === chain.length) {
      try {
        return Promise.resolve(inner(request.params));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    let called = false;
    try {
      return Promise.resolve(
        chain[i]!(request, () => {
          if (called) return Promise.reject(new Error(`middleware ${i} called next() twice`));
          called = true;
          return step(i + 1);
        }),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  };
  return step(0);
}
