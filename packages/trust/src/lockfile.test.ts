import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type Tool } from '@mcpkit/protocol';
import { canonicalDefinition } from './definition.js';
import { digestItem, digestServer } from './digest.js';
import { parseLockfile } from './lockfile-parse.js';
import {
  approveInstructions,
  approveItem,
  emptyLockfile,
  lockedServerDigest,
  pinServer,
  removeItem,
  removeServer,
  serializeLockfile,
  type Lockfile,
} from './lockfile.js';
import type { ServerSnapshot } from './snapshot.js';

const AT = '2026-12-04T19:00:00.000Z';
const readFile: Tool = {
  name: 'read_file',
  description: 'Read a file.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};
const snapshot: ServerSnapshot = {
  name: 'files',
  serverInfo: { name: 'mcpkit-filesystem', version: '1.0.0' },
  instructions: 'Read files.',
  tools: [readFile, { name: 'list', inputSchema: { type: 'object' }, icons: [{ src: 'https://x/icon.png' }] }],
  prompts: [{ name: 'summarize', arguments: [{ name: 'path' }] }],
  resourceTemplates: [{ name: 'file', uriTemplate: 'file:///{path}' }],
};

async function pinned(): Promise<Lockfile> {
  return pinServer(emptyLockfile(), await digestServer(snapshot), snapshot, { by: 'alice', at: AT });
}

describe('pinServer', () => {
  it('keeps every digest, the definitions and who approved when', async () => {
    const digests = await digestServer(snapshot);
    const lock = await pinned();
    const entry = lock.servers.files!;
    expect(entry.digest).toBe(digests.digest);
    expect(entry.serverName).toBe('mcpkit-filesystem');
    expect(entry.instructions).toEqual({ digest: digests.instructions, text: 'Read files.', approvedAt: AT, approvedBy: 'alice' });
    expect(entry.tools.read_file).toEqual({ digest: digests.tools.read_file, definition: canonicalDefinition('tool', readFile), approvedAt: AT, approvedBy: 'alice' });
    expect(entry.tools.list!.definition).toEqual({ name: 'list', inputSchema: { type: 'object' } });
    expect(Object.keys(entry.resourceTemplates)).toEqual(['file:///{path}']);
    expect(await lockedServerDigest(entry)).toBe(digests.digest);
  });

  it('refuses digests of another server and an approval without a name', async () => {
    const digests = await digestServer(snapshot);
    expect(() => pinServer(emptyLockfile(), { ...digests, server: 'other' }, snapshot, { by: 'a' })).toThrow(/of server "other"/);
    expect(() => pinServer(emptyLockfile(), digests, snapshot, { by: ' ' })).toThrow(InvalidArgumentError);
    expect(() => pinServer(emptyLockfile(), digests, snapshot, { by: 'a', at: 'soon' })).toThrow(/must be a date/);
  });
});

describe('serializeLockfile and parseLockfile', () => {
  it('round-trips, with sorted keys, two-space indents and a trailing newline', async () => {
    const lock = await pinned();
    const text = serializeLockfile(lock);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "lockfileVersion": 1,\n  "servers": {\n    "files": {\n      "approvedAt"')).toBe(true);
    expect(parseLockfile(text, 'mcp.lock.json')).toEqual(lock);
    expect(serializeLockfile(parseLockfile(text))).toBe(text);
  });

  it('writes the same text whatever order things were added in', async () => {
    const lock = await pinned();
    const reversed: Lockfile = JSON.parse(JSON.stringify(lock, (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    )) as Lockfile;
    expect(serializeLockfile(reversed)).toBe(serializeLockfile(lock));
  });

  it('keeps hostile names as plain keys', async () => {
    const hostile: ServerSnapshot = { ...snapshot, tools: [{ name: '__proto__', inputSchema: { type: 'object' } }] };
    const lock = pinServer(emptyLockfile(), await digestServer(hostile), hostile, { by: 'a', at: AT });
    const back = parseLockfile(serializeLockfile(lock));
    expect(Object.keys(back.servers.files!.tools)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(back.servers.files!.tools)).toBe(Object.prototype);
  });

  const good = async () => JSON.parse(serializeLockfile(await pinned())) as Record<string, any>;

  it.each<[string, (lock: Record<string, any>) => void, RegExp]>([
    ['a newer version', (l) => (l.lockfileVersion = 2), /lockfileVersion: 2 is newer than this mcpkit reads \(1\); upgrade mcpkit/],
    ['a version that is a string', (l) => (l.lockfileVersion = '1'), /lockfileVersion: must be 1, got "1"/],
    ['servers as an array', (l) => (l.servers = []), /servers: must be an object, got an array/],
    ['a short digest', (l) => (l.servers.files.digest = 'abc'), /servers\.files\.digest: must be 64 lowercase hex characters/],
    ['an upper-case digest', (l) => (l.servers.files.tools.read_file.digest = 'A'.repeat(64)), /servers\.files\.tools\.read_file\.digest/],
    ['a number for approvedBy', (l) => (l.servers.files.tools.list.approvedBy = 7), /servers\.files\.tools\.list\.approvedBy: must be a non-empty string, got 7/],
    ['a bad time', (l) => (l.servers.files.approvedAt = 'yesterday'), /servers\.files\.approvedAt: must be an ISO 8601 time/],
    ['a definition filed under another name', (l) => (l.servers.files.tools.list.definition.name = 'read_file'), /tools\.list\.definition\.name: must be "list"/],
    ['a template filed under another URI', (l) => (l.servers.files.resourceTemplates['file:///{path}'].definition.uriTemplate = 'x'), /definition\.uriTemplate/],
    ['tools missing', (l) => delete l.servers.files.tools, /servers\.files\.tools: must be an object, got nothing/],
    ['an unknown field', (l) => (l.servers.files.tools.list.trusted = true), /servers\.files\.tools\.list\.trusted: is not a lockfile field/],
    ['a private key', (l) => (l.servers.files.signer = { issuer: 'x', keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a', d: 'b' }] }), /signer\.keys\[0\]: holds private key material \(d\)/],
    ['a plain-http JWKS', (l) => (l.servers.files.signer = { issuer: 'x', jwksUri: 'http://x/jwks' }), /signer\.jwksUri: must be an https URL/],
    ['a signer without keys', (l) => (l.servers.files.signer = { issuer: 'x' }), /signer: needs `keys` or `jwksUri`/],
  ])('refuses %s, naming the field', async (_what, spoil, message) => {
    const lock = await good();
    spoil(lock);
    expect(() => parseLockfile(JSON.stringify(lock), 'ci/mcp.lock.json')).toThrow(InvalidArgumentError);
    expect(() => parseLockfile(JSON.stringify(lock), 'ci/mcp.lock.json')).toThrow(/^ci\/mcp\.lock\.json: /);
    expect(() => parseLockfile(JSON.stringify(lock), 'ci/mcp.lock.json')).toThrow(message);
  });

  it('refuses text that is not a JSON object, or too long', () => {
    expect(() => parseLockfile('{"lockfileVersion":', 'x.json')).toThrow(/x\.json: not JSON/);
    expect(() => parseLockfile('[]', 'x.json')).toThrow(/x\.json: \(root\): must be an object/);
    expect(() => parseLockfile('null')).toThrow(/mcp\.lock\.json: \(root\)/);
    expect(() => parseLockfile(' '.repeat(101), 'x.json', { maxLength: 100 })).toThrow(/101 characters is more than a lockfile may hold \(100\)/);
  });

  it('refuses a definition nested deeper than 1,000 levels', async () => {
    const lock = await good();
    lock.servers.files.tools.list.definition.inputSchema = 'DEEP';
    const text = JSON.stringify(lock).replace('"DEEP"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => parseLockfile(text)).toThrow(/tools\.list\.definition: JCS: at \/inputSchema(\/0)+: nested deeper than 1000 levels/);
  });

  it('lists many problems at once, but not endlessly', async () => {
    const lock = await good();
    for (let i = 0; i < 100; i++) lock.servers.files.tools[`t${i}`] = { digest: 'x' };
    let message = '';
    try {
      parseLockfile(JSON.stringify(lock));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toHaveLength(21);
    expect(message).toMatch(/… and \d+ more$/);
  });
});

describe('approveItem, removeItem, approveInstructions, removeServer', () => {
  it('approving a changed tool updates it and the server digest to what digestServer gives', async () => {
    const changedTool = { ...readFile, description: 'Read a file, carefully.' };
    const changed: ServerSnapshot = { ...snapshot, tools: [changedTool, snapshot.tools[1]!] };
    const digests = await digestServer(changed);
    const lock = await approveItem(await pinned(), 'files', 'tool', 'read_file', digests.tools.read_file!, {
      by: 'bob',
      at: AT,
      definition: canonicalDefinition('tool', changedTool),
    });
    expect(lock.servers.files!.tools.read_file!.approvedBy).toBe('bob');
    expect(lock.servers.files!.tools.read_file!.definition.description).toBe('Read a file, carefully.');
    expect(lock.servers.files!.digest).toBe(digests.digest);
  });

  it('removing a tool makes the digest of the server without it', async () => {
    const without: ServerSnapshot = { ...snapshot, tools: [readFile] };
    const lock = await removeItem(await pinned(), 'files', 'tool', 'list');
    expect(Object.keys(lock.servers.files!.tools)).toEqual(['read_file']);
    expect(lock.servers.files!.digest).toBe((await digestServer(without)).digest);
    await expect(removeItem(lock, 'files', 'tool', 'list')).rejects.toThrow(/has no approved tool "list"/);
  });

  it('approves new instructions', async () => {
    const next: ServerSnapshot = { ...snapshot, instructions: 'Read files only.' };
    const digests = await digestServer(next);
    const lock = await approveInstructions(await pinned(), 'files', { digest: digests.instructions!, text: 'Read files only.' }, { by: 'c', at: AT });
    expect(lock.servers.files!.digest).toBe(digests.digest);
    const none = await approveInstructions(lock, 'files', undefined, { by: 'c' });
    expect(none.servers.files!.instructions).toBeUndefined();
    expect(none.servers.files!.digest).toBe((await digestServer({ ...snapshot, instructions: undefined })).digest);
  });

  it('refuses items of unknown servers and definitions of other items, and does not change the input', async () => {
    const lock = await pinned();
    const before = serializeLockfile(lock);
    const definition = canonicalDefinition('tool', readFile);
    const digest = await digestItem('tool', readFile);
    await expect(approveItem(lock, 'nope', 'tool', 'read_file', digest, { by: 'a', definition })).rejects.toThrow(/server "nope" is not in the lockfile/);
    await expect(approveItem(lock, 'files', 'tool', 'other', digest, { by: 'a', definition })).rejects.toThrow(/not "other"/);
    await expect(approveItem(lock, 'files', 'tool', 'read_file', 'f'.repeat(64), { by: 'a', definition })).rejects.toThrow(/hashes to [0-9a-f]{64}, not f{64}/);
    await removeItem(lock, 'files', 'tool', 'list');
    expect(serializeLockfile(lock)).toBe(before);
    expect(removeServer(lock, 'files').servers).toEqual({});
  });
});
