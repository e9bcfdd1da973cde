/**
 * Reads `mcp.lock.json` defensively: a lockfile may be hand-edited, stale, from a newer mcpkit or hostile, so every
 * field is checked and every problem is named by its path.
 * @module
 */
import type { JWK } from 'jose';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { ITEM_KINDS, keyField, type Definition, type ItemKind } from './definition.js';
import { recordOf } from './digest.js';
import { canonicalize } from './jcs.js';
import { LOCKFILE_VERSION, type Approval, type Lockfile, type LockedItem, type LockedServer, type LockedSigner } from './lockfile.js';
import { setOwn } from './own.js';

/** Limits for `parseLockfile`. */
export interface ParseLockfileOptions {
  /** Refuse a text longer than this many UTF-16 code units (default 16 MiB). */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;
const MAX_PROBLEMS = 20;
const HEX_DIGEST = /^[0-9a-f]{64}$/;
/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

type Json = Record<string, unknown>;

/**
 * Parses and checks a lockfile.
 * @param source how to name the file in messages (its path).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) listing every problem (up to 20), one per line, as
 * `source: servers.files.tools.read_file.digest: must be 64 lowercase hex characters`.
 * @example
 * const lock = parseLockfile(await readFile('mcp.lock.json', 'utf8'), 'mcp.lock.json');
 */
export function parseLockfile(text: string, source = 'mcp.lock.json', options: ParseLockfileOptions = {}): Lockfile {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  if (typeof text !== 'string') throw new InvalidArgumentError(`${source}: a lockfile must be text`);
  if (text.length > maxLength) {
    throw new InvalidArgumentError(`${source}: ${text.length} characters is more than a lockfile may hold (${maxLength})`);
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${source}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const reader = new Reader();
  const lock = reader.lockfile(root);
  if (reader.problems.length > 0 || lock === undefined) {
    const more = reader.dropped > 0 ? `\n${source}: … and ${reader.dropped} more` : '';
    throw new InvalidArgumentError(reader.problems.map((p) => `${source}: ${p}`).join('\n') + more);
  }
  return lock;
}

class Reader {
  readonly problems: string[] = [];
  dropped = 0;

  lockfile(root: unknown): Lockfile | undefined {
    if (!this.isObject(root, '(root)')) return undefined;
    const version = root.lockfileVersion;
    if (version !== LOCKFILE_VERSION) {
      const newer = typeof version === 'number' && version > LOCKFILE_VERSION;
      this.fail('lockfileVersion', newer ? `${version} is newer than this mcpkit reads (${LOCKFILE_VERSION}); upgrade mcpkit` : `must be ${LOCKFILE_VERSION}, got ${show(version)}`);
      return undefined;
    }
    this.onlyKnown(root, '', ['lockfileVersion', 'servers']);
    if (!this.isObject(root.servers, 'servers')) return undefined;
    const servers: Record<string, LockedServer> = {};
    for (const [name, value] of Object.entries(root.servers)) {
      const entry = this.server(value, `servers.${name}`);
      if (entry !== undefined) setOwn(servers, name, entry);
    }
    return { lockfileVersion: LOCKFILE_VERSION, servers };
  }

  private server(value: unknown, path: string): LockedServer | undefined {
    if (!this.isObject(value, path)) return undefined;
    this.onlyKnown(value, path, ['digest', 'serverName', 'instructions', 'tools', 'prompts', 'resourceTemplates', 'approvedAt', 'approvedBy', 'signer']);
    const entry: LockedServer = { digest: this.digest(value.digest, `${path}.digest`), tools: {}, prompts: {}, resourceTemplates: {}, ...this.approval(value, path) };
    if (value.serverName !== undefined) entry.serverName = this.string(value.serverName, `${path}.serverName`);
    if (value.instructions !== undefined && this.isObject(value.instructions, `${path}.instructions`)) {
      const at = `${path}.instructions`;
      this.onlyKnown(value.instructions, at, ['digest', 'text', 'approvedAt', 'approvedBy']);
      const { digest, text } = value.instructions;
      entry.instructions = { digest: this.digest(digest, `${at}.digest`), text: this.string(text, `${at}.text`, true), ...this.approval(value.instructions, at) };
    }
    for (const kind of ITEM_KINDS) {
      const field = recordOf(kind);
      if (!this.isObject(value[field], `${path}.${field}`)) continue;
      for (const [name, item] of Object.entries(value[field])) {
        const locked = this.item(kind, name, item, `${path}.${field}.${name}`);
        if (locked !== undefined) setOwn(entry[field], name, locked);
      }
    }
    if (value.signer !== undefined) {
      const signer = this.signer(value.signer, `${path}.signer`);
      if (signer !== undefined) entry.signer = signer;
    }
    return entry;
  }

  private item(kind: ItemKind, name: string, value: unknown, path: string): LockedItem | undefined {
    if (!this.isObject(value, path)) return undefined;
    this.onlyKnown(value, path, ['digest', 'definition', 'approvedAt', 'approvedBy']);
    const digest = this.digest(value.digest, `${path}.digest`);
    if (!this.isObject(value.definition, `${path}.definition`)) return undefined;
    const key = value.definition[keyField(kind)];
    if (key !== name) this.fail(`${path}.definition.${keyField(kind)}`, `must be ${show(name)} (the key it is filed under), got ${show(key)}`);
    try {
      canonicalize(value.definition); // bounds nesting, so drift reports on it cannot overflow the stack
    } catch (error) {
      this.fail(`${path}.definition`, (error as Error).message);
    }
    return { digest, definition: value.definition as Definition, ...this.approval(value, path) };
  }

  private signer(value: unknown, path: string): LockedSigner | undefined {
    if (!this.isObject(value, path)) return undefined;
    this.onlyKnown(value, path, ['issuer', 'keys', 'jwksUri']);
    const signer: LockedSigner = { issuer: this.string(value.issuer, `${path}.issuer`) };
    if (value.keys !== undefined) {
      if (!Array.isArray(value.keys)) this.fail(`${path}.keys`, 'must be an array of public JWKs');
      else signer.keys = value.keys.map((key, i) => this.publicJwk(key, `${path}.keys[${i}]`));
    }
    if (value.jwksUri !== undefined) {
      const uri = this.string(value.jwksUri, `${path}.jwksUri`);
      if (!/^https:\/\/[^/]/.test(uri)) this.fail(`${path}.jwksUri`, `must be an https URL, got ${show(uri)}`);
      signer.jwksUri = uri;
    }
    if (signer.keys === undefined && signer.jwksUri === undefined) this.fail(path, 'needs `keys` or `jwksUri`');
    return signer;
  }

  private publicJwk(value: unknown, path: string): JWK {
    if (!this.isObject(value, path)) return {};
    if (typeof value.kty !== 'string') this.fail(`${path}.kty`, 'must be a string');
    const secret = PRIVATE_MEMBERS.filter((member) => value[member] !== undefined);
    if (secret.length > 0) this.fail(path, `holds private key material (${secret.join(', ')}); a lockfile keeps public keys only`);
    return value as JWK;
  }

  private approval(value: Json, path: string): Approval {
    const approvedAt = this.string(value.approvedAt, `${path}.approvedAt`);
    if (approvedAt !== '' && Number.isNaN(Date.parse(approvedAt))) this.fail(`${path}.approvedAt`, `must be an ISO 8601 time, got ${show(approvedAt)}`);
    return { approvedAt, approvedBy: this.string(value.approvedBy, `${path}.approvedBy`) };
  }

  private digest(value: unknown, path: string): string {
    if (typeof value === 'string' && HEX_DIGEST.test(value)) return value;
    this.fail(path, `must be 64 lowercase hex characters (SHA-256), got ${show(value)}`);
    return '';
  }

  private string(value: unknown, path: string, emptyOk = false): string {
    if (typeof value === 'string' && (emptyOk || value !== '')) return value;
    this.fail(path, `must be a ${emptyOk ? '' : 'non-empty '}string, got ${show(value)}`);
    return '';
  }

  private isObject(value: unknown, path: string): value is Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.fail(path, `must be an object, got ${show(value)}`);
    return false;
  }

  private onlyKnown(value: Json, path: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) if (!known.includes(key)) this.fail(path === '' ? key : `${path}.${key}`, 'is not a lockfile field');
  }

  private fail(path: string, message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${path}: ${message}`);
    else this.dropped++;
  }
}

/** A short rendering of a bad value for a message. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
