import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesystemServer } from './index.js';
import { type Fixture, createFixture, structured, textOf } from './testing/harness.js';

// Every bound, with small limits so the cases stay small: an in-process server over serveHttp.
let fx: Fixture;
let handle: HttpServerHandle;
let client: Client;
const warnings: string[] = [];

beforeAll(async () => {
  fx = createFixture();
  mkdirSync(join(fx.allowed, 'many'));
  for (let i = 0; i < 8; i++) writeFileSync(join(fx.allowed, 'many', `f${i}.txt`), `file ${i}\n`);
  mkdirSync(join(fx.allowed, 'many', 'a', 'b', 'c', 'd'), { recursive: true });
  writeFileSync(join(fx.allowed, 'big.txt'), `${'x'.repeat(60)}\n${'y'.repeat(60)}\nlast line\n`);
  writeFileSync(join(fx.allowed, 'big.png'), Buffer.alloc(80));
  const { server } = await createFilesystemServer({
    directories: [fx.allowed],
    warn: (m) => warnings.push(m),
    limits: { maxTextBytes: 100, maxTotalTextBytes: 20, maxMediaBytes: 50, maxWriteBytes: 10, maxFilesPerCall: 3, maxListEntries: 3, maxTreeEntries: 4, maxSearchResults: 2, maxEdits: 1 },
  });
  handle = await serveHttp(server, { port: 0 });
  client = new Client({ name: 'limits', version: '1' });
  await client.connect(new StreamableHttpClientTransport(handle.url));
});
afterAll(async () => {
  await client?.close();
  await handle?.close();
  fx?.cleanup();
});

describe('bounds', () => {
  it('refuses a whole read over the text limit, and reads it with head or tail', async () => {
    const whole = await client.callTool('read_text_file', { path: 'big.txt' });
    expect(whole.isError).toBe(true);
    expect(textOf(whole)).toBe("big.txt: the file is 132 B, over the 100 B read limit; read part of it with read_text_file's head or tail");
    expect(textOf(await client.callTool('read_text_file', { path: 'big.txt', tail: 1 }))).toBe('last line');
    const head = await client.callTool('read_text_file', { path: 'big.txt', head: 3 });
    expect(structured(head)).toMatchObject({ truncated: true });
    expect(textOf(head)).toContain('[truncated: big.txt was cut at the 100 B read limit]');
  });

  it('refuses media over the media limit and writes over the write limit', async () => {
    expect(textOf(await client.callTool('read_media_file', { path: 'big.png' }))).toBe('big.png: the file is 80 B, over the 50 B media limit');
    const w = await client.callTool('write_file', { path: 'w.txt', content: '12345678901' });
    expect(textOf(w)).toBe('content is 11 B, over the 10 B write limit');
  });

  it('caps read_multiple_files by count and by total bytes', async () => {
    const tooMany = await client.callTool('read_multiple_files', { paths: ['a', 'b', 'c', 'd'] });
    expect(tooMany.isError).toBe(true);
    expect(textOf(tooMany)).toMatch(/Invalid arguments for tool read_multiple_files: arguments\.paths: Too big/);
    const r = structured<{ files: Array<{ error?: string; content?: string }> }>(
      await client.callTool('read_multiple_files', { paths: ['many/f0.txt', 'many/f1.txt', 'many/f2.txt'] }),
    );
    expect(r.files[0]!.content).toBe('file 0\n');
    expect(r.files[1]!.content).toBe('file 1\n');
    expect(r.files[2]!.error).toBe("many/f2.txt: the file is 7 B, over the 6 B left of the call's 20 B total limit; read part of it with read_text_file's head or tail");
  });

  it('caps listings and marks them truncated', async () => {
    const r = await client.callTool('list_directory', { path: 'many' });
    expect(structured<{ entries: unknown[]; truncated: boolean }>(r)).toMatchObject({ truncated: true });
    expect(structured<{ entries: unknown[] }>(r).entries).toHaveLength(3);
    expect(textOf(r)).toMatch(/\[truncated: only 3 entries are shown\]$/);
    const sized = structured<{ truncated: boolean }>(await client.callTool('list_directory_with_sizes', { path: 'many' }));
    expect(sized.truncated).toBe(true);
  });

  it('caps the tree by entries and marks where it was cut', async () => {
    const r = await client.callTool('directory_tree', { path: 'many' });
    const out = structured<{ entries: number; truncated: boolean }>(r);
    expect(out).toMatchObject({ entries: 4, truncated: true });
    expect(r.content).toHaveLength(2);
    expect(textOf(r)).toContain('[truncated:');
  });

  it('caps search results', async () => {
    const r = structured<{ matches: string[]; truncated: boolean }>(await client.callTool('search_files', { path: '.', pattern: '*.txt' }));
    expect(r.matches).toHaveLength(2);
    expect(r.truncated).toBe(true);
  });

  it('caps the number of edits', async () => {
    const r = await client.callTool('edit_file', { path: 'many/f0.txt', edits: [{ oldText: 'a', newText: 'b' }, { oldText: 'c', newText: 'd' }] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/edits/);
  });

  it('logged nothing unexpected', () => {
    expect(warnings).toEqual([]);
  });
});
