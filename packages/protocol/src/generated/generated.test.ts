/**
 * Keeps the generated wire types equal to what the official schemas produce, types-only, and usable: the
 * type-level cases below are checked by `tsc -p tsconfig.test.json`, the rest at run time.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { Rev2024_11_05, Rev2025_03_26, Rev2025_06_18, Rev2025_11_25, Rev2026_07_28 } from '../index.js';
import { PROTOCOL_REVISIONS } from '../versions.js';

interface GeneratorLib {
  OUT_DIR: string;
  SPEC_DIR: string;
  generateAll(): Promise<Map<string, string>>;
}
// A non-literal specifier: the plain-JS generator is typed by the interface above, not resolved by tsc.
const libUrl = new URL('../../../../scripts/generate-types-lib.mjs', import.meta.url).href;
const lib = (await import(libUrl)) as GeneratorLib;

// --- type level: compiled by tsc, nothing to run ---

const callTool = {
  jsonrpc: '2.0',
  id: 'call-1',
  method: 'tools/call',
  params: {
    _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} },
    name: 'get_weather',
    arguments: { location: 'New York' },
  },
} satisfies Rev2026_07_28.CallToolRequest;

const initializeResult = {
  protocolVersion: '2025-11-25',
  capabilities: { tools: { listChanged: true } },
  serverInfo: { name: 'example', version: '1.0.0' },
} satisfies Rev2025_11_25.InitializeResult;

/** Every revision's namespace is exported from the package entry, and a minimal tool is valid in each. */
const echoTool = { name: 'echo', inputSchema: { type: 'object' } } satisfies Rev2024_11_05.Tool &
  Rev2025_03_26.Tool &
  Rev2025_06_18.Tool &
  Rev2025_11_25.Tool &
  Rev2026_07_28.Tool;

// @ts-expect-error the method is a literal, so a tools/list request is no tools/call request
const wrongMethod = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: callTool.params } satisfies Rev2026_07_28.CallToolRequest;
// @ts-expect-error 2026-07-28 requests carry their protocol version and capabilities in `_meta`
const missingMeta = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' } } satisfies Rev2026_07_28.CallToolRequest;

/** Unions narrow on `method`. */
function toolName(request: Rev2026_07_28.ClientRequest): string | undefined {
  return request.method === 'tools/call' ? request.params.name : undefined;
}

// --- run time ---

describe('generated wire types', () => {
  it('has one file per protocol revision, and the type-level cases hold', () => {
    for (const revision of PROTOCOL_REVISIONS) expect(existsSync(join(lib.OUT_DIR, `${revision}.ts`))).toBe(true);
    expect(toolName(callTool)).toBe('get_weather');
    expect(initializeResult.serverInfo.name).toBe('example');
    expect(echoTool.inputSchema.type).toBe('object');
    expect([wrongMethod.method, missingMeta.method]).toEqual(['tools/list', 'tools/call']);
  });

  it('is exactly what the official schemas generate (run `npm run generate:types` after a schema change)', async () => {
    const expected = await lib.generateAll();
    const onDisk = readdirSync(lib.OUT_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(onDisk.sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      // Compared as booleans so a drift reports the file name rather than 90 kB of text.
      expect(readFileSync(join(lib.OUT_DIR, name), 'utf8') === text, `${name} is stale`).toBe(true);
    }
  });

  it('emits no runtime code', () => {
    for (const name of readdirSync(lib.OUT_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      const source = readFileSync(join(lib.OUT_DIR, name), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, removeComments: true },
      }).outputText;
      expect(js.trim(), name).toBe('export {};');
    }
  });

  it('accepts every official 2026-07-28 example as its type', () => {
    // One virtual module beside the generated files: `const e = <example> satisfies Rev.<Type>;` per example.
    const examples = join(lib.SPEC_DIR, '2026-07-28', 'examples');
    const names: string[] = [];
    const firstLines: number[] = [];
    const lines = ["import type * as Rev from './2026-07-28.js';"];
    for (const type of readdirSync(examples).sort()) {
      for (const file of readdirSync(join(examples, type)).sort()) {
        const json = readFileSync(join(examples, type, file), 'utf8').trim();
        firstLines.push(lines.length);
        names.push(`${type}/${file}`);
        lines.push(...`export const e${names.length} = ${json} satisfies Rev.${type};`.split('\n'));
      }
    }
    const text = `${lines.join('\n')}\n`;
    expect(names.length).toBeGreaterThan(50);
    const virtual = join(lib.OUT_DIR, 'official-examples.ts');
    const options: ts.CompilerOptions = {
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      types: [],
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (f) => f === virtual || fileExists(f);
    host.readFile = (f) => (f === virtual ? text : readFile(f));
    host.getSourceFile = (f, v, ...rest) => (f === virtual ? ts.createSourceFile(f, text, v) : getSourceFile(f, v, ...rest));
    const program = ts.createProgram([virtual], options, host);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
      const example = d.file?.fileName === virtual ? names[firstLines.findLastIndex((first) => first <= line)] : undefined;
      return `${example ?? d.file?.fileName ?? 'global'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  });
});
