/**
 * Test harness: builds a temp tree with attack fixtures and drives the real server binary through the real
 * client SDK, over stdio or Streamable HTTP. Not part of the package build.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type ClientOptions, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

/** The built server; tests run after `npx tsc -b`. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** A tools/call result as the client returns it. */
export type CallResult = Awaited<ReturnType<Client['callTool']>>;

/**
 * A temp tree:
 * ```
 * base/allowed/          the allowed directory: hello.txt, notes/…, link-* symlinks
 * base/allowed_evil/     sibling whose name has the allowed one as a string prefix (CVE-2025-53110)
 * base/allowed-evil/     the same with a dash
 * base/outside/          secret.txt, secret-dir/…; targets of escaping symlinks (CVE-2025-53109)
 * ```
 */
export interface Fixture {
  readonly base: string;
  readonly allowed: string;
  readonly outside: string;
  readonly evil: string;
  readonly evilDash: string;
  /** Content of every secret file outside; a test asserts it never appears in a result. */
  readonly secret: string;
  cleanup(): void;
}

/** Creates the attack fixture tree (real paths, so macOS /var → /private/var does not matter). */
export function createFixture(): Fixture {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'mcpkit-fs-')));
  const allowed = join(base, 'allowed');
  const outside = join(base, 'outside');
  const evil = join(base, 'allowed_evil');
  const evilDash = join(base, 'allowed-evil');
  const secret = 'TOP-SECRET-DO-NOT-LEAK';
  for (const d of [allowed, outside, evil, evilDash, join(outside, 'secret-dir'), join(allowed, 'notes'), join(allowed, 'notes', 'deep')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), secret);
  writeFileSync(join(outside, 'secret-dir', 'inner.txt'), secret);
  writeFileSync(join(evil, 'secret.txt'), secret);
  writeFileSync(join(evilDash, 'secret.txt'), secret);
  writeFileSync(join(allowed, 'hello.txt'), 'line 1\nline 2\nline 3\nline 4\nline 5\n');
  writeFileSync(join(allowed, 'notes', 'todo.md'), '# Todo\n- write tests\n');
  writeFileSync(join(allowed, 'notes', 'deep', 'x.ts'), 'export const x = 1;\n');
  // Escaping symlinks planted inside the allowed directory.
  symlinkSync(join(outside, 'secret.txt'), join(allowed, 'link-to-secret'));
  symlinkSync(outside, join(allowed, 'link-to-outside'), 'dir');
  symlinkSync('../outside/secret.txt', join(allowed, 'relative-link-to-secret'));
  symlinkSync(join(outside, 'does-not-exist-yet.txt'), join(allowed, 'dangling-link'));
  // A symlink that stays inside is fine to read.
  symlinkSync(join(allowed, 'hello.txt'), join(allowed, 'link-to-hello'));
  return { base, allowed, outside, evil, evilDash, secret, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** A connected client and how to end it. */
export interface Connection {
  readonly client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Spawns `node dist/bin.js ...args` and connects over stdio. */
export async function connectStdio(args: readonly string[], options: ClientOptions = {}): Promise<Connection> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, ...args] });
  let err = '';
  transport.onstderr = (chunk) => {
    err += chunk;
  };
  const client = new Client({ name: 'fs-test', version: '1.0.0' }, options);
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

/** Starts `node dist/bin.js --http 0 ...args`, waits for the URL on stdout, and connects over Streamable HTTP. */
export async function connectHttp(args: readonly string[], options: ClientOptions = {}): Promise<Connection & { url: string; stdout: () => string }> {
  const child = spawn(process.execPath, [BIN, '--http', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}) before printing its URL: ${err}`)));
  });
  const client = new Client({ name: 'fs-test', version: '1.0.0' }, options);
  try {
    await client.connect(new StreamableHttpClientTransport(url));
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    client,
    url,
    stdout: () => out,
    stderr: () => err,
    close: async () => {
      await client.close().catch(() => undefined);
      await stop(child);
    },
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Runs the binary to completion (for startup and usage errors). */
export function runBin(args: readonly string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** All text blocks of a result, joined. */
export function textOf(result: CallResult): string {
  return result.content.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
}

/** The structuredContent of a successful result, typed loosely for assertions. */
export function structured<T = Record<string, unknown>>(result: CallResult): T {
  if (result.isError) throw new Error(`expected success, got error: ${textOf(result)}`);
  return result.structuredContent as T;
}
