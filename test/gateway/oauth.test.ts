/**
 * The gateway as an OAuth 2.1 resource server (issue 8: "JWT access tokens from a configured issuer … Tokens are
 * never passed through to upstreams: upstream credentials come from the config"): a JWKS on loopback, tokens
 * signed with `jose`, and an HTTP upstream that records every header and body it receives.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer, createHttpHandler } from '@mcpkit/server';
import { toNodeListener } from '@mcpkit/server/node';
import { ProtocolError } from '@mcpkit/protocol';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { auditQuery, connectClient, rejectionOf } from './helpers.js';

const AUDIENCE = 'https://gateway.test/mcp';
const UPSTREAM_TOKEN = 'upstream-static-token-from-the-config';
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-oauth-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let issuer: Server;
let issuerUrl: string;
let upstream: Server;
let privateKey: CryptoKey;
let otherKey: CryptoKey;
/** Everything the upstream received: one line per request, headers then body. */
const seen: string[] = [];
const tokensSent: string[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sign(claims: Record<string, unknown>, opts: { aud?: string; key?: CryptoKey; exp?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(issuerUrl)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? privateKey)
    .then((token) => {
      tokensSent.push(token);
      return token;
    });
}

function recordingUpstream(): Server {
  const server = new McpServer({ name: 'recorder', version: '1' });
  server.tool('echo', { description: 'Echoes', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, ({ text }: { text?: string }) => ({
    content: [{ type: 'text', text: text ?? '' }],
  }));
  server.tool('secret', { description: 'Outside the reader scope', inputSchema: { type: 'object', properties: {} } }, () => ({ content: [{ type: 'text', text: 'secret' }] }));
  const listener = toNodeListener(createHttpHandler(server));
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    // Record, then replay the body to the MCP handler.
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${JSON.stringify(req.headers)} ${Buffer.concat(chunks).toString('utf8')}`);
    });
    listener(req, res);
  });
}

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey as CryptoKey;
  otherKey = (await generateKeyPair('ES256')).privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  issuer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  issuerUrl = await listen(issuer);
  upstream = recordingUpstream();
  const upstreamUrl = `${await listen(upstream)}/mcp`;
  process.env.MCPKIT_TEST_UPSTREAM_TOKEN = UPSTREAM_TOKEN;
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  rec:
    url: ${upstreamUrl}
    headers:
      Authorization: "Bearer \${env:MCPKIT_TEST_UPSTREAM_TOKEN}"
oauth:
  issuer: ${issuerUrl}
  jwksUrl: ${issuerUrl}/jwks
  audience: ${AUDIENCE}
scopes:
  reader: [rec__echo]
  all: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
  gateway = await startGatewayProcess(config);
  const token = await sign({ sub: 'warmup', scope: 'all' });
  await eventually(async () => {
    const client = await connectClient(gateway.url, undefined, '2026-07-28', {}, { authorization: `Bearer ${token}` });
    try {
      return (await client.listTools()).some((t) => t.name === 'rec__echo');
    } finally {
      await client.close();
    }
  }, 'the upstream listed', 30_000);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await new Promise<void>((r) => issuer?.close(() => r()));
  upstream?.closeAllConnections();
  await new Promise<void>((r) => upstream?.close(() => r()));
  delete process.env.MCPKIT_TEST_UPSTREAM_TOKEN;
  rmSync(dir, { recursive: true, force: true });
});

async function rawStatus(token: string): Promise<{ status: number; challenge: string | null }> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
  await res.arrayBuffer();
  return { status: res.status, challenge: res.headers.get('www-authenticate') };
}

describe.each(['2025-11-25', '2026-07-28'])('OAuth JWTs, %s', (revision) => {
  it('a token with the reader scope lists and calls what the scope allows, and nothing else', async () => {
    const token = await sign({ sub: 'alice', scope: 'reader' });
    const client = await connectClient(gateway.url, undefined, revision, {}, { authorization: `Bearer ${token}` });
    try {
      expect((await client.listTools()).map((t) => t.name)).toEqual(['rec__echo']);
      expect(await client.callTool('rec__echo', { text: `hello ${revision}` })).toMatchObject({ content: [{ type: 'text', text: `hello ${revision}` }] });
      const error = await rejectionOf(client.callTool('rec__secret', {}));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error.message).toMatch(/Forbidden.*all/);
    } finally {
      await client.close();
    }
  });
});

describe('OAuth refusals', () => {
  it.each([
    ['the wrong audience', () => sign({ sub: 'mallory', scope: 'all' }, { aud: 'https://someone-else.test/mcp' })],
    ['another signer', () => sign({ sub: 'mallory', scope: 'all' }, { key: otherKey })],
    ['an expired token', () => sign({ sub: 'mallory', scope: 'all' }, { exp: '-5m' })],
  ])('a token with %s gets 401 and a Bearer challenge', async (_what, make) => {
    const { status, challenge } = await rawStatus(await make());
    expect(status).toBe(401);
    expect(challenge).toMatch(/^Bearer resource_metadata=".*", error="invalid_token"/);
  });

  it('the protected-resource metadata names the issuer', async () => {
    const res = await fetch(new URL('/.well-known/oauth-protected-resource/mcp', gateway.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ authorization_servers: [issuerUrl] });
  });
});

describe('token passthrough', () => {
  it('the upstream never receives a caller’s JWT, only the credential from the config', async () => {
    expect(seen.length).toBeGreaterThan(0);
    expect(tokensSent.length).toBeGreaterThan(3);
    for (const line of seen) {
      const headers = JSON.parse(line.slice(0, line.indexOf('} ') + 1)) as Record<string, string>;
      expect(headers.authorization).toBe(`Bearer ${UPSTREAM_TOKEN}`);
      for (const token of tokensSent) {
        // No header, no body, not even the signature part.
        expect(line).not.toContain(token);
        expect(line).not.toContain(token.split('.')[2]!);
      }
    }
  });

  it('calls by JWT are audited under the token’s subject, and the chain verifies', async () => {
    await eventually(async () => (await auditQuery(config, ['--principal', 'alice', '--method', 'tools/call'])).some((r) => r.outcome === 'ok'), 'alice’s calls in the audit log');
    const rows = await auditQuery(config, ['--principal', 'alice', '--method', 'tools/call']);
    expect(rows.some((r) => r.outcome === 'refused' && r.reason === 'scope')).toBe(true);
    const verify = await mcpkit(['audit', 'verify', '--config', config]);
    expect(verify.code, verify.stderr).toBe(0);
  });

  it('API keys keep working beside OAuth', async () => {
    const key = await createKey(config, 'reader', 'ci');
    const client = await connectClient(gateway.url, key);
    try {
      expect(await client.callTool('rec__echo', { text: 'by key' })).toMatchObject({ content: [{ type: 'text', text: 'by key' }] });
    } finally {
      await client.close();
    }
  });
});
