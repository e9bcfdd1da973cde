/** The server's event and state shapes, as the UI receives them (mirrors packages/inspector/src/events.ts). */

export interface Check {
  label: string;
  ok: boolean | null;
  detail?: string;
}

export interface Diagnosis {
  cause: string;
  summary: string;
  hint?: string;
  checks: Check[];
  stderrTail?: string;
}

export interface ConnectionState {
  status: 'idle' | 'connecting' | 'connected' | 'failed' | 'closed';
  transport: 'stdio' | 'http' | 'sse';
  target: string;
  era?: string;
  protocolVersion?: string;
  capabilities?: unknown;
  serverInfo?: unknown;
  instructions?: string;
  diagnosis?: Diagnosis;
  drift?: { pointer: string; before?: unknown; after?: unknown }[];
}

export interface PendingAsk {
  id: string;
  method: 'elicitation/create' | 'sampling/createMessage' | 'roots/list';
  params: unknown;
}

export interface OAuthStep {
  id: string;
  label: string;
  method: string;
  url: string;
  status: number | string;
  detail?: string;
}

export interface OAuthTrace {
  id: string;
  status: 'running' | 'signed-in' | 'failed';
  steps: OAuthStep[];
  error?: string;
}

export type InspectorEvent =
  | { type: 'state'; state: ConnectionState }
  | { type: 'message'; dir: 'out' | 'in'; message: unknown; ms?: number }
  | { type: 'stderr'; line: string }
  | { type: 'stdout-noise'; text: string }
  | { type: 'log'; level: string; logger?: string; data: unknown }
  | { type: 'progress'; callId: string; progress: number; total?: number; message?: string }
  | { type: 'notification'; method: string; params: unknown }
  | { type: 'ask'; ask: PendingAsk }
  | { type: 'ask-done'; id: string; outcome: string }
  | { type: 'oauth'; trace: OAuthTrace };

export interface StampedEvent {
  seq: number;
  t: number;
  event: InspectorEvent;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Tool {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: JsonObject;
  outputSchema?: JsonObject;
  annotations?: JsonObject;
}

export interface Resource {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ResourceTemplate {
  uriTemplate: string;
  name?: string;
  title?: string;
  description?: string;
}

export interface Prompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
}
