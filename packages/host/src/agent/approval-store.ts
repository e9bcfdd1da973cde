/**
 * Where "allow always" answers are kept: in memory for one {@link ToolApprovals}, or in a 0600 JSON file under the
 * user's config directory so they last across sessions. Each one is keyed by server identity and tool, and holds
 * the digest of the tool's definition when it was allowed.
 * @module
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { InvalidArgumentError } from '@mcpkit/protocol';

/** One remembered "allow always". */
export interface RememberedApproval {
  /** The server identity (see `serverIdentity`): command and args, or URL. */
  identity: string;
  /** The tool's name on its server. */
  tool: string;
  /** `digestItem('tool', definition)` of @mcpkit/trust when it was allowed; another digest means "ask again". */
  digest: string;
  /** When it was allowed (ISO 8601). */
  savedAt: string;
}

/** Keeps remembered approvals. Reads see every earlier write; implementations may be shared by sessions. */
export interface ApprovalStore {
  find(identity: string, tool: string): Promise<RememberedApproval | undefined>;
  /** Saves (or replaces) the approval of `identity` and `tool`. */
  save(approval: RememberedApproval): Promise<void>;
  list(): Promise<RememberedApproval[]>;
  /** Forgets the approvals `match` selects (every one without it); returns them. */
  forget(match?: (approval: RememberedApproval) => boolean): Promise<RememberedApproval[]>;
}

/** Approvals as `identity` → `tool` → the rest; the shape of the file too. */
type Table = Record<string, Record<string, { digest: string; savedAt: string }>>;

function flatten(table: Table): RememberedApproval[] {
  return Object.entries(table).flatMap(([identity, tools]) => Object.entries(tools).map(([tool, r]) => ({ identity, tool, digest: r.digest, savedAt: r.savedAt })));
}

function without(table: Table, gone: RememberedApproval[]): void {
  for (const a of gone) {
    const tools = table[a.identity];
    if (!tools) continue;
    delete tools[a.tool];
    if (Object.keys(tools).length === 0) delete table[a.identity];
  }
}

function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Approvals for the life of the process (the default of {@link ToolApprovals}). */
export class MemoryApprovalStore implements ApprovalStore {
  readonly #table: Table = Object.create(null) as Table;

  async find(identity: string, tool: string): Promise<RememberedApproval | undefined> {
    const r = own(own(this.#table, identity), tool);
    return r && { identity, tool, ...r };
  }

  async save(approval: RememberedApproval): Promise<void> {
    (this.#table[approval.identity] ??= Object.create(null) as Table[string])[approval.tool] = { digest: approval.digest, savedAt: approval.savedAt };
  }

  async list(): Promise<RememberedApproval[]> {
    return flatten(this.#table);
  }

  async forget(match: (approval: RememberedApproval) => boolean = () => true): Promise<RememberedApproval[]> {
    const gone = flatten(this.#table).filter(match);
    without(this.#table, gone);
    return gone;
  }
}

/**
 * `$XDG_CONFIG_HOME/mcpkit/approvals.json`, else `~/.config/mcpkit/approvals.json` (beside the tokens of
 * `mcpkit login`; a relative XDG value is ignored).
 */
export function approvalsFilePath(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'mcpkit', 'approvals.json');
}

interface ApprovalFileData {
  version: 1;
  approvals: Table;
}

function isEntry(value: unknown): value is { digest: string; savedAt: string } {
  const v = value as { digest?: unknown; savedAt?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.digest === 'string' && typeof v.savedAt === 'string';
}

/**
 * Approvals in a JSON file, mode 0600, read afresh on every operation (two sessions share it) and rewritten
 * atomically. A file that others may write is refused: whoever can write it can approve tools.
 * @example
 * const approvals = new ToolApprovals({ ask, store: new FileApprovalStore() }); // ~/.config/mcpkit/approvals.json
 */
export class FileApprovalStore implements ApprovalStore {
  readonly path: string;

  constructor(path: string = approvalsFilePath()) {
    this.path = path;
  }

  /**
   * The file's approvals; an absent file has none.
   * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a file that cannot be read, is not an approvals
   *   file, or is writable by group or others.
   */
  read(): Table {
    let text: string;
    try {
      // POSIX only: Windows reports no group or other bits.
      if (process.platform !== 'win32' && (statSync(this.path).mode & 0o022) !== 0) {
        throw new InvalidArgumentError(`${this.path} is writable by other users, so its approvals cannot be trusted; make it private (chmod 600) or delete it`);
      }
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Table;
      if (error instanceof InvalidArgumentError) throw error;
      throw new InvalidArgumentError(`cannot read the approvals file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    let data: Partial<ApprovalFileData> | undefined;
    try {
      data = JSON.parse(text) as Partial<ApprovalFileData>;
    } catch {
      data = undefined;
    }
    const table = data?.approvals;
    const valid = data?.version === 1 && typeof table === 'object' && table !== null && !Array.isArray(table)
      && Object.values(table).every((tools) => typeof tools === 'object' && tools !== null && Object.values(tools).every(isEntry));
    if (!valid) throw new InvalidArgumentError(`${this.path} is not an mcpkit approvals file; delete it to start again`);
    // Null-prototype records all the way down: tool names come from servers, and `__proto__` is a valid one.
    const out = Object.create(null) as Table;
    for (const [identity, tools] of Object.entries(table)) out[identity] = Object.assign(Object.create(null) as Table[string], tools);
    return out;
  }

  #update(change: (table: Table) => void): void {
    const table = this.read();
    change(table);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Beside the file and renamed over it, so a crash never leaves half a file; 0600 from the first byte, and
    // again after the rename in case the file existed with a wider mode.
    const temp = `${this.path}.${process.pid}.tmp`;
    const data: ApprovalFileData = { version: 1, approvals: table };
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
    chmodSync(this.path, 0o600);
  }

  async find(identity: string, tool: string): Promise<RememberedApproval | undefined> {
    const r = own(own(this.read(), identity), tool);
    return r && { identity, tool, digest: r.digest, savedAt: r.savedAt };
  }

  async save(approval: RememberedApproval): Promise<void> {
    this.#update((table) => {
      const tools = own(table, approval.identity) ?? (Object.create(null) as Table[string]);
      tools[approval.tool] = { digest: approval.digest, savedAt: approval.savedAt };
      table[approval.identity] = tools;
    });
  }

  async list(): Promise<RememberedApproval[]> {
    return flatten(this.read());
  }

  async forget(match: (approval: RememberedApproval) => boolean = () => true): Promise<RememberedApproval[]> {
    const gone = flatten(this.read()).filter(match);
    if (gone.length > 0) this.#update((table) => without(table, gone));
    return gone;
  }
}
