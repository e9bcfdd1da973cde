/**
 * Field paths in messages: `servers.files.command`, `keys[0].key`, `servers["my server"]`.
 * @module
 */

export type FieldPath = readonly (string | number)[];

/** The path as users read it. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_$-]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Segments of a JSON Pointer (`/keys/0/key`); a segment of digits is kept as a string, the walker decides. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The path with list indexes as numbers, read off the data it points into. */
export function typedFieldPath(data: unknown, path: FieldPath): (string | number)[] {
  const out: (string | number)[] = [];
  let node = data;
  for (const segment of path) {
    const index = Array.isArray(node) || typeof segment === 'number' ? Number(segment) : NaN;
    const typed = Number.isInteger(index) ? index : String(segment);
    out.push(typed);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[typed] : undefined;
  }
  return out;
}
