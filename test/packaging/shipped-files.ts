/**
 * Reads what a tarball ships, after install: the module specifiers of its JavaScript and declaration files,
 * and the files reachable from an entry point. The checks publint and "are the types wrong" make, by hand.
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

// Static `import … from`, `export … from`, bare `import '…'`, and `import('…')` (calls and type references).
// Compiled output only: one statement per match is enough, and a specifier never spans lines.
const STATIC = /(?:^|[\n;])\s*(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?['"]([^'"\n]+)['"]/g;
const DYNAMIC = /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g;
// `import.meta.resolve('…')`: a package located at run time (mcpkit dev hands tsx's path to node --import).
const RESOLVED = /\bimport\.meta\.resolve\(\s*['"]([^'"\n]+)['"]\s*\)/g;

export function specifiers(source: string): string[] {
  return [...source.matchAll(STATIC), ...source.matchAll(DYNAMIC), ...source.matchAll(RESOLVED)].map((m) => m[1]!);
}

export const isBuiltin = (spec: string): boolean => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

/** The package a bare specifier names: `@scope/name` or `name`. */
export const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

export const isCode = (path: string): boolean => /\.(?:js|mjs|d\.ts|d\.mts)$/.test(path);

/** The shipped file a relative specifier of `from` names, or undefined when the tarball lacks it. */
export function resolveRelative(from: string, spec: string, shipped: Set<string>): string | undefined {
  const target = normalize(join(dirname(from), spec));
  const candidates = from.endsWith('.d.ts') ? [target.replace(/\.js$/, '.d.ts'), target, `${target}.d.ts`, join(target, 'index.d.ts')] : [target];
  return candidates.find((c) => shipped.has(c));
}

/** Every file reachable from `entry` through relative imports, with the non-relative specifiers they use. */
export function reachable(packageDir: string, entry: string, shipped: Set<string>): { files: string[]; external: Array<{ file: string; spec: string }> } {
  const seen = new Set<string>([entry]);
  const external: Array<{ file: string; spec: string }> = [];
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of specifiers(readFileSync(join(packageDir, file), 'utf8'))) {
      if (!spec.startsWith('.')) {
        external.push({ file, spec });
        continue;
      }
      const next = resolveRelative(file, spec, shipped);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return { files: [...seen], external };
}
