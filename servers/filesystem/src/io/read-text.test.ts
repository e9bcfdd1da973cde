import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OpenedFile } from './open.js';
import { readHead, readTail, readWhole } from './read-text.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-fs-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withFile<T>(content: string | Buffer, fn: (f: OpenedFile) => Promise<T>): Promise<T> {
  const p = join(dir, `f${Math.random()}`);
  writeFileSync(p, content);
  const handle = await open(p, 'r');
  try {
    return await fn({ handle, size: (await handle.stat()).size });
  } finally {
    await handle.close();
  }
}

describe('readHead / readTail / readWhole', () => {
  it('reads the first and last lines, with and without a final newline', async () => {
    for (const text of ['a\nb\nc\n', 'a\nb\nc']) {
      expect((await withFile(text, (f) => readHead(f, 2, 1e6))).text).toBe('a\nb');
      expect((await withFile(text, (f) => readTail(f, 2, 1e6))).text).toBe('b\nc');
      expect((await withFile(text, (f) => readTail(f, 1, 1e6))).text).toBe('c');
    }
  });

  it('works across chunk boundaries and with multi-byte characters', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `ligne ${i} é✓`);
    const text = `${lines.join('\n')}\n`;
    expect((await withFile(text, (f) => readHead(f, 3, 1e7))).text).toBe(lines.slice(0, 3).join('\n'));
    expect((await withFile(text, (f) => readTail(f, 5000, 1e7))).text).toBe(lines.slice(-5000).join('\n'));
  });

  it('stops at the byte limit and says so', async () => {
    const r = await withFile('x'.repeat(100), (f) => readHead(f, 5, 10));
    expect(r).toEqual({ text: 'x'.repeat(10), truncated: true });
    const t = await withFile('y'.repeat(100), (f) => readTail(f, 5, 10));
    expect(t).toEqual({ text: 'y'.repeat(10), truncated: true });
    expect(await withFile('z'.repeat(100), (f) => readWhole(f, 10))).toEqual({ text: 'z'.repeat(10), truncated: true });
  });
});
