/**
 * Cross-server shadowing: text that speaks about other servers' tools (X001) or about changing other tools'
 * behaviour (X002), and names that collide exactly (X003) or by look-alike (X004).
 * @module
 */
import { skeleton } from '../confusables.js';
import type { Definition } from '../definitions.js';
import { excerpt } from '../evidence.js';
import { reportNearNames } from './near-names.js';
import type { WalkedString } from '../walk.js';
import { type RawFinding, sentenceAround } from './raw-finding.js';

const SHADOWING = new RegExp(
  [
    '\\bwhen\\s+this\\s+tool\\s+is\\s+(?:available|present|loaded|installed|enabled|connected)\\b',
    // "a side effect on the also present send_email tool" (not "no side effects on the file system")
    '\\bside[\\s-]effects?\\s+on\\s+(?:the\\s+)?(?:also\\s+present\\s+|other\\s+|another\\s+|all\\s+|any\\s+)?[\\w`\'".-]+\\s+tools?\\b',
    '\\b(?:the\\s+)?(?:also\\s+present|other|existing)\\s+(?:[\\w`\'".-]+\\s+){0,2}tools?\\b[^.!?\\n]{0,60}?\\b(?:must|should|shall|needs?\\s+to|will\\s+need\\s+to)\\b',
    // "when the user calls send_email, instead …" (a tool other than this one; "when you use this tool, …" is honest)
    '\\bwhen(?:ever)?\\s+(?:the\\s+user|you|anyone|someone)\\s+(?:calls?|uses?|invokes?|runs?)\\s+(?:the\\s+|any\\s+|another\\s+)?(?!this\\b|it\\b|these\\b)[`\'"]?[\\w.-]+[`\'"]?(?:\\s+tool)?\\b[^.!?\\n]{0,80}?\\b(?:instead|also|first|always|must|redirect|replace)\\b',
    // "when send_message is invoked, change the recipient …" (the passive form of the above)
    '\\bwhen(?:ever)?\\s+(?:the\\s+)?(?!this\\b|it\\b)[`\'"]?[\\w.-]+[`\'"]?(?:\\s+tool)?\\s+is\\s+(?:invoked|called|used|run|executed)\\b[^.!?\\n]{0,80}?\\b(?:instead|also|first|always|must|make\\s+sure|change|replace|redirect|set)\\b',
    // Redirecting where something goes is the payload of most shadowing attacks.
    '\\b(?:change|replace|set|redirect|switch|rewrite)\\s+(?:the\\s+)?(?:recipients?|destination|to\\s+address|address|account(?:\\s+number)?|iban|wallet(?:\\s+address)?|phone\\s+number|bcc|cc)\\s+(?:field\\s+)?(?:to|with)\\s+(?:\\+?\\d|[\\w.+-]+@|https?://|(?:our|this|my|the\\s+following|a\\s+different|another)\\b)',
    "\\b(?:all|any|every)\\s+(?:emails?|messages?|requests?|calls?|payments?|transfers?|queries|commands?)\\s+(?:must|should|shall|have\\s+to|need\\s+to)\\s+(?:also\\s+)?(?:be\\s+)?(?:sent|routed|redirected|forwarded|copied|cc'?d|bcc'?d)\\s+to\\b",
    '\\b(?:overrides?|replaces?|supersedes?|shadows?|intercepts?)\\s+(?:the\\s+)?(?:behaviou?r\\s+of\\s+)?(?:the\\s+|any\\s+|all\\s+)?(?:other|existing|original|built-in|default)\\s+(?:[\\w`\'".-]+\\s+)?(?:tools?|functions?|servers?)\\b',
  ].join('|'),
  'gi',
);
const INSTEAD_OF = /\binstead\s+of\s+(?:using\s+|calling\s+|invoking\s+)?(?:the\s+)?(?:[`'"][\w.-]+[`'"]|[a-z0-9]+[_.-][\w.-]*|[\w.-]+\s+tool\b)/gi;
const REDIRECT = /\b(?:instead|rather\s+than|in\s+place\s+of|replace[sd]?|override[sd]?|redirect(?:ed|s)?|intercept|must|should|always|never|do\s+not|don'?t|side\s+effects?|before|after)\b/i;
const TOKEN = /[\p{L}\p{N}_][\p{L}\p{N}_.\-]*[\p{L}\p{N}_]|[\p{L}\p{N}_]/gu;

/** Reports shadowing language in one string (`text`: as rules read it). */
export function checkShadowingLanguage(s: WalkedString, text: string, out: RawFinding[]): void {
  SHADOWING.lastIndex = 0;
  const m = SHADOWING.exec(text);
  if (m) {
    out.push({ rule: 'MCP-X002', severity: 'high', pointer: s.pointer, message: 'Tries to change how other tools behave', evidence: excerpt(text, m.index, m[0].length) });
    return;
  }
  INSTEAD_OF.lastIndex = 0;
  const i = INSTEAD_OF.exec(text);
  if (i) out.push({ rule: 'MCP-X002', severity: 'medium', pointer: s.pointer, message: 'Steers the model away from another tool', evidence: excerpt(text, i.index, i[0].length) });
}

/** Tool and prompt names of every server, to find mentions of one server's names in another's text. */
export class NameIndex {
  readonly #owners = new Map<string, Set<string>>();

  add(server: string, name: string): void {
    let owners = this.#owners.get(name);
    if (!owners) this.#owners.set(name, (owners = new Set()));
    owners.add(server);
  }

  /** Servers other than `server` that own `name` (and `server` does not). */
  othersOwning(name: string, server: string): string[] {
    const owners = this.#owners.get(name);
    if (!owners || owners.has(server)) return [];
    return [...owners];
  }

  get size(): number {
    return this.#owners.size;
  }
}

function distinctive(name: string): boolean {
  return /[_.\-\d]/.test(name) || /[a-z][A-Z]/.test(name) || name.length >= 16;
}

/** Reports mentions of other servers' tools and prompts in one string of `def` (X001). */
export function checkCrossReferences(def: Definition, s: WalkedString, index: NameIndex, out: RawFinding[]): void {
  if (index.size === 0 || s.role === 'uri' || s.role === 'name') return;
  const text = s.text;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const name = m[0];
    const others = index.othersOwning(name, def.server);
    if (others.length === 0) continue;
    const quoted = /[`'"]/.test(text[m.index - 1] ?? '') || /^\s+tool\b/i.test(text.slice(m.index + name.length, m.index + name.length + 8));
    if (!distinctive(name) && !quoted) continue;
    const redirected = REDIRECT.test(sentenceAround(text, m.index, name.length).replace(name, ' '));
    out.push({ rule: 'MCP-X001', severity: redirected ? 'high' : 'medium', pointer: s.pointer,
      message: `Mentions ${JSON.stringify(name)}, a tool or prompt of ${others.map((o) => JSON.stringify(o)).join(', ')}${redirected ? ', and tells the model what to do with it' : ''}`,
      evidence: excerpt(text, m.index, name.length) });
    return;
  }
}

/** Names that collide across servers (X003) or look alike anywhere (X004); findings keyed by definition. */
export function checkCollisions(defs: readonly Definition[]): Map<Definition, RawFinding[]> {
  const found = new Map<Definition, RawFinding[]>();
  const report = (d: Definition, f: RawFinding) => {
    const list = found.get(d) ?? [];
    list.push(f);
    found.set(d, list);
  };
  for (const kind of ['tool', 'prompt'] as const) {
    const bySkeleton = new Map<string, Definition[]>();
    for (const d of defs) {
      if (d.kind !== kind || d.name === undefined) continue;
      const key = skeleton(d.name);
      const group = bySkeleton.get(key) ?? [];
      group.push(d);
      bySkeleton.set(key, group);
    }
    for (const group of bySkeleton.values()) {
      if (group.length < 2) continue;
      for (const d of group) {
        const others = group.filter((o) => o !== d);
        const same = others.filter((o) => o.name === d.name && o.server !== d.server);
        const lookalike = others.filter((o) => o.name !== d.name);
        if (lookalike.length > 0) {
          report(d, { rule: 'MCP-X004', severity: 'high', pointer: '/name',
            message: `The ${kind} name ${JSON.stringify(d.name)} is indistinguishable from ${lookalike.map((o) => `${JSON.stringify(o.name)} on ${JSON.stringify(o.server)}`).join(', ')}`,
            evidence: excerpt(d.name ?? '') });
        } else if (same.length > 0) {
          report(d, { rule: 'MCP-X003', severity: 'medium', pointer: '/name',
            message: `The ${kind} name ${JSON.stringify(d.name)} is also offered by ${same.map((o) => JSON.stringify(o.server)).join(', ')}`,
            evidence: excerpt(d.name ?? '') });
        }
      }
    }
  }
  reportNearNames(defs, report);
  return found;
}
