/**
 * Where the allowed directories of a call come from: fixed on the command line, or the client's roots
 * asked for per call (cached briefly per session).
 * @module
 */
import { InputRequiredSignal, type RequestContext } from '@mcpkit/server';
import type { AllowedDirectory } from './allowed.js';
import { FsToolError } from './errors.js';
import { directoriesFromRoots } from './roots.js';

/** The directories a call may touch, and where they came from. */
export interface CallDirectories {
  readonly directories: readonly AllowedDirectory[];
  readonly source: 'arguments' | 'roots';
}

interface CacheEntry {
  readonly directories: AllowedDirectory[];
  readonly expires: number;
}

const MAX_CACHED_SESSIONS = 1_000;

/** Resolves, for each call, the directories it may touch. */
export class DirectoryAccess {
  readonly #fixed: readonly AllowedDirectory[] | undefined;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, CacheEntry>();
  readonly #warn: (message: string) => void;

  /**
   * @param fixed directories from the command line; when absent or empty, the client's roots decide.
   * @param rootsCacheMs how long one session's roots are reused; 0 asks the client on every call.
   */
  constructor(fixed: readonly AllowedDirectory[] | undefined, rootsCacheMs: number, warn: (message: string) => void) {
    this.#fixed = fixed && fixed.length > 0 ? fixed : undefined;
    this.#ttlMs = rootsCacheMs;
    this.#warn = warn;
  }

  /**
   * The directories for this call.
   * @throws FsToolError `NO_ALLOWED_DIRECTORIES` when the client has no roots capability, fails to answer,
   *   or names no usable directory. An InputRequiredSignal (stateless era: roots are asked for by an
   *   `input_required` round) passes through untouched.
   */
  async forCall(ctx: RequestContext): Promise<CallDirectories> {
    if (this.#fixed) return { directories: this.#fixed, source: 'arguments' };
    // Only session-era calls carry a session id; roots are cached per session, never across clients. A
    // connection without an id (stdio, stateless calls) asks every time: a roots/list round trip is cheap.
    const key = ctx.era === 'session' ? ctx.sessionId : undefined;
    const cached = key === undefined ? undefined : this.#cache.get(key);
    if (cached && cached.expires > Date.now()) return { directories: cached.directories, source: 'roots' };
    if (!ctx.clientCapabilities.roots) {
      throw new FsToolError(
        'NO_ALLOWED_DIRECTORIES',
        'No allowed directories: the server was started without directories and this client does not provide roots. Start it with one or more directories, or use a client that supports roots.',
      );
    }
    let roots;
    try {
      roots = await ctx.listRoots();
    } catch (error) {
      if (error instanceof InputRequiredSignal || ctx.signal.aborted) throw error;
      this.#warn(`roots/list failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new FsToolError('NO_ALLOWED_DIRECTORIES', 'No allowed directories: the client did not answer roots/list');
    }
    const { directories, skipped } = await directoriesFromRoots(roots);
    for (const s of skipped) this.#warn(`root ${s.uri} skipped: ${s.reason}`);
    if (directories.length === 0) {
      throw new FsToolError('NO_ALLOWED_DIRECTORIES', "No allowed directories: none of the client's roots is an existing local directory (file:// URI)");
    }
    if (key !== undefined && this.#ttlMs > 0) {
      if (this.#cache.size >= MAX_CACHED_SESSIONS) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, { directories, expires: Date.now() + this.#ttlMs });
    }
    return { directories, source: 'roots' };
  }
}
