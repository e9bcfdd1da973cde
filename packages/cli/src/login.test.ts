// `mcpkit login URL` / `mcpkit logout URL` (issue 13) as processes, against the client's stand-in OAuth
// authorization server (it approves every request) and a real McpServer that only lets its tokens through. The
// test plays the browser: it follows the printed authorization URL with fetch, then the redirect to the loopback.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpServer, createHttpHandler } from '@mcpkit/server';
import {
  type MockAuthorizationServer,
  type MockAuthorizationServerOptions,
  createMockAuthorizationServer,
} from '../../client/src/auth/test-support/mock-authorization-server.js';
import { CLI, ROOT, cleanEnv, runCli } from './testing/harness.js';

const servers: Server[] = [];
let config: string;
let env: Record<string, string>;
const asOptions: MockAuthorizationServerOptions = { refresh: true };
let as: MockAuthorizationServer;
let mcpUrl: string;
const seenTokens: string[] = [];

async function listen(target: { handle(request: Request): Promise<Response>; origin: string }): Promise<void> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const response = await target.handle(new Request(`${target.origin}${req.url}`, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    const reader = response.body?.getReader();
    for (let r = await reader?.read(); r && !r.done; r = await reader!.read()) res.write(r.value);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  target.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  config = mkdtempSync(join(tmpdir(), 'mcpkit-login-'));
  env = cleanEnv({ XDG_CONFIG_HOME: config, MCPKIT_API_KEY: '' });
  as = createMockAuthorizationServer(asOptions);
  await listen(as);
  const mcp = new McpServer({ name: 'guarded', version: '1.0.0' }, { onError: () => undefined });
  mcp.tool('whoami', {}, () => ({ content: [{ type: 'text', text: 'a logged-in user' }] }));
  const handler = createHttpHandler(mcp);
  const gate = {
    origin: '',
    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') return Response.json({ resource: `${gate.origin}/mcp`, authorization_servers: [as.issuer] });
      const token = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
      if (!as.tokens.has(token)) {
        return new Response(null, { status: 401, headers: { 'www-authenticate': `Bearer resource_metadata="${gate.origin}/.well-known/oauth-protected-resource/mcp"` } });
      }
      seenTokens.push(token);
      return handler(request);
    },
  };
  await listen(gate);
  mcpUrl = `${gate.origin}/mcp`;
});

afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(config, { recursive: true, force: true });
});

const tokenFile = () => join(config, 'mcpkit', 'tokens.json');
const stored = () => JSON.parse(readFileSync(tokenFile(), 'utf8')) as { logins: Record<string, { issuer: string; tokens: { accessToken: string; refreshToken?: string } }> };

/** Runs `mcpkit login URL --no-open`, approving in place of a browser. */
async function login(): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'login', mcpUrl, '--no-open'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let followed = false;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    const authUrl = /^\s+(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m.exec(stderr)?.[1];
    if (!authUrl || followed) return;
    followed = true;
    void (async () => {
      // The stand-in approves at once and redirects to the CLI's loopback listener.
      const approved = await fetch(authUrl, { redirect: 'manual' });
      const back = await fetch(approved.headers.get('location')!);
      expect(await back.text()).toContain('Logged in');
    })();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stderr };
}

describe('mcpkit login / logout (issue 13)', () => {
  it('fails a --url command without a login, pointing at mcpkit login', async () => {
    const r = await runCli(['list', 'tools', '--url', mcpUrl], { env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('mcpkit login URL');
  });

  it('logs in through the browser flow (PKCE, loopback redirect) and stores the tokens 0600', async () => {
    const r = await login();
    expect(r.stderr).toContain(`logged in to ${mcpUrl}`);
    expect(r.code).toBe(0);
    const authorize = as.seen.find((s) => s.path === '/authorize')!;
    expect(authorize.query.get('code_challenge_method')).toBe('S256');
    expect(authorize.query.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authorize.query.get('resource')).toBe(mcpUrl);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    const login1 = stored().logins[mcpUrl]!;
    expect(login1.issuer).toBe(as.issuer);
    expect(as.tokens.has(login1.tokens.accessToken)).toBe(true);
  });

  it('makes every --url command send the stored token', async () => {
    const before = as.seen.length;
    const r = await runCli(['call', 'whoami', '--url', mcpUrl], { env });
    expect(r.stdout).toContain('a logged-in user');
    expect(r.code).toBe(0);
    expect(seenTokens).toContain(stored().logins[mcpUrl]!.tokens.accessToken);
    // No discovery, no token request: the stored token went out with the first request.
    expect(as.seen.length).toBe(before);
  });

  it('refreshes an expired token and stores the new one', async () => {
    // Tokens that expire at once: the next command must refresh before it can send one.
    asOptions.expiresIn = 1;
    expect((await login()).code).toBe(0);
    const expired = stored().logins[mcpUrl]!.tokens;
    asOptions.expiresIn = 3600;
    const r = await runCli(['list', 'tools', '--url', mcpUrl], { env });
    expect(r.stdout).toContain('whoami');
    expect(r.code).toBe(0);
    expect(as.seen.some((s) => s.path === '/token' && s.form.get('grant_type') === 'refresh_token' && s.form.get('refresh_token') === expired.refreshToken)).toBe(true);
    const fresh = stored().logins[mcpUrl]!.tokens;
    expect(fresh.accessToken).not.toBe(expired.accessToken);
    expect(seenTokens.at(-1)).toBe(fresh.accessToken);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
  });

  it('leaves a command with its own credentials alone', async () => {
    const r = await runCli(['list', 'tools', '--url', mcpUrl, '--bearer', 'not-a-token'], { env });
    expect(r.code).toBe(3);
  });

  it('logs out: the tokens are gone and --url commands need a login again', async () => {
    const out = await runCli(['logout', mcpUrl], { env });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('logged out');
    expect(stored().logins).toEqual({});
    const r = await runCli(['list', 'tools', '--url', mcpUrl], { env });
    expect(r.code).toBe(3);
    const again = await runCli(['logout', mcpUrl], { env });
    expect(again.stderr).toContain('not logged in');
  });
});
