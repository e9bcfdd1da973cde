/**
 * The events the inspector's server pushes to its UI. Shared in shape with `ui/src/types.ts`, which mirrors them.
 * @module
 */
import type { Diagnosis } from './doctor.js';

/** What the connection pane shows. */
export interface ConnectionState {
  status: 'idle' | 'connecting' | 'connected' | 'failed' | 'closed';
  transport: 'stdio' | 'http' | 'sse';
  /** The command line or URL, as the user gave it (credentials left out). */
  target: string;
  era?: 'session' | 'stateless' | undefined;
  protocolVersion?: string | undefined;
  capabilities?: unknown;
  serverInfo?: unknown;
  instructions?: string | undefined;
  diagnosis?: Diagnosis | undefined;
  /** What changed since the previous successful connection (capabilities, server info, tools), field by field. */
  drift?: DriftEntry[] | undefined;
}

/** One changed field between two connections, located by a JSON Pointer into `{ capabilities, serverInfo, instructions, tools }`. */
export interface DriftEntry {
  pointer: string;
  before?: unknown;
  after?: unknown;
}

/** A question the server asked that the user answers in the UI. */
export interface PendingAsk {
  id: string;
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  params: unknown;
}

/** One HTTP request (or the browser's round trip) of an OAuth sign-in, as the trace shows it: no headers, no bodies. */
export interface OAuthStep {
  id: string;
  /** What the request is for: protected resource metadata, authorization server metadata, client registration, … */
  label: string;
  method: string;
  /** As text; an authorization code in it is hidden. */
  url: string;
  /** The HTTP status, or where the step stands ('sent', 'waiting', 'redirected back', 'no answer'). */
  status: number | string;
  detail?: string | undefined;
}

/** An OAuth sign-in started from the UI, step by step. */
export interface OAuthTrace {
  id: string;
  status: 'running' | 'signed-in' | 'failed';
  steps: OAuthStep[];
  error?: string | undefined;
}

export type InspectorEvent =
  | { type: 'state'; state: ConnectionState }
  | {
      type: 'message';
      dir: 'out' | 'in';
      message: unknown;
      /** For a response: milliseconds since the request it answers went the other way. */
      ms?: number | undefined;
    }
  | { type: 'stderr'; line: string }
  /** A stdout line of a stdio server that is not a JSON-RPC message (a server logging to stdout). */
  | { type: 'stdout-noise'; text: string }
  | { type: 'log'; level: string; logger?: string | undefined; data: unknown }
  | { type: 'progress'; callId: string; progress: number; total?: number | undefined; message?: string | undefined }
  | { type: 'notification'; method: string; params: unknown }
  | { type: 'ask'; ask: PendingAsk }
  | { type: 'ask-done'; id: string; outcome: 'answered' | 'cancelled' }
  | { type: 'oauth'; trace: OAuthTrace };
