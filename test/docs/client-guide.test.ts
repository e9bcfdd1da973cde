/**
 * Keeps docs/client.md honest (issue 13): every ```ts block type-checks against the built packages, and every
 * public function of @mcpkit/client (each entry point's runtime exports, and the methods of Client and ToolTask)
 * appears in at least one example.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'client.md'), 'utf8');
// Its own folder: the server guide's test writes elsewhere.
const outDir = join(root, 'test', 'dist', 'client-guide');

/** The ```ts blocks, with the line of the guide each starts on. */
function blocks(): Array<{ code: string; line: number }> {
  const out: Array<{ code: string; line: number }> = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(guide); m; m = re.exec(guide)) out.push({ code: m[1]!, line: guide.slice(0, m.index).split('\n').length + 1 });
  return out;
}

// Examples after "Connecting" use a connected `client`, as the guide says.
const PRELUDE = `import type { Client } from '@mcpkit/client';
declare global {
  const client: Client;
}
export {};
`;

describe('docs/client.md', () => {
  it('has examples', () => {
    expect(blocks().length).toBeGreaterThan(15);
  });

  it('every ts block type-checks against the built packages', () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'prelude.d.ts'), PRELUDE);
    const files = blocks().map((b, i) => {
      const file = join(outDir, `block-${String(i).padStart(2, '0')}.ts`);
      // Each block is its own module, so top-level await works and names do not clash between blocks.
      writeFileSync(file, `${b.code}\nexport {};\n`);
      return { file, line: b.line };
    });
    const program = ts.createProgram([join(outDir, 'prelude.d.ts'), ...files.map((f) => f.file)], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'],
      skipLibCheck: true,
      types: ['node'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const block = files.find((f) => f.file === d.file?.fileName);
      if (!block || d.start === undefined) return text;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
      return `docs/client.md:${block.line + line}: ${text}`;
    });
    expect(problems).toEqual([]);
  });

  it('shows every public function of @mcpkit/client in an example', async () => {
    const code = blocks()
      .map((b) => b.code)
      .join('\n');
    const names = new Set<string>();
    for (const entry of ['@mcpkit/client', '@mcpkit/client/node', '@mcpkit/client/auth']) {
      for (const name of Object.keys((await import(entry)) as object)) names.add(name);
    }
    const { Client, ToolTask } = await import('@mcpkit/client');
    for (const Class of [Client, ToolTask]) {
      for (const name of Object.getOwnPropertyNames(Class.prototype)) if (name !== 'constructor') names.add(name);
    }
    const missing = [...names].filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
    expect(missing).toEqual([]);
  });
});
