/**
 * Namespaced tool names (`server__tool`) that LLM APIs accept, and the table that maps them back.
 * @module
 */

/** The longest name the model APIs take for a tool (`^[a-zA-Z0-9_-]{1,64}$`). */
export const MAX_TOOL_NAME_LENGTH = 64;
const SEPARATOR = '__';
const HASH_CHARS = 8;
const UNSAFE = /[^A-Za-z0-9_-]/g;

/** 40 bits of FNV-1a 64 over the UTF-8 of both names, as 8 base-36 characters. */
function shortHash(server: string, tool: string): string {
  let h = 0xcbf29ce484222325n;
  // A NUL between the names keeps ("a", "b_c") and ("a_b", "c") apart, unlike the `__` of the visible name.
  for (const byte of new TextEncoder().encode(`${server}\u0000${tool}`)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (h >> 24n).toString(36).padStart(HASH_CHARS, '0');
}

function withHash(clean: string, server: string, tool: string): string {
  const room = MAX_TOOL_NAME_LENGTH - HASH_CHARS - 1;
  return `${clean.slice(0, room)}_${shortHash(server, tool)}`;
}

/**
 * The name a host shows the model for a server's tool: `server__tool`, with every character outside
 * `[A-Za-z0-9_-]` replaced by `_`. Past 64 characters it is cut and ends in `_` and a hash of both original
 * names, so it stays deterministic and distinct. A {@link NameTable} maps names back, also after collisions.
 * @example
 * namespaceToolName('github', 'create_issue'); // 'github__create_issue'
 * namespaceToolName('my server', 'files.read'); // 'my_server__files_read'
 */
export function namespaceToolName(server: string, tool: string): string {
  const clean = `${server}${SEPARATOR}${tool}`.replace(UNSAFE, '_');
  return clean.length <= MAX_TOOL_NAME_LENGTH ? clean : withHash(clean, server, tool);
}

/** The always-hashed form, used when two tools would otherwise share a name. */
export function hashedToolName(server: string, tool: string): string {
  return withHash(`${server}${SEPARATOR}${tool}`.replace(UNSAFE, '_'), server, tool);
}

/** A server's tool (or prompt) as the server names it. */
export interface QualifiedName {
  server: string;
  tool: string;
}

/**
 * Namespaced names for every server's tools, unique across servers, and the way back. Names that collide
 * (`a.b` and `a_b`, or server `x__y` tool `z` and server `x` tool `y__z`) all switch to the hashed form, so
 * the outcome depends on the set of tools, never on which server connected first.
 */
export class NameTable {
  readonly #byServer = new Map<string, readonly string[]>();
  #forward = new Map<string, Map<string, string>>();
  #reverse = new Map<string, QualifiedName>();
  /** Pairs left out because even their hashed names collide (40 bits: practically never). */
  dropped: QualifiedName[] = [];

  /** Replaces one server's names; returns the other servers whose names changed because of it (collisions). */
  set(server: string, names: readonly string[]): string[] {
    this.#byServer.set(server, [...new Set(names)]);
    return this.#rebuild().filter((s) => s !== server);
  }

  /** Drops one server's names; returns the servers whose names changed because of it. */
  delete(server: string): string[] {
    return this.#byServer.delete(server) ? this.#rebuild() : [];
  }

  nameOf(server: string, tool: string): string | undefined {
    return this.#forward.get(server)?.get(tool);
  }

  resolve(namespaced: string): QualifiedName | undefined {
    const found = this.#reverse.get(namespaced);
    return found && { ...found };
  }

  #rebuild(): string[] {
    const pairs: Array<QualifiedName & { name: string; hashed: boolean }> = [];
    for (const [server, names] of this.#byServer) {
      for (const tool of names) pairs.push({ server, tool, name: namespaceToolName(server, tool), hashed: false });
    }
    // Each round moves at least one pair to its hashed name, so this ends after at most pairs.length rounds.
    for (let round = 0; round <= pairs.length; round++) {
      const groups = new Map<string, typeof pairs>();
      for (const p of pairs) groups.set(p.name, [...(groups.get(p.name) ?? []), p]);
      let changed = false;
      for (const group of groups.values()) {
        if (group.length < 2) continue;
        for (const p of group) {
          if (p.hashed) continue;
          p.name = hashedToolName(p.server, p.tool);
          p.hashed = true;
          changed = true;
        }
      }
      if (!changed) break;
    }
    const forward = new Map<string, Map<string, string>>();
    const reverse = new Map<string, QualifiedName>();
    this.dropped = [];
    const order = [...pairs].sort((a, b) => (a.server === b.server ? cmp(a.tool, b.tool) : cmp(a.server, b.server)));
    for (const p of order) {
      if (reverse.has(p.name)) {
        this.dropped.push({ server: p.server, tool: p.tool });
        continue;
      }
      reverse.set(p.name, { server: p.server, tool: p.tool });
      let m = forward.get(p.server);
      if (!m) forward.set(p.server, (m = new Map()));
      m.set(p.tool, p.name);
    }
    const changed = [...new Set([...this.#forward.keys(), ...forward.keys()])].filter((s) => !sameNames(this.#forward.get(s), forward.get(s)));
    this.#forward = forward;
    this.#reverse = reverse;
    return changed;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameNames(a: Map<string, string> | undefined, b: Map<string, string> | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
