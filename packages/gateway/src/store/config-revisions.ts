/**
 * Config revisions: every `mcp.yaml` a gateway loads or reloads, recorded in its store with a number, a digest, the
 * time and the text as written (secrets stay `${env:…}`/`${file:…}` references: the loader refuses them written in
 * the file, and the text is recorded before anything is substituted). The {@link ConfigRevisionStore} interface and
 * {@link recordConfigRevision}, which the gateway calls on each load.
 * @module
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { parseGatewayConfig } from '../config/parse.js';
import type { GatewayConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { configDigest } from './follow-changes.js';

/** What is recorded of one load. */
export interface NewConfigRevision {
  /** SHA-256 (hex) of `text`. */
  digest: string;
  /** The file as written. */
  text: string;
  /** The file's path on the recording host. */
  source: string;
  /** Who loaded it: host name and process id. */
  recordedBy: string;
  /** Epoch milliseconds. */
  recordedAt: number;
}

/** A recorded revision; numbers start at 1 and grow by one per recorded change. */
export interface ConfigRevision extends NewConfigRevision {
  revision: number;
}

/** A revision without its text, as history lists it. */
export type ConfigRevisionSummary = Omit<ConfigRevision, 'text'>;

/** The largest file recorded (a gateway config is a few KiB). */
export const MAX_REVISION_BYTES = 1024 * 1024;

/**
 * Recorded configurations. A load whose digest equals the latest revision's records nothing (replicas loading the
 * same file, a reload that changed nothing), atomically: of two replicas recording the same new text, one writes.
 */
export interface ConfigRevisionStore {
  /** Records `revision` unless the latest has its digest; resolves with the revision that holds it and whether it is new. */
  record(revision: NewConfigRevision): Promise<{ revision: number; recorded: boolean }>;
  /** Newest first, at most `limit` (default 20). */
  list(options?: { limit?: number }): Promise<ConfigRevisionSummary[]>;
  /** One revision with its text; `latest` for the newest. */
  get(revision: number | 'latest'): Promise<ConfigRevision | undefined>;
  close(): Promise<void>;
}

/** SHA-256 (hex) of a config's text. */
export function revisionDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Records the file `config` was loaded from. The file is read again and parsed again: only a text that gives the
 * running configuration (ports aside) is recorded, so a file edited since the load is not recorded in its name (its
 * own load, by the watcher, records it). Failures are logged, never thrown: a gateway serves without its history.
 * @example
 * await recordConfigRevision(config, stores.revisions, log);
 */
export async function recordConfigRevision(config: GatewayConfig, store: ConfigRevisionStore, log: Logger): Promise<{ revision: number; recorded: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(config.source, 'utf8');
  } catch (error) {
    log.debug({ source: config.source, err: (error as Error).message }, 'configuration not recorded: its file cannot be read');
    return undefined;
  }
  if (Buffer.byteLength(text) > MAX_REVISION_BYTES) {
    log.warn({ source: config.source }, `configuration not recorded: the file is over ${MAX_REVISION_BYTES} bytes`);
    return undefined;
  }
  try {
    const reparsed = await parseGatewayConfig(text, { path: config.source });
    if (configDigest(reparsed) !== configDigest(config)) {
      log.warn({ source: config.source }, 'configuration not recorded: its file changed since it was loaded (the next load records it)');
      return undefined;
    }
    const revision: NewConfigRevision = { digest: revisionDigest(text), text, source: config.source, recordedBy: `${hostname()} pid ${process.pid}`, recordedAt: Date.now() };
    const held = await store.record(revision);
    if (held.recorded) log.info({ revision: held.revision, digest: revision.digest }, 'configuration recorded');
    return held;
  } catch (error) {
    log.warn({ source: config.source, err: (error as Error).message }, 'configuration not recorded');
    return undefined;
  }
}

/** A `limit` option checked: a positive integer, at most 1000. */
export function revisionLimit(limit: number | undefined): number {
  if (limit === undefined) return 20;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  return Math.min(limit, 1000);
}
