/**
 * Keeps docs/server.md honest (issue 13): every ```ts block type-checks against the built packages, the way
 * test/readme-example.test.ts checks the README. Blocks without imports continue the guide's first example:
 * they get its `server` and zod's `z` (the guide says so).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'server.md'), 'utf8');
// Under test/ so that @mcpkit/* and zod resolve through the workspace's node_modules (built dist/).
const outDir = join(root, 'test', 'dist', 'server-guide');

const PRELUDE = `import { McpServer } from '@mcpkit/server';
import { z } from 'zod';
declare const server: McpServer;
void z;
`;

interface Block {
  line: number;
  code: string;
}

function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```ts\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    blocks.push({ line: markdown.slice(0, m.index).split('\n').length, code: m[1]! });
  }
  return blocks;
}

/** Public functions of @mcpkit/server's entry points, read from their index files. */
function publicValues(): string[] {
  const names: string[] = [];
  for (const entry of ['index.ts', 'node/index.ts', 'auth/index.ts']) {
    const text = readFileSync(join(root, 'packages', 'server', 'src', entry), 'utf8');
    for (const m of text.matchAll(/^export \{([^}]*)\} from '(\.[^']*)'/gm)) {
      for (const name of m[1]!.split(',').map((n) => n.trim()).filter(Boolean)) names.push(name);
    }
  }
  return [...new Set(names)];
}

describe('docs/server.md', () => {
  const blocks = tsBlocks(guide);

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(15);
  });

  it('type-checks every ts example against the built packages', () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const files = blocks.map((b) => {
      const file = join(outDir, `example-line-${b.line}.ts`);
      const standalone = /^import /m.test(b.code);
      writeFileSync(file, `${standalone ? '' : PRELUDE}${b.code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${d.file ? d.file.fileName.slice(outDir.length + 1) : ''}${where ? `:${where.line + 1}` : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('names every public function and class of @mcpkit/server and shows each McpServer method', () => {
    const missing = publicValues().filter((name) => !guide.includes(name));
    expect(missing).toEqual([]);
    const methods = ['tool', 'resource', 'resourceTemplate', 'prompt', 'method', 'use', 'notifyResourceUpdated', 'notifyListChanged', 'log', 'onRootsChanged', 'connect', 'close', 'onClose'];
    const code = blocks.map((b) => b.code).join('\n');
    expect(methods.filter((m) => !code.includes(`server.${m}(`))).toEqual([]);
  });

  it('says prominently that a 2026-07-28 handler runs again after an ask, and shows ctx.once', () => {
    const intro = guide.slice(0, 2500);
    expect(intro).toMatch(/runs again from the top/);
    expect(intro).toContain('ctx.once');
    expect(blocks.some((b) => b.code.includes('ctx.once('))).toBe(true);
  });
});
