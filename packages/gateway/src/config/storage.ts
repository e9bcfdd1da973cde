/**
 * `storage:` and `sessions:` of `mcp.yaml`, after substitution: URLs checked (never echoed, they may hold a
 * password), the session secret's length, and how `storage.postgres` relates to the older `store:`.
 * @module
 */
import { CONFIG_DEFAULTS, MIN_SESSION_SECRET_BYTES } from './defaults.js';
import type { FieldPath } from './field-path.js';
import type { RawConfig } from './raw-config.js';
import type { RawProblem } from './raw-problem.js';
import type { SessionsConfig, StorageConfig } from './types.js';

/** The normalized sections (each absent when the file has none), with their problems pushed onto `problems`. */
export function normalizeStorage(raw: RawConfig, problems: RawProblem[]): { storage?: StorageConfig; sessions?: SessionsConfig } {
  const out: { storage?: StorageConfig; sessions?: SessionsConfig } = {};
  if (raw.storage) {
    const s = raw.storage;
    const storage: StorageConfig = { redisPrefix: s.redisPrefix ?? CONFIG_DEFAULTS.redisPrefix, redisFailMode: s.redisFailMode ?? CONFIG_DEFAULTS.redisFailMode };
    if (s.postgres !== undefined) storage.postgres = checkedScheme(problems, ['storage', 'postgres'], s.postgres, ['postgres:', 'postgresql:']);
    if (s.redis !== undefined) storage.redis = checkedScheme(problems, ['storage', 'redis'], s.redis, ['redis:', 'rediss:']);
    if (s.postgres !== undefined && raw.store?.sqlite !== undefined) {
      problems.push({ path: ['storage', 'postgres'], message: 'conflicts with store.sqlite: storage.postgres puts keys and gateway state in PostgreSQL; remove store.sqlite (or storage.postgres)' });
    } else if (s.postgres !== undefined && raw.store?.postgres !== undefined && raw.store.postgres !== s.postgres) {
      problems.push({ path: ['storage', 'postgres'], message: 'and store.postgres name different databases; keys and gateway state live in one: remove store.postgres (storage.postgres replaces it)' });
    }
    out.storage = storage;
  }
  if (raw.sessions) {
    const bytes = Buffer.byteLength(raw.sessions.secret, 'utf8');
    if (bytes < MIN_SESSION_SECRET_BYTES) {
      problems.push({ path: ['sessions', 'secret'], message: `is ${bytes} bytes long; it needs at least ${MIN_SESSION_SECRET_BYTES} (e.g. openssl rand -base64 48)` });
    }
    out.sessions = { secret: raw.sessions.secret };
  }
  return out;
}

function checkedScheme(problems: RawProblem[], path: FieldPath, value: string, schemes: readonly string[]): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = undefined;
  }
  // The value itself is not shown: after substitution it may hold a password.
  if (protocol === undefined || !schemes.includes(protocol)) problems.push({ path, message: `must be a ${schemes.map((s) => `${s}//`).join(' or ')} URL` });
  return value;
}
