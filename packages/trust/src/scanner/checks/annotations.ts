/**
 * Annotations that contradict the tool (A001–A004): a "read-only" tool that deletes, a "non-destructive" one that
 * drops tables, a "closed-world" one that fetches URLs. Hosts skip confirmations on these hints, so a lie pays.
 * @module
 */
import type { Tool } from '@mcpkit/protocol';
import { excerpt } from '../evidence.js';
import type { RawFinding } from './raw-finding.js';

// Verbs that change something. Names are read in verb_noun order, so only a name's first word counts (a noun
// such as "commit", "post" or "merge" in `get_commit` is not a verb); a destructive verb counts as the last word too
// (`file_delete`). "create" and "generate" are left out: creating a URL or a summary changes nothing.
const MUTATING = new Set([
  'delete', 'remove', 'rm', 'drop', 'destroy', 'erase', 'wipe', 'purge', 'truncate', 'kill', 'terminate', 'write', 'update',
  'edit', 'modify', 'set', 'put', 'patch', 'insert', 'upsert', 'append', 'move', 'rename', 'overwrite', 'send', 'post', 'email',
  'publish', 'upload', 'push', 'transfer', 'pay', 'execute', 'exec', 'deploy', 'install', 'uninstall', 'commit', 'merge', 'revoke',
  'reset', 'restart', 'shutdown', 'save', 'store', 'mkdir', 'chmod', 'chown', 'grant',
]);
const DESTRUCTIVE = new Set(['delete', 'remove', 'rm', 'drop', 'destroy', 'erase', 'wipe', 'purge', 'truncate', 'overwrite', 'kill', 'terminate', 'uninstall', 'revoke', 'reset', 'shred', 'format']);
const OPEN_WORLD = new Set(['fetch', 'http', 'https', 'url', 'download', 'browse', 'browser', 'crawl', 'scrape', 'curl', 'webhook', 'web', 'internet']);

/** The words of a tool name: `deleteFile`, `delete_file`, `delete-file` → delete, file. */
export function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** The verb a description opens with ("Deletes a file" → delete), or undefined. */
function leadingVerb(description: string | undefined): string | undefined {
  const first = /^\s*(?:this\s+tool\s+)?([a-z]+)/i.exec(description ?? '')?.[1]?.toLowerCase();
  if (!first) return undefined;
  // Third person to base: deletes → delete, writes → write, pushes → push, copies → copy.
  if (first.endsWith('ies')) return `${first.slice(0, -3)}y`;
  if (/(?:sh|ch|ss|x)es$/.test(first)) return first.slice(0, -2);
  if (first.endsWith('s') && !first.endsWith('ss')) return first.slice(0, -1);
  return first;
}

function hit(words: string[], verb: string | undefined, set: Set<string>): string | undefined {
  const first = words[0];
  const last = words.at(-1);
  if (first !== undefined && set.has(first)) return first;
  if (last !== undefined && set.has(last) && DESTRUCTIVE.has(last)) return last;
  return verb !== undefined && set.has(verb) ? verb : undefined;
}

/** Reports contradictions between a tool's annotations and its name and description. */
export function checkAnnotations(tool: Tool, out: RawFinding[]): void {
  const a = tool.annotations;
  if (!a || typeof a !== 'object') return;
  const words = nameWords(typeof tool.name === 'string' ? tool.name : '');
  const verb = leadingVerb(typeof tool.description === 'string' ? tool.description : undefined);
  const said = `${tool.name}: ${tool.description ?? ''}`;
  if (a.readOnlyHint === true) {
    const w = hit(words, verb, MUTATING);
    if (w) out.push({ rule: 'MCP-A001', severity: 'high', pointer: '/annotations/readOnlyHint',
      message: `readOnlyHint is true, but the tool says it does "${w}"`, evidence: excerpt(said, 0, 0, 120) });
    if (a.destructiveHint === true) out.push({ rule: 'MCP-A004', severity: 'low', pointer: '/annotations/destructiveHint',
      message: 'readOnlyHint and destructiveHint are both true' });
  }
  if (a.destructiveHint === false) {
    const w = hit(words, verb, DESTRUCTIVE);
    if (w) out.push({ rule: 'MCP-A002', severity: 'high', pointer: '/annotations/destructiveHint',
      message: `destructiveHint is false, but the tool says it does "${w}"`, evidence: excerpt(said, 0, 0, 120) });
  }
  if (a.openWorldHint === false) {
    const w = words.find((x) => OPEN_WORLD.has(x)) ?? (/https?:\/\/|\b(?:fetch|download|retrieve|browse)\w*\b[^.!?\n]{0,40}\b(?:url|web\s*page|website|internet)\b/i.test(String(tool.description ?? '')) ? 'fetch URLs' : undefined);
    if (w) out.push({ rule: 'MCP-A003', severity: 'medium', pointer: '/annotations/openWorldHint',
      message: `openWorldHint is false, but the tool says it does "${w}"`, evidence: excerpt(said, 0, 0, 120) });
  }
}
