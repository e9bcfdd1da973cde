/**
 * The Client's option, event and helper types (kept apart from its behaviour).
 * @module
 */
import type { Cancellation, ClientCapabilities, JsonObject, JsonRpcNotification, LoggingLevel, Progress } from '@mcpkit/protocol';
import type { ClientHandlers } from './handlers.js';
import type { ListKind } from './list-cache.js';

export interface ClientOptions {
  /** Extra capabilities; handlers add sampling / elicitation / roots by themselves. */
  capabilities?: ClientCapabilities;
  /** What to do when the server asks for something. */
  handlers?: ClientHandlers;
  /** Declare URL-mode elicitation support (needs an elicitation handler). */
  urlElicitation?: boolean;
  /** 'auto' (default): 2026-07-28 if the server speaks it, else the newest session-era revision it accepts. */
  protocolVersion?: 'auto' | string;
  /** Time to wait for an answer before a request fails (resets on progress). Default 60 s. */
  requestTimeoutMs?: number;
  /**
   * Time a legacy server may stay silent on the `server/discover` probe. Default 10 s; over HTTP, where a
   * server always answers and the probe may include an OAuth login, 5 minutes.
   */
  probeTimeoutMs?: number;
  /** Most Multi Round-Trip rounds for one request. Default 10. */
  maxInputRounds?: number;
  /** Cache list results (honouring ttlMs, or until list_changed). Default true. */
  cache?: boolean;
  /**
   * In the stateless era, open a `subscriptions/listen` stream at connect so list_changed events flow as they
   * do in the session era. Default false (it holds a long-lived stream open).
   */
  watchLists?: boolean;
  /** Fill a form-mode elicitation answer's missing fields from the schema's defaults (SEP-1034). Default false. */
  applyElicitationDefaults?: boolean;
}

/** Options for one connect. */
export interface ConnectOptions {
  /** Aborting gives up: the transport is closed and connect rejects. */
  signal?: AbortSignal;
  /** Time allowed for the whole negotiation. Default: none beyond each request's own timeout. */
  timeoutMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Cancels like `signal`, without an AbortSignal: e.g. the `ctx.cancellation` of a request this call serves. */
  cancellation?: Cancellation;
  timeoutMs?: number;
  maxTotalTimeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  /**
   * Handlers for what the server asks while this request runs, instead of the client's own: the answers to
   * its `input_required` rounds (2026-07-28), and its session-era requests while this is the only request
   * in flight that has its own handlers (a proxy relaying each ask to the right caller).
   */
  handlers?: ClientHandlers;
}

export interface ClientEvents extends Record<string, unknown> {
  toolsChanged: undefined;
  promptsChanged: undefined;
  resourcesChanged: undefined;
  resourceUpdated: { uri: string };
  log: { level: LoggingLevel; data: unknown; logger?: string };
  notification: JsonRpcNotification;
  error: Error;
  close: undefined;
}

export const CHANGED: Record<string, ListKind[]> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};
export const EVENT_OF: Record<string, 'toolsChanged' | 'promptsChanged' | 'resourcesChanged'> = {
  'notifications/tools/list_changed': 'toolsChanged',
  'notifications/prompts/list_changed': 'promptsChanged',
  'notifications/resources/list_changed': 'resourcesChanged',
};

export interface HttpLike {
  era?: 'session' | 'stateless';
  protocolVersion?: string | undefined;
  toolSchemas?: ((name: string) => JsonObject | undefined) | undefined;
}

