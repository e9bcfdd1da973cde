/**
 * Keeps the README's ten-line server honest: the README shows exactly examples/hello-server.ts, it
 * type-checks, and once built it answers over stdio and over HTTP in both eras.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(join(root, 'examples', 'hello-server.ts'), 'utf8');
const clientSource = readFileSync(join(root, 'examples', 'hello-client.ts'), 'utf8');
const outDir = join(root, 'test', 'dist', 'readme-example');
const outFile = join(outDir, 'hello-server.js');
const clientFile = join(outDir, 'hello-client.js');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function build(): void {
  mkdirSync(outDir, { recursive: true });
  const options = { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } };
  writeFileSync(outFile, ts.transpileModule(source, options).outputText);
  writeFileSync(clientFile, ts.transpileModule(clientSource, options).outputText);
}

describe('README example', () => {
  it.each([
    ['hello-server.ts', () => source],
    ['hello-client.ts', () => clientSource],
  ])('shows exactly examples/%s', (file, text) => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const m = new RegExp(`<!-- readme-example: examples/${file.replace('.', '\\.')} -->\\n\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
    expect(m?.[1]).toBe(text());
  });

  it('type-checks under the project settings', () => {
    const files = [join(root, 'examples', 'hello-server.ts'), join(root, 'examples', 'hello-client.ts')];
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it('answers over stdio', async () => {
    build();
    const child = spawn(process.execPath, [outFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    const lines: string[] = [];
    let buffer = '';
    const got = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        const parts = buffer.split('\n');
        buffer = parts.pop() ?? '';
        lines.push(...parts);
        if (lines.length >= 2) resolve();
      });
    });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'greet', arguments: { name: 'Ada' } } });
    await got;
    const call = lines.map((l) => JSON.parse(l) as { id: number; result: { content: Array<{ text: string }> } }).find((m) => m.id === 2);
    expect(call?.result.content[0]?.text).toBe('Hello, Ada!');
  });

  it('the client example connects to the server example and calls its tool', async () => {
    build();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [clientFile, outFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
      });
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`client exited ${String(code)}: ${text}`))));
    });
    expect(out).toContain('connected: stateless era, protocol 2026-07-28');
    expect(out).toContain('Hello, Ada!');
  });

  it('answers over HTTP in both eras', async () => {
    build();
    const child = spawn(process.execPath, [outFile, '--http', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /http:\/\/\S+/.exec(d.toString());
        if (m) resolve(m[0]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${String(code)}`)));
    });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    // 2026-07-28: no handshake, the request carries its own _meta.
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
    const stateless = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'greet' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'greet', arguments: { name: 'Ada' }, _meta: meta } }),
    });
    const body = (await stateless.json()) as { result: { resultType: string; content: Array<{ text: string }> } };
    expect(body.result.resultType).toBe('complete');
    expect(body.result.content[0]?.text).toBe('Hello, Ada!');
    // Session era: initialize, then a call on the session.
    const init = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });
    const session = init.headers.get('mcp-session-id');
    expect(session).toMatch(/^[\x21-\x7e]+$/);
    await init.text();
    const call = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': session!, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'greet', arguments: { name: 'Bo' } } }),
    });
    const result = (await call.json()) as { result: { content: Array<{ text: string }> } };
    expect(result.result.content[0]?.text).toBe('Hello, Bo!');
  });
});
