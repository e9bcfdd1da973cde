/**
 * Test support for the sqlite server's black-box tests: fixture databases, a client over the real binary,
 * and a fingerprint that shows whether a database changed. Not part of the build.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

/** The built server, as `npx mcpkit-sqlite` runs it. */
export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** A tool result, loosely typed for assertions. */
export interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

/** A fresh directory holding `main.db` (the served database) and `other.db` (a file ATTACH must not reach). */
export function makeFixture(): { dir: string; db: string; other: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-sqlite-'));
  const db = join(dir, 'main.db');
  const other = join(dir, 'other.db');
  const main = new Database(db);
  main.exec(`
    CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'unnamed');
    INSERT INTO t (name) VALUES ('alpha'), ('beta'), ('gamma');
    CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, city TEXT);
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
      total REAL,
      big INTEGER,
      payload BLOB
    );
    CREATE INDEX orders_by_customer ON orders (customer_id);
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
    CREATE TABLE "odd ""name"" [x]" (v TEXT);
    INSERT INTO "odd ""name"" [x]" VALUES ('odd');
    INSERT INTO customers (email, city) VALUES ('ann@example.com', 'Oslo'), ('bo@example.com', 'Lima');
    INSERT INTO orders (customer_id, total, big, payload) VALUES
      (1, 250.5, 9007199254740993, x'00ff10'),
      (2, 12, -9007199254740993, NULL),
      (1, 99.99, 42, x'');
  `);
  main.close();
  const second = new Database(other);
  second.exec(`CREATE TABLE secret (value TEXT); INSERT INTO secret VALUES ('do not leak');`);
  second.close();
  return { dir, db, other };
}

/** The file's bytes hashed, plus its rows and schema: equal fingerprints mean the database is untouched. */
export function fingerprint(path: string): { sha256: string; schema: unknown; rows: unknown; userVersion: unknown } {
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const schema = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    const rows = {
      t: db.prepare('SELECT * FROM t ORDER BY id').all(),
      customers: db.prepare('SELECT * FROM customers ORDER BY id').all(),
      orders: db.prepare('SELECT id, customer_id, total, payload FROM orders ORDER BY id').all(),
    };
    return { sha256, schema, rows, userVersion: db.pragma('user_version', { simple: true }) };
  } finally {
    db.close();
  }
}

/** Connects mcpkit's client to `mcpkit-sqlite ARGS...` over stdio, with `env` on top of the usual variables. */
export async function connectStdio(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'sqlite-tests', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, ...args], env, stderr: 'capture' }));
  return client;
}

/**
 * A `NODE_OPTIONS` value that makes every database process take `ms` longer to start, as on a busy machine, so
 * a test can land a cancel in that window for certain. The preload file is written into `dir`.
 */
export function slowRunnerStart(dir: string, ms: number): string {
  const file = join(dir, 'slow-runner-start.cjs');
  writeFileSync(file, `if (/runner\\.js$/.test(process.argv[1] ?? '')) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});\n`);
  return `--require ${file}`;
}

/** Calls a tool and returns its result as a plain object. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool(name, args as never)) as unknown as ToolResult;
}

/** The text of a result's first content item. */
export function textOf(result: ToolResult): string {
  return result.content[0]?.text ?? '';
}

/** Starts `mcpkit-sqlite ARGS... --http 0` and returns the URL it prints, and the process to stop. */
export async function startHttp(args: string[], env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, ...args, '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      seen += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${String(code)}) before printing its URL: ${seen}`)));
  });
  return { url, child };
}

/** Connects mcpkit's client over Streamable HTTP. */
export async function connectHttp(url: string): Promise<Client> {
  const client = new Client({ name: 'sqlite-tests', version: '1.0.0' });
  await client.connect(new StreamableHttpClientTransport(url));
  return client;
}

/** Runs the binary to completion (for usage errors) and reports its exit code and output. */
export function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
