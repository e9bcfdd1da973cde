import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tool } from '@mcpkit/protocol';
import { FileApprovalStore, MemoryApprovalStore, approvalsFilePath } from './approval-store.js';
import { ToolApprovals } from './approvals.js';

const posix = process.platform !== 'win32';
const fresh = () => join(mkdtempSync(join(tmpdir(), 'mcpkit-approvals-')), 'config', 'mcpkit', 'approvals.json');
const approval = (identity: string, tool: string, digest = 'd1') => ({ identity, tool, digest, savedAt: '2026-01-01T00:00:00.000Z' });

describe('approvalsFilePath', () => {
  it('lives beside the login tokens: $XDG_CONFIG_HOME/mcpkit, else ~/.config/mcpkit; a relative XDG value is ignored', () => {
    expect(approvalsFilePath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' })).toBe('/x/cfg/mcpkit/approvals.json');
    expect(approvalsFilePath({ HOME: '/home/u' })).toBe('/home/u/.config/mcpkit/approvals.json');
    expect(approvalsFilePath({ XDG_CONFIG_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.config/mcpkit/approvals.json');
  });
});

describe.each([
  ['FileApprovalStore', () => new FileApprovalStore(fresh())],
  ['MemoryApprovalStore', () => new MemoryApprovalStore()],
])('%s', (_name, make) => {
  it('saves, finds, replaces, lists and forgets by identity and tool', async () => {
    const store = make();
    expect(await store.find('stdio:a', 'read')).toBeUndefined();
    await store.save(approval('stdio:a', 'read'));
    await store.save(approval('stdio:a', 'write'));
    await store.save(approval('http:https://b.test/mcp', 'read'));
    await store.save(approval('stdio:a', 'read', 'd2'));
    expect(await store.find('stdio:a', 'read')).toEqual(approval('stdio:a', 'read', 'd2'));
    expect(await store.find('stdio:other', 'read')).toBeUndefined();
    expect(await store.list()).toHaveLength(3);
    expect((await store.forget((a) => a.identity === 'stdio:a')).map((a) => a.tool).sort()).toEqual(['read', 'write']);
    expect(await store.list()).toEqual([approval('http:https://b.test/mcp', 'read')]);
    expect(await store.forget()).toHaveLength(1);
    expect(await store.list()).toEqual([]);
  });

  it('tool and server names are data, never object keys with meaning', async () => {
    const store = make();
    await store.save(approval('__proto__', '__proto__'));
    await store.save(approval('stdio:a', 'constructor'));
    expect(await store.find('__proto__', '__proto__')).toEqual(approval('__proto__', '__proto__'));
    expect(await store.find('stdio:a', 'toString')).toBeUndefined();
    expect(await store.find('stdio:a', 'constructor')).toEqual(approval('stdio:a', 'constructor'));
    expect(await store.list()).toHaveLength(2);
  });
});

describe('FileApprovalStore', () => {
  it('"always" in one session holds in the next, for the same server identity only (0600 file, 0700 folder)', async () => {
    const path = fresh();
    const definition: Tool = { name: 'read', inputSchema: { type: 'object' } };
    const call = { name: 'files__read', server: 'files', tool: 'read', identity: 'stdio:["node","files.js","cwd=/p"]', arguments: {}, annotations: undefined, definition };
    const asked: string[] = [];
    const session = (answer: 'always' | 'deny') => new ToolApprovals({ store: new FileApprovalStore(path), ask: async (r) => (asked.push(r.identity), answer) });
    expect(await session('always').decide(call)).toEqual({ allowed: true, asked: true });
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    }
    expect(await session('deny').decide(call)).toEqual({ allowed: true, asked: false });
    // The same server name with another command, or the same command in another directory: asked.
    expect(await session('deny').decide({ ...call, identity: 'stdio:["node","evil.js","cwd=/p"]' })).toMatchObject({ allowed: false });
    expect(await session('deny').decide({ ...call, identity: 'stdio:["node","files.js","cwd=/q"]' })).toMatchObject({ allowed: false });
    expect(asked).toEqual([call.identity, 'stdio:["node","evil.js","cwd=/p"]', 'stdio:["node","files.js","cwd=/q"]']);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; approvals: Record<string, Record<string, { digest: string }>> };
    expect(file.version).toBe(1);
    expect(Object.keys(file.approvals)).toEqual([call.identity]);
    expect(file.approvals[call.identity]!.read!.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a file that is not an approvals file, naming it', async () => {
    const path = fresh();
    const store = new FileApprovalStore(path);
    await store.save(approval('stdio:a', 'read'));
    for (const text of ['not json', '{"version":2,"approvals":{}}', '{"version":1,"approvals":{"stdio:a":{"read":{"digest":1}}}}', '{"version":1,"approvals":[]}']) {
      writeFileSync(path, text);
      await expect(store.list()).rejects.toMatchObject({ code: 'MCPKIT_INVALID_ARGUMENT', message: `${path} is not an mcpkit approvals file; delete it to start again` });
    }
  });

  it.runIf(posix)('refuses a file others may write: whoever can write it can approve tools', async () => {
    const path = fresh();
    const store = new FileApprovalStore(path);
    await store.save(approval('stdio:a', 'read'));
    chmodSync(path, 0o666);
    await expect(store.find('stdio:a', 'read')).rejects.toMatchObject({ code: 'MCPKIT_INVALID_ARGUMENT', message: expect.stringContaining('writable by other users') });
    // In the loop that is reported and the human is asked instead.
    const errors: unknown[] = [];
    const approvals = new ToolApprovals({ store, ask: async () => 'once', onStoreError: (e) => errors.push(e) });
    expect(await approvals.decide({ name: 'a__read', server: 'a', tool: 'read', identity: 'stdio:a', arguments: {}, annotations: undefined })).toEqual({ allowed: true, asked: true });
    expect(errors).toHaveLength(1);
  });
});
