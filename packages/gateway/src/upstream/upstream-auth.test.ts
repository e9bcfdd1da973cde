import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamAuthConfig } from '../config/types.js';
import { upstreamAuthHeaders } from './upstream-auth.js';

/** A token endpoint on loopback speaking RFC 6749 / RFC 8693 form posts. */
let server: Server;
let tokenUrl: string;
const seen: Array<{ authorization: string | undefined; form: Record<string, string> }> = [];
let issued = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      seen.push({ authorization: req.headers.authorization, form });
      if (form.client_id === 'broken' || req.headers.authorization === `Basic ${btoa('gw:wrong')}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end('{"error":"invalid_client"}');
      }
      issued += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `tok-${issued}`, token_type: 'Bearer', expires_in: form.scope === 'short' ? 1 : 3600 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('upstream credentials from a token endpoint', () => {
  it('client credentials: HTTP Basic, the grant and scope in the form, the token cached until near expiry', async () => {
    const auth: UpstreamAuthConfig = { type: 'client_credentials', tokenUrl, clientId: 'gw', clientSecret: 's3cret', scope: 'mcp', audience: 'https://up.example/mcp' };
    const before = seen.length;
    const first = await upstreamAuthHeaders(auth);
    const second = await upstreamAuthHeaders(auth);
    expect(first.authorization).toMatch(/^Bearer tok-\d+$/);
    expect(second).toEqual(first);
    expect(seen.length - before).toBe(1);
    expect(seen.at(-1)).toEqual({
      authorization: `Basic ${btoa('gw:s3cret')}`,
      form: { grant_type: 'client_credentials', scope: 'mcp', audience: 'https://up.example/mcp' },
    });
  });

  it('renews a token that expires within 30 s at once, and shares one request among concurrent callers', async () => {
    const auth: UpstreamAuthConfig = { type: 'client_credentials', tokenUrl, clientId: 'gw', clientSecret: 's3cret', scope: 'short' };
    const before = seen.length;
    const [a, b] = await Promise.all([upstreamAuthHeaders(auth), upstreamAuthHeaders(auth)]);
    expect(a).toEqual(b);
    expect(seen.length - before).toBe(1);
    const c = await upstreamAuthHeaders(auth);
    expect(c).not.toEqual(a);
  });

  it('token exchange: the RFC 8693 grant with the configured subject token; a public client sends client_id', async () => {
    const auth: UpstreamAuthConfig = {
      type: 'token_exchange',
      tokenUrl,
      clientId: 'public-gw',
      subjectToken: 'service-identity',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      audience: 'https://up.example/mcp',
    };
    await upstreamAuthHeaders(auth);
    expect(seen.at(-1)).toEqual({
      authorization: undefined,
      form: {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'service-identity',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: 'https://up.example/mcp',
        client_id: 'public-gw',
      },
    });
  });

  it('names the token endpoint and the status when it refuses', async () => {
    const auth: UpstreamAuthConfig = { type: 'client_credentials', tokenUrl, clientId: 'gw', clientSecret: 'wrong' };
    await expect(upstreamAuthHeaders(auth)).rejects.toThrow(`the token endpoint ${tokenUrl} answered HTTP 401`);
  });

  it('sends nothing for auth: none', async () => {
    expect(await upstreamAuthHeaders({ type: 'none' })).toEqual({});
  });
});
