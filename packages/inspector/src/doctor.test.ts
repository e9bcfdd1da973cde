// The connection doctor (issue 12): each failure a user meets when pointing the inspector at a server is named
// by its real cause, with the checklist step that failed, through InspectorConnection as the server runs it.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InspectorConnection } from './connection.js';
import { EventHub } from './event-hub.js';
import type { InspectorTarget } from './target.js';

const clientInfo = { name: 'doctor-test', version: '0' };
const node = (script: string): InspectorTarget => ({ kind: 'stdio', command: process.execPath, args: ['-e', script], env: {}, inheritEnv: true });
const servers: Server[] = [];
const connections: InspectorConnection[] = [];

async function diagnosis(target: InspectorTarget, connectTimeoutMs = 5000) {
  const hub = new EventHub();
  const connection = new InspectorConnection(target, hub, { clientInfo, connectTimeoutMs });
  connections.push(connection);
  const state = await connection.connect();
  expect(state.status).toBe('failed');
  return { diagnosis: state.diagnosis!, hub };
}

/** An HTTP server that answers every request with `status`. */
async function answering(status: number): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(`status ${status}`);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

afterEach(async () => {
  for (const c of connections.splice(0)) await c.close();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('connection doctor (issue 12)', () => {
  it('a command that does not exist', async () => {
    const { diagnosis: d } = await diagnosis({ kind: 'stdio', command: 'mcpkit-no-such-command-xyz', args: [], env: {}, inheritEnv: true });
    expect(d.cause).toBe('command-not-found');
    expect(d.checks[0]).toMatchObject({ label: 'the command starts', ok: false });
    expect(d.hint).toContain('PATH');
  });

  it('a server that exits: its exit code and the end of its stderr', async () => {
    const { diagnosis: d } = await diagnosis(node('console.error("boom: missing API_KEY"); process.exit(7)'));
    expect(d.cause).toBe('process-exited');
    expect(d.summary).toContain('exit code 7');
    expect(d.stderrTail).toContain('boom: missing API_KEY');
    expect(d.checks.map((c) => c.ok)).toEqual([true, false, null, null]);
  });

  it('a server that logs to stdout instead of speaking JSON-RPC', async () => {
    const { diagnosis: d, hub } = await diagnosis(node('setInterval(() => console.log("Server starting on stdout..."), 20)'), 1500);
    expect(d.cause).toBe('stdout-pollution');
    expect(d.summary).toContain('Server starting on stdout...');
    const flagged: string[] = [];
    hub.subscribe((e) => {
      const { event } = JSON.parse(e.json) as { event: { type: string; text: string } };
      if (event.type === 'stdout-noise') flagged.push(event.text);
    });
    expect(flagged.length).toBeGreaterThan(0);
  });

  it('a port where nothing listens', async () => {
    const url = await answering(200);
    await new Promise((r) => servers.pop()!.close(r));
    const { diagnosis: d } = await diagnosis({ kind: 'http', url, headers: {} });
    expect(d.cause).toBe('port-closed');
    expect(d.summary).toContain('ECONNREFUSED');
  });

  it('HTTP 401 (auth required), 404 (wrong path), 500 (another status)', async () => {
    expect((await diagnosis({ kind: 'http', url: await answering(401), headers: {} })).diagnosis.cause).toBe('auth-required');
    expect((await diagnosis({ kind: 'http', url: await answering(404), headers: {} })).diagnosis.cause).toBe('wrong-path');
    const other = (await diagnosis({ kind: 'http', url: await answering(500), headers: {} })).diagnosis;
    expect(other.cause).toBe('http-status');
    expect(other.summary).toContain('500');
  });

  it('a server that refuses every protocol version', async () => {
    const script = `
      const rl = require('node:readline').createInterface({ input: process.stdin });
      rl.on('line', (line) => {
        const m = JSON.parse(line);
        if (m.id === undefined) return;
        process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32602, message: 'Unsupported protocol version', data: { supported: ['1999-01-01'], requested: 'x' } } }) + '\\n');
      });`;
    const { diagnosis: d } = await diagnosis(node(script));
    expect(d.cause).toBe('protocol-version');
  });

  it('a server that exits after connecting: closed, with its exit code and stderr', async () => {
    const script = `
      const reply = (m, body) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, ...body }) + '\\n');
      require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
        const m = JSON.parse(line);
        if (m.method === 'server/discover') reply(m, { error: { code: -32601, message: 'Method not found' } });
        else if (m.method === 'initialize') reply(m, { result: { protocolVersion: m.params.protocolVersion, capabilities: {}, serverInfo: { name: 'short-lived', version: '1' } } });
        else if (m.method === 'notifications/initialized') setTimeout(() => { console.error('segfault in the plugin loader'); process.exit(9); }, 300);
        else if (m.id !== undefined) reply(m, { result: {} });
      });`;
    const hub = new EventHub();
    const connection = new InspectorConnection(node(script), hub, { clientInfo });
    connections.push(connection);
    expect((await connection.connect()).status).toBe('connected');
    for (let i = 0; i < 60 && !connection.state.diagnosis; i++) await new Promise((r) => setTimeout(r, 50));
    expect(connection.state.status).toBe('closed');
    expect(connection.state.diagnosis).toMatchObject({ cause: 'process-exited' });
    expect(connection.state.diagnosis?.summary).toContain('exit code 9');
    expect(connection.state.diagnosis?.stderrTail).toContain('segfault in the plugin loader');
  });

  it("shows the caller's own explanation when it has one", async () => {
    const hub = new EventHub();
    const connection = new InspectorConnection({ kind: 'stdio', command: 'mcpkit-no-such-command-xyz', args: [], env: {}, inheritEnv: true }, hub, {
      clientInfo,
      explain: () => ({ message: 'the CLI says: not installed', hint: 'install it' }),
    });
    connections.push(connection);
    const state = await connection.connect();
    expect(state.diagnosis).toMatchObject({ cause: 'command-not-found', summary: 'the CLI says: not installed', hint: 'install it' });
  });
});
