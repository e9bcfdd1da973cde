// McpHost against real servers: two stdio processes (the bench echo server and the everything server) and an
// in-process Streamable HTTP server. Nothing asserts on timing: waits are bounded polls on statuses.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, InvalidArgumentError, ProcessExitedError, TimeoutError, type Transport } from '@mcpkit/protocol';
import { type HttpServerHandle, serveHttp } from '@mcpkit/server/node';
import type { McpServer } from '@mcpkit/server';
import { createEchoServer } from '../../../../test/fixtures/bench-echo-server.js';
import { StdioClientTransport } from '@mcpkit/client/node';
import { type McpHostOptions, McpHost, type ServerConfig, type ServerStatus, createServerTransport } from '../index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SLOW = 60_000;

const echoStdio: ServerConfig = { name: 'echo', transport: 'stdio', command: join(root, 'scripts', 'bench-echo-server'), args: ['stdio'], env: {} };
const everything: ServerConfig = { name: 'everything', transport: 'stdio', command: process.execPath, args: [join(root, 'servers', 'everything', 'dist', 'bin.js')], env: {} };
const broken: ServerConfig = { name: 'broken', transport: 'stdio', command: join(root, 'no-such-dir', 'mcpkit-no-such-server'), args: [], env: {} };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function host(options: Partial<McpHostOptions> = {}): McpHost {
  const h = new McpHost({ clientInfo: { name: 'mcpkit-host-test', version: '0.0.0' }, reconnect: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 3 }, ...options });
  cleanups.push(() => h.close());
  return h;
}

async function httpEcho(): Promise<{ server: McpServer; handle: HttpServerHandle; config: ServerConfig }> {
  const server = createEchoServer();
  const handle = await serveHttp(server, { port: 0 });
  cleanups.push(() => handle.close());
  return { server, handle, config: { name: 'web', transport: 'http', url: handle.url, headers: { 'X-Test': 'yes' } } };
}

/** Polls `condition` every 20 ms; fails after `ms` naming what was awaited. */
async function until(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function textOf(result: { content: Array<{ type: string; text?: string }> }): string | undefined {
  return result.content[0]?.text;
}

/** The sequence of states each server went through. */
function recordStates(h: McpHost): Record<string, string[]> {
  const seen: Record<string, string[]> = {};
  h.on('status', ({ server, status }) => (seen[server] ??= []).push(status.state));
  return seen;
}

describe('McpHost with three real servers', () => {
  it('connects two stdio servers and an HTTP one in parallel, reports the one that cannot start, and routes calls', { timeout: SLOW }, async () => {
    const web = await httpEcho();
    const h = host();
    const states = recordStates(h);
    h.addAll([echoStdio, everything, web.config, broken]);
    expect(h.statuses()).toEqual({ echo: { state: 'idle' }, everything: { state: 'idle' }, web: { state: 'idle' }, broken: { state: 'idle' } });

    const statuses = await h.connectAll();
    expect(statuses.echo).toEqual({ state: 'connected' });
    expect(statuses.everything).toEqual({ state: 'connected' });
    expect(statuses.web).toEqual({ state: 'connected' });
    const failed = statuses.broken as Extract<ServerStatus, { state: 'failed' }>;
    expect(failed.state).toBe('failed');
    expect(failed.error).toBeInstanceOf(ProcessExitedError);
    expect(failed.error.message).toContain('command not found');
    expect(states).toEqual({ echo: ['connecting', 'connected'], everything: ['connecting', 'connected'], web: ['connecting', 'connected'], broken: ['connecting', 'failed'] });

    const names = h.tools().map((t) => t.name);
    expect(names).toContain('echo__echo');
    expect(names).toContain('everything__echo');
    expect(names).toContain('everything__add');
    expect(names).toContain('web__echo');
    expect(names.filter((n) => n.startsWith('broken__'))).toEqual([]);
    const webEcho = h.tools().find((t) => t.name === 'web__echo')!;
    expect(webEcho).toMatchObject({ server: 'web', originalName: 'echo', tool: { name: 'echo', description: 'Echoes its text back' } });
    expect(h.resolve('everything__add')).toEqual({ server: 'everything', tool: 'add' });

    expect(textOf(await h.callTool('echo__echo', { text: 'one' }))).toBe('one');
    expect(textOf(await h.callTool('everything__echo', { text: 'two' }))).toBe('two');
    expect(textOf(await h.callTool('web__echo', { text: 'three' }))).toBe('three');
    expect((await h.callTool('everything__add', { a: 2, b: 3 })).structuredContent).toEqual({ sum: 5 });

    // The everything server also has resources and prompts; the echo servers have none.
    expect(h.resources().map((r) => `${r.server} ${r.resource.uri}`)).toContain('everything demo://readme');
    expect(h.prompts().map((p) => p.name)).toContain('everything__greeting');
    const readme = await h.readResource('everything', 'demo://readme');
    expect(readme.contents[0]?.uri).toBe('demo://readme');
    const greeting = await h.getPrompt('everything__greeting', { name: 'Ada' });
    expect(JSON.stringify(greeting.messages)).toContain('Ada');

    await h.close();
    expect(Object.values(h.statuses()).map((s) => s.state)).toEqual(['closed', 'closed', 'closed', 'closed']);
    expect(h.tools()).toEqual([]);
  });
});

describe('catalogue refresh', () => {
  // 2026-07-28 announces changes on a subscriptions/listen stream; the session era on the standalone GET stream.
  it.each(['auto', '2025-11-25'])('re-lists a server\'s tools when it announces a change, and says so (protocol %s)', { timeout: SLOW }, async (protocolVersion) => {
    const web = await httpEcho();
    const h = host({ clientOptions: { protocolVersion } });
    h.add(web.config);
    await h.connectAll();
    expect(h.client('web')?.era).toBe(protocolVersion === 'auto' ? 'stateless' : 'session');
    const changes: string[] = [];
    h.on('catalogueChanged', ({ server, kinds }) => changes.push(`${server}:${kinds.join(',')}`));

    web.server.tool('shout', { description: 'Upper-cases', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (args) => ({
      content: [{ type: 'text', text: String(args.text).toUpperCase() }],
    }));
    await until(() => h.tools().some((t) => t.name === 'web__shout'), 'web__shout in the catalogue');
    expect(changes).toContain('web:tools');
    expect(textOf(await h.callTool('web__shout', { text: 'hi' }))).toBe('HI');
  });
});

describe('reconnection', () => {
  /** A host whose stdio transports are kept, so a test can kill the server process. */
  function killableHost(options: Partial<McpHostOptions> = {}, next?: (config: ServerConfig, n: number) => Transport) {
    const spawned: StdioClientTransport[] = [];
    const h = host({
      ...options,
      createTransport: (config) => {
        const t = next?.(config, spawned.length) ?? createServerTransport(config);
        if (t instanceof StdioClientTransport) spawned.push(t);
        return t;
      },
    });
    return { h, spawned };
  }

  it('reconnects a stdio server that died after connecting', { timeout: SLOW }, async () => {
    const { h, spawned } = killableHost();
    const states = recordStates(h);
    h.add(echoStdio);
    await h.connectAll();
    expect(textOf(await h.callTool('echo__echo', { text: 'before' }))).toBe('before');

    const firstPid = spawned[0]!.pid!;
    process.kill(firstPid, 'SIGKILL');
    await until(() => (states.echo ?? []).includes('reconnecting') && h.status('echo')?.state === 'connected', 'echo to come back');

    expect(states.echo!.slice(0, 4)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(spawned).toHaveLength(2);
    expect(spawned[1]!.pid).not.toBe(firstPid);
    expect(textOf(await h.callTool('echo__echo', { text: 'after' }))).toBe('after');
  });

  it('says why while reconnecting, and gives up after maxAttempts', { timeout: SLOW }, async () => {
    const history: ServerStatus[] = [];
    // The first start works; every restart runs a command that does not exist.
    const { h, spawned } = killableHost({}, (config, n) => createServerTransport(n === 0 ? config : { ...broken, name: config.name }));
    h.on('status', ({ status }) => history.push(status));
    h.add(echoStdio);
    await h.connectAll();
    process.kill(spawned[0]!.pid!, 'SIGKILL');
    await until(() => h.status('echo')?.state === 'failed', 'echo to fail');

    const reconnecting = history.filter((s): s is Extract<ServerStatus, { state: 'reconnecting' }> => s.state === 'reconnecting');
    expect(reconnecting.map((s) => s.attempt)).toEqual([1, 2, 3]);
    // The first says how the connection ended; later ones carry the failed restart.
    expect(reconnecting[0]!.error).toBeInstanceOf(ProcessExitedError);
    expect(reconnecting[0]!.error!.message).toContain('was killed by SIGKILL');
    expect(reconnecting[1]!.error!.message).toContain('command not found');
    const failed = h.status('echo') as Extract<ServerStatus, { state: 'failed' }>;
    expect(failed.error.message).toContain('command not found');
    expect(h.tools()).toEqual([]);
    // The name still resolves, so a call says why it cannot go through.
    await expect(h.callTool('echo__echo', { text: 'x' })).rejects.toThrow(ConnectionClosedError);
    await expect(h.callTool('echo__echo', { text: 'x' })).rejects.toThrow(/Server "echo" is not connected \(it failed: could not start/);
  });

  it('does not reconnect with reconnect: false', { timeout: SLOW }, async () => {
    const { h, spawned } = killableHost({ reconnect: false });
    h.add(echoStdio);
    await h.connectAll();
    process.kill(spawned[0]!.pid!, 'SIGKILL');
    await until(() => h.status('echo')?.state === 'failed', 'echo to fail');
    expect(spawned).toHaveLength(1);
  });
});

describe('connecting', () => {
  it('fails a server that does not answer within connectTimeoutMs, without holding up the others', { timeout: SLOW }, async () => {
    const h = host({ connectTimeoutMs: 1500 });
    const silent: ServerConfig = { name: 'silent', transport: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {} };
    h.addAll([silent, echoStdio]);
    const statuses = await h.connectAll();
    expect(statuses.echo).toEqual({ state: 'connected' });
    const failed = statuses.silent as Extract<ServerStatus, { state: 'failed' }>;
    expect(failed.error).toBeInstanceOf(TimeoutError);
    expect(failed.error.message).toBe('server "silent" did not connect within 1500 ms');
  });

  it('leaves disabled servers alone', async () => {
    const h = host();
    h.add({ ...broken, disabled: true });
    expect(await h.connectAll()).toEqual({ broken: { state: 'disabled' } });
  });

  it('refuses duplicate names, unknown servers and unknown tools', async () => {
    const h = host();
    h.add(broken);
    expect(() => h.add(broken)).toThrow(InvalidArgumentError);
    await expect(h.connect('nobody')).rejects.toThrow(InvalidArgumentError);
    await expect(h.callTool('nobody__nothing')).rejects.toThrow('No server has a tool named "nobody__nothing"');
    await expect(h.readResource('broken', 'demo://x')).rejects.toThrow('Server "broken" is not connected (it is idle)');
  });

  it('connect() connects one server; remove() drops it', { timeout: SLOW }, async () => {
    const h = host();
    h.add(echoStdio);
    expect(await h.connect('echo')).toEqual({ state: 'connected' });
    // Connecting a connected server is a no-op.
    expect(await h.connect('echo')).toEqual({ state: 'connected' });
    const changes: string[] = [];
    h.on('catalogueChanged', ({ server }) => changes.push(server));
    await h.remove('echo');
    expect(changes).toEqual(['echo']);
    expect(h.statuses()).toEqual({});
    expect(h.resolve('echo__echo')).toBeUndefined();
    await h.close();
    expect(() => h.add(echoStdio)).toThrow('McpHost is closed');
  });
});
