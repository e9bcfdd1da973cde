/**
 * The messages between the server process and its database process.
 * @module
 */
import type { Params, ResultCaps } from './values.js';

/** One operation, as the database layer names them. */
export type RunnerOp =
  | { kind: 'query'; sql: string; params?: Params }
  | { kind: 'execute'; sql: string; params?: Params }
  | { kind: 'listTables' }
  | { kind: 'describeTable'; name: string }
  | { kind: 'sampleTable'; name: string; limit?: number }
  | { kind: 'readSchema' }
  /** Opens read-write once so SQLite rolls back what a killed write left behind. */
  | { kind: 'recover' };

/** A request carries everything the operation needs, so the database process keeps no state. */
export interface RunnerRequest {
  id: number;
  path: string;
  caps: ResultCaps;
  op: RunnerOp;
}

/** `refused` and `sqlite` messages are for the client; `internal` ones are not. */
export type RunnerFailureKind = 'refused' | 'sqlite' | 'internal' | 'timeout' | 'cancelled';

export type RunnerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; kind: RunnerFailureKind; message: string };
