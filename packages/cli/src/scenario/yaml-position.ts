/**
 * Where a field of a YAML document is: its 1-based line and column, for messages of the form file:line:col.
 * @module
 */
import { type Document, type LineCounter, isMap, isPair, isScalar, isSeq } from 'yaml';

/** A field's path: mapping keys and sequence indexes from the root. */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * The position of the value at `path` (of its key, with `atKey`), or of the nearest ancestor that exists.
 * @example
 * locate(doc, lines, ['steps', 0, 'cal'], true); // { line: 3, column: 5 }
 */
export function locate(doc: Document, lines: LineCounter, path: FieldPath, atKey = false): { line: number; column: number } {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      if (atKey && i === path.length - 1) node = pair.key;
      else node = pair.value ?? pair.key;
    } else {
      break;
    }
    if (node === undefined || node === null) break;
    offset = rangeStart(node) ?? offset;
  }
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}
