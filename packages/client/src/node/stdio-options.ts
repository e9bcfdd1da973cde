/**
 * How a stdio client transport starts its server: the options of StdioClientTransport (kept apart from its behaviour).
 * @module
 */
import type { StdioClientTransport } from './stdio.js';

/** How a {@link StdioClientTransport} starts its server. */
export interface StdioClientTransportOptions {
  /** The program to run, looked up on the child's PATH. Never interpreted by a shell. */
  command: string;
  /** Its arguments, passed as they are: no quoting, globbing or substitution happens. */
  args?: string[];
  /** Variables to set for the server, on top of the inherited ones. */
  env?: Record<string, string>;
  /**
   * Which of this process's variables the server also sees. Default (and `false`): a short allow-list (HOME,
   * PATH, USER, LANG, …; SYSTEMROOT, APPDATA, … on Windows). `true`: all of them. An array: the allow-list
   * plus the named ones.
   */
  inheritEnv?: boolean | string[];
  /** The server's working directory. Default: this process's. */
  cwd?: string;
  /**
   * The server's stderr: `capture` (default) keeps the last 8 KB in {@link StdioClientTransport.stderrTail} and
   * hands each chunk to `onstderr`; `inherit` passes it through to this process's stderr; `ignore` drops it.
   */
  stderr?: 'capture' | 'inherit' | 'ignore';
  /** Longest accepted message from the server. Default 32 MiB. */
  maxMessageBytes?: number;
  /** How long `close()` waits for the server to exit after its stdin ends, before signalling it. Default 2000 ms. */
  closeTimeoutMs?: number;
}
