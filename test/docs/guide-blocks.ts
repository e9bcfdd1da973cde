/**
 * What the guide tests share: a markdown guide's ```ts blocks, and a strict type-check of each block as its own
 * module against the built packages, with problems named by the guide's own line numbers.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface GuideBlock {
  code: string;
  /** The line of the guide the block's first code line is on. */
  line: number;
}

/** The ```ts blocks of `guide`, in order. */
export function guideBlocks(guide: string): GuideBlock[] {
  const out: GuideBlock[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(guide); m; m = re.exec(guide)) out.push({ code: m[1]!, line: guide.slice(0, m.index).split('\n').length + 1 });
  return out;
}

/**
 * Type-checks every block (each its own module, so top-level await works and names do not clash) in `outDir`, a
 * folder under test/ so that @mcpkit/* resolve through the workspace; `prelude` is a declaration file compiled
 * with them. Returns the problems as `name:line: message`.
 */
export function typeCheckBlocks(name: string, blocks: readonly GuideBlock[], outDir: string, prelude?: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const roots: string[] = [];
  if (prelude !== undefined) {
    roots.push(join(outDir, 'prelude.d.ts'));
    writeFileSync(roots[0]!, prelude);
  }
  const files = blocks.map((b, i) => {
    const file = join(outDir, `block-${String(i).padStart(2, '0')}.ts`);
    writeFileSync(file, `${b.code}\nexport {};\n`);
    return { file, line: b.line };
  });
  const program = ts.createProgram([...roots, ...files.map((f) => f.file)], {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
    skipLibCheck: true,
    types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const block = files.find((f) => f.file === d.file?.fileName);
    if (!block || d.start === undefined) return text;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    return `${name}:${block.line + line}: ${text}`;
  });
}
