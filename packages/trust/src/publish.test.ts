import { describe, expect, it } from 'vitest';
import { Client } from '@mcpkit/client';
import { InMemoryTransport } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { type ServerSnapshot, digestServer, generateSigningKey, manifestMiddleware, manifestPublisher, matchManifest, verifyManifest } from './index.js';

async function serverWithManifest(protocolVersion: string) {
  const server = new McpServer({ name: 'signed', version: '1.0.0' });
  server.tool('echo', { description: 'Echoes.', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (a) => ({ content: [{ type: 'text', text: String(a.text) }] }));
  const key = await generateSigningKey('EdDSA');
  const snapshot = (): ServerSnapshot => ({ name: 'signed', serverInfo: server.info, tools: [...server.core.tools.enabled()].map((t) => t.definition), prompts: [], resourceTemplates: [] });
  server.use(manifestMiddleware(manifestPublisher({ issuer: 'npm:signed', privateJwk: key.privateJwk, snapshot })));
  const [a, b] = InMemoryTransport.pair();
  await server.connect(a);
  const client = new Client({ name: 'c', version: '1' }, { protocolVersion });
  await client.connect(b);
  return { server, client, key, snapshot };
}

describe.each(['2025-11-25', '2026-07-28'])('a server publishing its signed manifest (mcpkit/manifest), %s', (protocolVersion) => {
  it('answers a manifest that verifies against the published key and matches what it serves', async () => {
    const { client, key, snapshot } = await serverWithManifest(protocolVersion);
    const published = (await client.request('mcpkit/manifest', {})) as unknown as { manifest: unknown; jws: string; keys: object[] };
    expect(published.keys).toEqual([expect.objectContaining({ kty: 'OKP', kid: key.kid, alg: 'EdDSA' })]);
    expect(JSON.stringify(published.keys)).not.toContain('"d"');
    const verified = await verifyManifest(published.manifest, published.jws, { keys: [key.publicJwk], expectedIssuer: 'npm:signed' });
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(matchManifest(verified.manifest, await digestServer(snapshot()))).toEqual([]);
    await client.close();
  });

  it('signs anew when the definitions change, and the old manifest no longer matches', async () => {
    const { client, server, snapshot } = await serverWithManifest(protocolVersion);
    const first = (await client.request('mcpkit/manifest', {})) as unknown as { jws: string };
    server.tool('later', { description: 'Added later.' }, () => ({ content: [] }));
    const second = (await client.request('mcpkit/manifest', {})) as unknown as { jws: string; manifest: { tools: Array<{ name: string }> } };
    expect(second.jws).not.toBe(first.jws);
    expect(second.manifest.tools.map((t) => t.name)).toEqual(['echo', 'later']);
    expect(snapshot().tools).toHaveLength(2);
    await client.close();
  });
});
