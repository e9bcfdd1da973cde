import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, type Fixture, connectHttp, connectStdio, createFixture, structured, textOf } from './testing/harness.js';

// Roots mode: started without directories, the server asks the client for its roots on each call.
let fx: Fixture;
let conn: Connection | undefined;

beforeAll(() => {
  fx = createFixture();
});
afterEach(async () => {
  await conn?.close();
  conn = undefined;
});
afterAll(() => fx?.cleanup());

const uri = (p: string) => pathToFileURL(p).href;

for (const [era, protocolVersion] of [
  ['stateless era (2026-07-28, roots via input_required rounds)', 'auto'],
  ['session era (2025-11-25, roots/list requests)', '2025-11-25'],
] as const) {
  describe(`roots over stdio, ${era}`, () => {
    it('uses the client’s file:// roots as the allowed directories', async () => {
      conn = await connectStdio([], { protocolVersion, handlers: { roots: () => [{ uri: uri(fx.allowed), name: 'project' }] } });
      expect(conn.client.era).toBe(protocolVersion === 'auto' ? 'stateless' : 'session');
      const listed = await conn.client.callTool('list_allowed_directories');
      expect(structured(listed)).toEqual({ directories: [fx.allowed], source: 'roots' });
      expect(textOf(await conn.client.callTool('read_text_file', { path: 'hello.txt', head: 1 }))).toBe('line 1');
      const written = await conn.client.callTool('write_file', { path: join(fx.allowed, `roots-${protocolVersion}.txt`), content: 'ok' });
      expect(written.isError).toBeFalsy();
      expect(readFileSync(join(fx.allowed, `roots-${protocolVersion}.txt`), 'utf8')).toBe('ok');
    });

    it('applies the same containment to roots: prefix siblings and symlink escapes are refused', async () => {
      conn = await connectStdio([], { protocolVersion, handlers: { roots: () => [{ uri: uri(fx.allowed) }] } });
      const prefix = await conn.client.callTool('read_text_file', { path: join(fx.evil, 'secret.txt') });
      expect(prefix.isError).toBe(true);
      expect(textOf(prefix)).toMatch(/^Access denied: .* is outside the allowed directories$/);
      const link = await conn.client.callTool('read_text_file', { path: 'link-to-secret' });
      expect(link.isError).toBe(true);
      expect(textOf(link)).toMatch(/through a symbolic link/);
      const write = await conn.client.callTool('write_file', { path: 'link-to-outside/planted.txt', content: 'x' });
      expect(write.isError).toBe(true);
      expect(existsSync(join(fx.outside, 'planted.txt'))).toBe(false);
    });

    it('asks again on each call, so a changed root list takes effect', async () => {
      let roots = [{ uri: uri(fx.allowed) }];
      conn = await connectStdio([], { protocolVersion, handlers: { roots: () => roots } });
      expect(textOf(await conn.client.callTool('read_text_file', { path: join(fx.allowed, 'hello.txt'), head: 1 }))).toBe('line 1');
      roots = [{ uri: uri(join(fx.allowed, 'notes')) }];
      const after = await conn.client.callTool('read_text_file', { path: join(fx.allowed, 'hello.txt') });
      expect(after.isError).toBe(true);
      expect(textOf(after)).toMatch(/^Access denied/);
    });
  });
}

describe('roots that cannot be used', () => {
  it('skips non-file and missing roots, and says so when none is left', async () => {
    conn = await connectStdio([], {
      handlers: { roots: () => [{ uri: 'https://example.com/project' }, { uri: uri(join(fx.base, 'missing')) }, { uri: 'not a uri' }] },
    });
    const r = await conn.client.callTool('read_text_file', { path: '/etc/hostname' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toBe("No allowed directories: none of the client's roots is an existing local directory (file:// URI)");
    // The server wrote this line before its answer, but stderr and stdout are two pipes: the answer can be read
    // first. So wait for the line, which is already on its way (the bound only ends a failing run).
    const stderr = conn.stderr;
    await expect.poll(stderr, { timeout: 10_000 }).toMatch(/root https:\/\/example\.com\/project skipped: not a file:\/\/ URI/);
  });

  it('uses the usable roots among unusable ones, and decodes percent-encoded paths', async () => {
    const spaced = join(fx.base, 'my dir');
    mkdirSync(spaced, { recursive: true });
    writeFileSync(join(spaced, 'a b.txt'), 'spaced');
    conn = await connectStdio([], { handlers: { roots: () => [{ uri: 'https://example.com' }, { uri: uri(spaced) }] } });
    expect(uri(spaced)).toContain('my%20dir');
    expect(textOf(await conn.client.callTool('read_text_file', { path: 'a b.txt' }))).toBe('spaced');
  });

  it('refuses every call when the client has no roots capability', async () => {
    for (const protocolVersion of ['auto', '2025-11-25']) {
      conn = await connectStdio([], { protocolVersion });
      const r = await conn.client.callTool('list_directory', { path: fx.allowed });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/^No allowed directories: the server was started without directories and this client does not provide roots/);
      await conn.close();
      conn = undefined;
    }
  });

  it('ignores the roots when directories were given on the command line', async () => {
    let asked = 0;
    conn = await connectStdio([join(fx.allowed, 'notes')], {
      handlers: {
        roots: () => {
          asked++;
          return [{ uri: uri(fx.allowed) }];
        },
      },
    });
    const r = await conn.client.callTool('read_text_file', { path: join(fx.allowed, 'hello.txt') });
    expect(r.isError).toBe(true);
    expect(asked).toBe(0);
  });
});

describe('roots over Streamable HTTP', () => {
  for (const protocolVersion of ['auto', '2025-11-25']) {
    it(`uses the roots of the calling client (${protocolVersion})`, async () => {
      conn = await connectHttp([], { protocolVersion, handlers: { roots: () => [{ uri: uri(fx.allowed) }] } });
      expect(structured(await conn.client.callTool('list_allowed_directories'))).toEqual({ directories: [fx.allowed], source: 'roots' });
      expect(textOf(await conn.client.callTool('read_text_file', { path: 'notes/todo.md' }))).toBe('# Todo\n- write tests\n');
      const escape = await conn.client.callTool('read_text_file', { path: 'link-to-outside/secret.txt' });
      expect(escape.isError).toBe(true);
    });
  }

  it('keeps two clients’ roots apart on one server', async () => {
    const a = await connectHttp([], { protocolVersion: '2025-11-25', handlers: { roots: () => [{ uri: uri(join(fx.allowed, 'notes')) }] } });
    try {
      const { Client, StreamableHttpClientTransport } = await import('@mcpkit/client');
      const b = new Client({ name: 'b', version: '1' }, { protocolVersion: '2025-11-25', handlers: { roots: () => [{ uri: uri(fx.evil) }] } });
      await b.connect(new StreamableHttpClientTransport(a.url));
      try {
        const fromA = await a.client.callTool('read_text_file', { path: join(fx.evil, 'secret.txt') });
        expect(fromA.isError).toBe(true);
        const fromB = await b.callTool('read_text_file', { path: join(fx.evil, 'secret.txt') });
        expect(textOf(fromB)).toBe(fx.secret);
        const againA = await a.client.callTool('read_text_file', { path: join(fx.evil, 'secret.txt') });
        expect(againA.isError).toBe(true);
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});
