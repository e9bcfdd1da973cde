// Security tests for the inspector (issue 12), against the real `mcpkit inspect` process: the token on every API
// route and stream, the Host and Origin allow-lists, the loopback-only bind, the fixed target, the short list of
// unauthenticated routes, and no HTML sink for server data in the UI's source.
import { request } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, type InspectProcess, runMcpkit, startInspect, waitFor } from '../test-support/inspect-process.js';
import { isStaticAsset } from './static-assets.js';

/** A raw request, so that Host can be anything (fetch will not let a caller set it). */
function raw(port: number, path: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mcpkit inspect: security (issue 12)', () => {
  let inspect: InspectProcess;
  const auth = () => ({ Authorization: `Bearer ${inspect.token}` });

  beforeAll(async () => {
    inspect = await startInspect(['--', process.execPath, EVERYTHING]);
    await waitFor('connected', async () => {
      const res = await fetch(`${inspect.origin}/api/state`, { headers: auth() });
      const body = (await res.json()) as { state: { status: string } };
      return body.state.status === 'connected' ? true : undefined;
    });
  });
  afterAll(async () => {
    await inspect?.stop();
  });

  it('prints its URL on 127.0.0.1 with a 256-bit token in the fragment, and writes the token nowhere else', () => {
    expect(inspect.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(inspect.stdout().split(inspect.token).length - 1).toBe(1);
    expect(inspect.stderr()).not.toContain(inspect.token);
  });

  it('answers 401 on every API route and the event stream without the token, or with a wrong one', async () => {
    const routes: [string, string][] = [
      ['GET', '/api/state'],
      ['GET', '/api/events'],
      ['GET', '/api/tools'],
      ['GET', '/api/resources'],
      ['POST', '/api/connect'],
      ['POST', '/api/tools/call'],
      ['POST', '/api/resources/read'],
      ['POST', '/api/prompts/get'],
      ['POST', '/api/complete'],
      ['POST', '/api/asks/x'],
      ['POST', '/api/oauth/sign-in'],
      ['POST', '/api/oauth/cancel'],
      ['GET', '/api/gateway'],
      ['GET', '/api/gateway/keys'],
      ['POST', '/api/gateway/keys/revoke'],
      ['POST', '/api/gateway/trust/approve'],
      ['GET', '/api/nonexistent'],
      ['GET', '/favicon.ico'],
      ['GET', '/src/main.tsx'],
      ['GET', '/assets/../../package.json'],
    ];
    for (const [method, path] of routes) {
      const variants: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: `Basic ${inspect.token}` }, { Cookie: `token=${inspect.token}` }];
      for (const headers of variants) {
        const res = await fetch(`${inspect.origin}${path}`, { method, headers: { 'Content-Type': 'application/json', ...headers }, ...(method === 'POST' ? { body: '{"name":"echo"}' } : {}) });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 401`);
      }
    }
    // Nor does the token work in the query string: it belongs in a header only.
    expect((await fetch(`${inspect.origin}/api/state?token=${inspect.token}`)).status).toBe(401);
  });

  it('serves only the page and its assets without the token, with a strict CSP', async () => {
    const page = await fetch(`${inspect.origin}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    expect((await fetch(`${inspect.origin}${asset!}`)).status).toBe(200);
    expect(isStaticAsset('GET', '/')).toBe(true);
    expect(isStaticAsset('GET', '/index.html')).toBe(true);
    expect(isStaticAsset('GET', '/assets/index-AbC_1.js')).toBe(true);
    expect(isStaticAsset('POST', '/')).toBe(false);
    for (const path of ['/api/state', '/assets/../x.js', '/assets/a/b.js', '/assets/x.html', '/index.htm', '/x.js']) expect(isStaticAsset('GET', path)).toBe(false);
  });

  it('takes nothing from an OAuth callback no sign-in waits for, and reflects nothing from it', async () => {
    for (const query of ['', '?code=x&state=forged', '?state=%3Cscript%3Ealert(1)%3C%2Fscript%3E&code=<b>x</b>']) {
      const res = await fetch(`${inspect.origin}/oauth/callback${query}`);
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toContain('No sign-in in the inspector is waiting for this.');
      expect(body).not.toMatch(/forged|script|<b>/);
    }
    expect((await fetch(`${inspect.origin}/oauth/callback`, { method: 'POST' })).status).toBe(401);
    // Without an admin key there is no gateway to ask.
    expect(await (await fetch(`${inspect.origin}/api/gateway`, { headers: auth() })).json()).toEqual({ enabled: false });
    expect((await fetch(`${inspect.origin}/api/gateway/keys`, { headers: auth() })).status).toBe(404);
    // A stdio target has nothing to sign in to.
    const res = await fetch(`${inspect.origin}/api/oauth/sign-in`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(409);
  });

  it('answers 403 to a foreign Origin or Host, even with the token and even for the page', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${inspect.port + 1}`, `https://127.0.0.1:${inspect.port}`]) {
      const res = await fetch(`${inspect.origin}/api/state`, { headers: { ...auth(), Origin: origin } });
      expect(`${origin} ${res.status}`).toBe(`${origin} 403`);
    }
    const ok = await fetch(`${inspect.origin}/api/state`, { headers: { ...auth(), Origin: inspect.origin } });
    expect(ok.status).toBe(200);
    for (const host of ['evil.example', `evil.example:${inspect.port}`, `127.0.0.1:${inspect.port + 1}`, '127.0.0.1']) {
      for (const path of ['/api/state', '/']) {
        const res = await raw(inspect.port, path, { Host: host, ...auth() });
        expect(`${host} ${path} ${res.status}`).toBe(`${host} ${path} 403`);
      }
    }
    // No Host header at all fails closed too (node:http itself answers 400 to an HTTP/1.1 request without one).
    expect([400, 403]).toContain((await raw(inspect.port, '/', {})).status);
    expect((await raw(inspect.port, '/api/state', { Host: `localhost:${inspect.port}`, ...auth() })).status).toBe(200);
  });

  it('takes the server command from the command line only: a request cannot name one', async () => {
    const res = await fetch(`${inspect.origin}/api/connect`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'sh', args: ['-c', 'echo pwned'], url: 'http://169.254.169.254/' }),
    });
    const { state } = (await res.json()) as { state: { status: string; target: string } };
    expect(state.status).toBe('connected');
    expect(state.target).toContain('everything');
    expect(state.target).not.toContain('sh');
  });

  it('refuses a JSON API call sent as a form or text (no CORS-simple requests)', async () => {
    const res = await fetch(`${inspect.origin}/api/tools/call`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{"name":"echo","arguments":{"text":"x"}}' });
    expect(res.status).toBe(415);
  });

  it('refuses to bind 0.0.0.0 (or any non-loopback address) unless --unsafe-bind is given', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const run = await runMcpkit(['inspect', '--no-open', '--host', host, '--', process.execPath, EVERYTHING]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`refusing to bind the inspector to ${host}`);
      expect(run.stdout).not.toContain('token=');
    }
    const bare = await runMcpkit(['inspect', '--no-open', '--unsafe-bind', '--', process.execPath, EVERYTHING]);
    expect(bare.code).toBe(2);
  });

  it('listens on the port --port names, and says so when it is taken', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const pinned = await startInspect(['--port', String(port), '--', process.execPath, EVERYTHING]);
    try {
      expect(pinned.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/#token=`));
      expect(pinned.token).not.toBe(inspect.token);
      const taken = await runMcpkit(['inspect', '--no-open', '--port', String(port), '--', process.execPath, EVERYTHING]);
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain(`port ${port} is in use`);
    } finally {
      await pinned.stop();
    }
  });

  it('takes the server from a config file the user named (--config FILE --server NAME)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-inspect-config-'));
    try {
      const file = join(dir, 'claude_desktop_config.json');
      writeFileSync(file, JSON.stringify({ mcpServers: { demo: { command: process.execPath, args: [EVERYTHING] } } }));
      const fromConfig = await startInspect(['--config', file, '--server', 'demo']);
      try {
        const state = await waitFor('connected', async () => {
          const res = await fetch(`${fromConfig.origin}/api/state`, { headers: { Authorization: `Bearer ${fromConfig.token}` } });
          const body = (await res.json()) as { state: { status: string; serverInfo?: { name?: string } } };
          return body.state.status === 'connected' ? body.state : undefined;
        });
        expect(state.serverInfo?.name).toBe('mcpkit-everything');
      } finally {
        await fromConfig.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a gateway admin key for a stdio target, and a malformed one without quoting it', async () => {
    const run = await runMcpkit(['inspect', '--no-open', '--gateway-admin-key', 'k', '--', process.execPath, '-e', '']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--gateway-admin-key needs --url');
    const bad = await runMcpkit(['inspect', '--no-open', '--gateway-admin-key', 'secret-part one\nInjected: x', '--url', 'http://127.0.0.1:9/mcp']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the gateway admin key has characters no key has');
    expect(bad.stderr + bad.stdout).not.toContain('secret-part');
  });

  it('keeps every HTML sink out of the UI source (server data is only ever text)', () => {
    const dir = new URL('../ui/src/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(`${file}: ${/innerHTML|outerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|document\.write|new Function|eval\(/.test(text)}`).toBe(`${file}: false`);
    }
  });
});
