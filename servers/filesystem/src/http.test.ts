import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, type Fixture, connectHttp, createFixture, structured, textOf } from './testing/harness.js';

// The same server over Streamable HTTP (`--http 0`), in both eras.
let fx: Fixture;
beforeAll(() => {
  fx = createFixture();
});
afterAll(() => fx?.cleanup());

for (const protocolVersion of ['auto', '2025-11-25']) {
  describe(`Streamable HTTP, protocolVersion ${protocolVersion}`, () => {
    let conn: Connection & { url: string; stdout: () => string };
    beforeAll(async () => {
      conn = await connectHttp([fx.allowed], { protocolVersion });
    });
    afterAll(async () => {
      await conn?.close();
    });

    it('prints only the URL on stdout, on 127.0.0.1', () => {
      expect(conn.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(conn.stdout()).toBe(`mcpkit-filesystem: MCP server listening on ${conn.url}\n`);
    });

    it('serves the tools', async () => {
      expect((await conn.client.listTools()).length).toBe(13);
      expect(textOf(await conn.client.callTool('read_text_file', { path: 'hello.txt', tail: 1 }))).toBe('line 5');
      const name = `http-${protocolVersion}.txt`;
      expect(structured(await conn.client.callTool('write_file', { path: name, content: 'over http' }))).toMatchObject({ created: true });
      expect(readFileSync(join(fx.allowed, name), 'utf8')).toBe('over http');
      const edit = await conn.client.callTool('edit_file', { path: name, edits: [{ oldText: 'http', newText: 'HTTP' }] });
      expect(structured<{ diff: string }>(edit).diff).toContain('+over HTTP');
    });

    it('refuses the same attacks', async () => {
      const prefix = await conn.client.callTool('write_file', { path: join(fx.evil, 'secret.txt'), content: 'pwned' });
      expect(prefix.isError).toBe(true);
      expect(readFileSync(join(fx.evil, 'secret.txt'), 'utf8')).toBe(fx.secret);
      const link = await conn.client.callTool('write_file', { path: 'link-to-secret', content: 'pwned' });
      expect(link.isError).toBe(true);
      expect(readFileSync(join(fx.outside, 'secret.txt'), 'utf8')).toBe(fx.secret);
      const dotdot = await conn.client.callTool('create_directory', { path: '../outside/made-over-http' });
      expect(textOf(dotdot)).toMatch(/^Access denied/);
      expect(existsSync(join(fx.outside, 'made-over-http'))).toBe(false);
    });
  });
}
