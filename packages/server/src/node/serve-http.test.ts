import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { McpServer } from '../index.js';
import { serveHttp } from './index.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const META = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };

function slowServer(gate: Promise<void>): McpServer {
  const server = new McpServer({ name: 'slow', version: '1.0.0' });
  server.tool('slow', {}, async () => {
    await gate;
    return { content: [{ type: 'text', text: 'finished' }] };
  });
  return server;
}

function callBody(name: string): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta: META } });
}

const callHeaders = (name: string) => ({ ...HEADERS, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name });

describe('serveHttp probes and routes', () => {
  it('answers /healthz always and /readyz from the ready check, without a Host check', async () => {
    let ready = false;
    const handle = await serveHttp(new McpServer({ name: 'x', version: '1' }), { ready: () => ready, gracefulShutdown: false });
    try {
      const base = handle.url.replace('/mcp', '');
      expect((await fetch(`${base}/healthz`, { headers: { host: '10.0.0.7:8080' } })).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      ready = true;
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status: 'ready' });
      expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
    } finally {
      await handle.close();
    }
  });

  it('serves extra routes on the same listener', async () => {
    const handle = await serveHttp(new McpServer({ name: 'x', version: '1' }), {
      gracefulShutdown: false,
      routes: { '/metrics': (_req, res) => res.end('up 1\n') },
    });
    try {
      expect(await (await fetch(handle.url.replace('/mcp', '/metrics'))).text()).toBe('up 1\n');
    } finally {
      await handle.close();
    }
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const first = await serveHttp(new McpServer({ name: 'x', version: '1' }), { gracefulShutdown: false });
    try {
      await expect(serveHttp(new McpServer({ name: 'y', version: '1' }), { port: first.port, gracefulShutdown: false })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});

describe('serveHttp over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS from cert and key files', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const handle = await serveHttp(slowServer(Promise.resolve()), { tls: { cert, key }, gracefulShutdown: false });
    try {
      expect(handle.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(handle.url, { method: 'POST', headers: callHeaders('slow'), ca: execFileSync('cat', [cert]) }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end(callBody('slow'));
      });
      expect(body).toContain('finished');
    } finally {
      await handle.close();
    }
  });

  it('names an unreadable certificate file', async () => {
    await expect(serveHttp(new McpServer({ name: 'x', version: '1' }), { tls: { cert: join(dir, 'missing.pem'), key: join(dir, 'missing.pem') } })).rejects.toThrow(
      /tls\.cert: cannot read .*missing\.pem/,
    );
  });
});

describe('serveHttp graceful shutdown', () => {
  it('finishes a call in flight, refuses new work with 503 and reports draining on /readyz', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const handle = await serveHttp(slowServer(gate), { gracefulShutdown: false });
    const base = handle.url.replace('/mcp', '');
    const inFlight = fetch(handle.url, { method: 'POST', headers: callHeaders('slow'), body: callBody('slow') });
    while (handle.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
    const stopped = handle.shutdown({ timeoutMs: 10_000 });
    // The listener stops accepting new connections; a request on a kept-alive connection gets 503.
    await new Promise((r) => setTimeout(r, 20));
    open();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('finished');
    await stopped;
    await expect(fetch(`${base}/readyz`)).rejects.toThrow();
  });

  it('gives up on calls still running at the deadline', async () => {
    const handle = await serveHttp(slowServer(new Promise(() => {})), { gracefulShutdown: false });
    const inFlight = fetch(handle.url, { method: 'POST', headers: callHeaders('slow'), body: callBody('slow') }).then(
      (r) => r.text(),
      (e: Error) => `failed: ${e.message}`,
    );
    while (handle.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
    await handle.shutdown({ timeoutMs: 50 });
    expect(await inFlight).toMatch(/failed|error/i);
  });

  it('on SIGTERM, a real server process answers the call in flight, then exits by the signal', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const script = `
      import { McpServer } from '@mcpkit/server';
      import { serveHttp } from '@mcpkit/server/node';
      const server = new McpServer({ name: 'p', version: '1' });
      server.tool('slow', {}, async () => { process.stdout.write('started\\n'); await new Promise((r) => setTimeout(r, 300)); return { content: [{ type: 'text', text: 'finished' }] }; });
      const h = await serveHttp(server, { gracefulShutdown: { timeoutMs: 5000 } });
      process.stdout.write(h.url + '\\n');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: string[] = [];
    let waiter: (() => void) | undefined;
    child.stdout.on('data', (c: Buffer) => {
      lines.push(...c.toString().split('\n').filter(Boolean));
      waiter?.();
    });
    const line = async (match: (l: string) => boolean): Promise<string> => {
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        await new Promise<void>((r) => (waiter = r));
      }
    };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    const url = await line((l) => l.startsWith('http'));
    const call = new Promise<string>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: callHeaders('slow') }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(callBody('slow'));
    });
    await line((l) => l === 'started');
    child.kill('SIGTERM');
    expect(await call).toContain('finished');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});

describe('serveHttp refuses an oversized body readably', () => {
  it('a Node client sending a large body in one go reads the 413 instead of a reset', async () => {
    const handle = await serveHttp(new McpServer({ name: 'x', version: '1' }), { maxBodyBytes: 1024, gracefulShutdown: false });
    try {
      const big = Buffer.alloc(4 * 1024 * 1024, 'a');
      for (const declared of [true, false]) {
        const status = await new Promise<number>((resolve, reject) => {
          const headers: Record<string, string | number> = { ...HEADERS };
          if (declared) headers['content-length'] = big.length;
          const req = httpRequest(handle.url, { method: 'POST', headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(big);
        });
        expect(status).toBe(413);
      }
    } finally {
      await handle.close();
    }
  });
});

describe('JSON replies over node:http', () => {
  it('declare their length instead of being chunked (one write, no chunk decoding in the client)', async () => {
    const server = new McpServer({ name: 'x', version: '1' });
    server.tool('hi', {}, async () => ({ content: [{ type: 'text', text: 'héllo' }] }));
    const handle = await serveHttp(server, { gracefulShutdown: false });
    try {
      const answer = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = httpRequest(handle.url, { method: 'POST', headers: callHeaders('hi') }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end(callBody('hi'));
      });
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(answer.headers['content-length']).toBe(String(answer.body.length));
      expect(JSON.parse(answer.body.toString('utf8')).result.content[0].text).toBe('héllo');
    } finally {
      await handle.close();
    }
  });
});
