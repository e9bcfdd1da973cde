/**
 * The YAML side of loading: parse keeping source positions, refuse what YAML allows but a config must not
 * (duplicate keys, tags, collection keys, alias bombs), and find the line and column of any field.
 * @module
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { FieldPath } from './field-path.js';
import type { RawProblem } from './raw-problem.js';


/** Aliases may expand to at most about this many nodes in all; far above any real config, far below a bomb. */
const MAX_ALIAS_COUNT = 1000;
/** No config needs more than a handful of levels; refusing deeper ones keeps every later walk shallow. */
const MAX_DEPTH = 32;
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export interface YamlSource {
  /** The plain data, or undefined when the YAML itself has problems. */
  data: unknown;
  problems: RawProblem[];
  /** 1-based line and column of a field (of its nearest existing ancestor when it is missing). */
  locate(problem: RawProblem): { line: number; column: number };
}

/** Parses `mcp.yaml` text; never throws for bad input. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, merge: true, prettyErrors: false, strict: true });
  const problems: RawProblem[] = doc.errors.map((e) => ({ path: [], message: `invalid YAML: ${firstLine(e.message)}`, offset: e.pos[0] }));
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (problems.length === 0 && doc.contents) checkNodes(doc.contents, [], (offset) => at(offset).line, problems);
  let data: unknown;
  if (problems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
    } catch (error) {
      problems.push({ path: [], message: `the YAML anchors and aliases expand too much (${(error as Error).message})`, offset: 0 });
    }
  }
  return {
    data,
    problems,
    locate: (problem) => at(problem.offset ?? findOffset(doc, problem.path, problem.atKey === true)),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function checkNodes(node: Node, path: (string | number)[], lineAt: (offset: number) => number, problems: RawProblem[]): void {
  if (isAlias(node)) return; // checked where its anchor is
  if (path.length > MAX_DEPTH) {
    problems.push({ path, message: `is nested more than ${MAX_DEPTH} levels deep`, offset: node.range?.[0] ?? 0 });
    return;
  }
  if (node.tag !== undefined && !PLAIN_TAGS.has(node.tag)) {
    problems.push({ path, message: `YAML tags such as ${node.tag} are not supported; write plain values`, offset: node.range?.[0] ?? 0 });
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (item) checkNodes(item as Node, [...path, i], lineAt, problems);
    });
  } else if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = pair.key;
      if (!isScalar(key) || (key.value !== null && typeof key.value === 'object')) {
        const offset = (key as Node | null)?.range?.[0] ?? node.range?.[0] ?? 0;
        problems.push({ path, message: 'keys must be plain names, not lists or mappings', offset });
        continue;
      }
      const name = String(key.value);
      if (name === '__proto__') {
        problems.push({ path: [...path, name], message: 'is not allowed as a key', atKey: true });
        continue;
      }
      const first = seen.get(name);
      if (first !== undefined && name !== '<<') {
        problems.push({ path: [...path, name], message: `is given twice (first on line ${first}); keys must be unique`, atKey: true });
      } else {
        seen.set(name, lineAt(key.range?.[0] ?? 0));
      }
      if (pair.value) checkNodes(pair.value as Node, [...path, name], lineAt, problems);
    }
  }
}

/** The offset of the node at `path`, or of its nearest ancestor that exists. */
function findOffset(doc: Document, path: FieldPath, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) return offset;
      node = item;
    } else if (isMap(node)) {
      const pair = findPair(node, String(segment), doc);
      if (pair === undefined) return offset;
      if (last && atKey) return (pair.key as Node).range?.[0] ?? offset;
      node = pair.value ?? pair.key;
    } else {
      return offset;
    }
    offset = (node as Node | null)?.range?.[0] ?? offset;
  }
  return offset;
}

type AnyPair = { key: unknown; value: unknown };

function findPair(map: { items: unknown[] }, name: string, doc: Document, depth = 0): AnyPair | undefined {
  const pairs = map.items.filter(isPair) as AnyPair[];
  const own = [...pairs].reverse().find((p) => isScalar(p.key) && String(p.key.value) === name);
  if (own !== undefined || depth > 8) return own;
  // A key that came from a merge (`<<: *defaults`) is found where the merged mapping defines it.
  for (const p of pairs) {
    if (!isScalar(p.key) || p.key.value !== '<<') continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (let source of sources) {
      if (isAlias(source)) source = source.resolve(doc);
      if (isMap(source)) {
        const found = findPair(source, name, doc, depth + 1);
        if (found) return found;
      }
    }
  }
  return undefined;
}
