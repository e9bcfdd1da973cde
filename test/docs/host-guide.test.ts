/**
 * Keeps docs/host.md honest (issue 11): every ```ts block type-checks against the built packages, as
 * test/docs/client-guide.test.ts does for the client guide, and every runtime export of @mcpkit/host and
 * @mcpkit/host/testing is named in it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'host.md'), 'utf8');
// Its own folder under test/, so @mcpkit/* resolve through the workspace's node_modules (built dist/).
const outDir = join(root, 'test', 'dist', 'host-guide');

function blocks(): Array<{ code: string; line: number }> {
  const out: Array<{ code: string; line: number }> = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(guide); m; m = re.exec(guide)) out.push({ code: m[1]!, line: guide.slice(0, m.index).split('\n').length + 1 });
  return out;
}

describe('docs/host.md', () => {
  it('has examples', () => {
    expect(blocks().length).toBeGreaterThanOrEqual(3);
  });

  it('every ts block type-checks against the built packages', () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = blocks().map((b, i) => {
      const file = join(outDir, `block-${String(i).padStart(2, '0')}.ts`);
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return { file, line: b.line };
    });
    const program = ts.createProgram(
      files.map((f) => f.file),
      {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
        skipLibCheck: true,
        types: ['node'],
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const block = files.find((f) => f.file === d.file?.fileName);
      if (!block || d.start === undefined) return text;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
      return `docs/host.md:${block.line + line}: ${text}`;
    });
    expect(problems).toEqual([]);
  });

  it('names every runtime export of @mcpkit/host and @mcpkit/host/testing', async () => {
    const names = [...Object.keys(await import('@mcpkit/host')), ...Object.keys(await import('@mcpkit/host/testing'))];
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(guide))).toEqual([]);
  });
});
