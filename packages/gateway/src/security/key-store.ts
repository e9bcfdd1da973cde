/**
 * Where API keys made with `mcpkit gateway keys create` live: the {@link KeyStore} interface and an in-memory
 * store. Stores hold SHA-256 hashes only; the key itself exists once, in the value `create` returns.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';
import { generateApiKey, generateKeyId, hashApiKey, isValidKeyId } from './api-keys.js';

/** A stored key, without the key. */
export interface KeyRecord {
  id: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  scopes: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
  description?: string;
}

export interface NewKeyOptions {
  /** Default: a generated `key_…` id. */
  id?: string;
  scopes: string[];
  /** Epoch milliseconds; must be in the future. */
  expiresAt?: number;
  description?: string;
}

/** The outcome of `create`: `key` is the only copy of the key, to show once. */
export interface CreatedKey {
  id: string;
  key: string;
  record: KeyRecord;
}

/** Durable API keys. Implementations keep hashes only and return records in creation order. */
export interface KeyStore {
  /** @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a bad option or an id already in use. */
  create(options: NewKeyOptions): Promise<CreatedKey>;
  list(): Promise<KeyRecord[]>;
  /** Marks the key revoked (it stays listed); false when no key has that id. Revoking twice keeps the first time. */
  revoke(id: string): Promise<boolean>;
  /** The record with that hash, revoked and expired ones included, so a verifier can say why it refuses. */
  findByHash(sha256: string): Promise<KeyRecord | undefined>;
  close(): Promise<void>;
}

const SCOPE_NAME = /^[!-~]{1,128}$/;

/**
 * Checks `create` options and makes the key and its record; `taken` says whether an id is in use.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` naming the bad option.
 */
export function prepareKey(options: NewKeyOptions, now: number, taken: (id: string) => boolean): CreatedKey {
  const { scopes, expiresAt, description } = options;
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !SCOPE_NAME.test(s))) {
    throw new InvalidArgumentError('scopes must be a list of scope names (printable ASCII, no spaces, at most 128 characters)');
  }
  if (expiresAt !== undefined && (!Number.isSafeInteger(expiresAt) || expiresAt <= now)) {
    throw new InvalidArgumentError(`expiresAt must be a time in the future in whole epoch milliseconds, got ${String(expiresAt)}`);
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 1000)) {
    throw new InvalidArgumentError('description must be a string of at most 1000 characters');
  }
  let id = options.id;
  if (id !== undefined) {
    if (!isValidKeyId(id)) throw new InvalidArgumentError(`Invalid key id ${JSON.stringify(id)}: use 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit`);
    if (taken(id)) throw new InvalidArgumentError(`A key with id ${JSON.stringify(id)} already exists`);
  } else {
    // 48 random bits: a clash is next to impossible, but cheap to rule out.
    do id = generateKeyId();
    while (taken(id));
  }
  const { key } = generateApiKey();
  const record: KeyRecord = { id, sha256: hashApiKey(key), scopes: [...new Set(scopes)], createdAt: Math.floor(now) };
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  if (description !== undefined) record.description = description;
  return { id, key, record };
}

/**
 * Keys in memory, for tests and for a gateway without a database (they die with the process).
 * @example
 * const store = new MemoryKeyStore();
 * const { key } = await store.create({ scopes: ['read'] });
 */
export class MemoryKeyStore implements KeyStore {
  readonly #byId = new Map<string, KeyRecord>();
  readonly #byHash = new Map<string, KeyRecord>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async create(options: NewKeyOptions): Promise<CreatedKey> {
    const created = prepareKey(options, this.#now(), (id) => this.#byId.has(id));
    this.#byId.set(created.id, created.record);
    this.#byHash.set(created.record.sha256, created.record);
    return { ...created, record: copy(created.record) };
  }

  async list(): Promise<KeyRecord[]> {
    return [...this.#byId.values()].map(copy);
  }

  async revoke(id: string): Promise<boolean> {
    const record = this.#byId.get(id);
    if (record === undefined) return false;
    record.revokedAt ??= this.#now();
    return true;
  }

  async findByHash(sha256: string): Promise<KeyRecord | undefined> {
    const record = this.#byHash.get(sha256);
    return record && copy(record);
  }

  async close(): Promise<void> {}
}

function copy(record: KeyRecord): KeyRecord {
  return { ...record, scopes: [...record.scopes] };
}
