import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { McpServer } from '@mcpkit/server';
import { type LocalServer, listenLocal, readRequestBody, serveMcp, startSse } from '../../../test/helpers/local-http.js';
import { Client, LegacySseClientTransport, StreamableHttpClientTransport, connectHttp } from './index.js';

const servers: LocalServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A 2024-11-05 HTTP+SSE server: GET on the URL opens the stream; a POST there is 405, as such servers answer. */
async function legacyOnly(): Promise<LocalServer> {
  let stream: ServerResponse | undefined;
  const s = await listenLocal((req, res) => {
    if (req.method === 'GET' && req.url === '/mcp') {
      startSse(res);
      stream = res;
      res.write('event: endpoint\ndata: /messages\n\n');
      return;
    }
    if (req.method === 'POST' && req.url === '/messages') {
      void readRequestBody(req).then((text) => {
        res.writeHead(202).end();
        const m = JSON.parse(text) as { id?: number; method: string; params?: { arguments?: { text?: string } } };
        if (m.id === undefined || !stream) return;
        const reply = (body: object) => stream!.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: m.id, ...body })}\n\n`);
        if (m.method === 'initialize') reply({ result: { protocolVersion: '2024-11-05', capabilities: { tools: {} }, serverInfo: { name: 'old', version: '1' } } });
        else if (m.method === 'tools/call') reply({ result: { content: [{ type: 'text', text: m.params?.arguments?.text ?? '' }] } });
        else reply({ error: { code: -32601, message: 'Method not found' } });
      });
      return;
    }
    res.writeHead(405).end();
  });
  servers.push(s);
  return s;
}

describe('connectHttp', () => {
  it('uses Streamable HTTP when the server speaks it', async () => {
    const mcp = new McpServer({ name: 'new', version: '1' });
    mcp.tool('echo', { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } }, (a) => ({ content: [{ type: 'text', text: String(a.text) }] }));
    const s = await serveMcp(mcp);
    servers.push(s);
    const client = new Client({ name: 't', version: '1' });
    clients.push(client);
    const { negotiated, transport } = await connectHttp(client, s.url);
    expect(transport).toBeInstanceOf(StreamableHttpClientTransport);
    expect(negotiated.protocolVersion).toBe('2026-07-28');
  });

  it('falls back to HTTP+SSE for a server that predates Streamable HTTP', async () => {
    const s = await legacyOnly();
    const client = new Client({ name: 't', version: '1' });
    clients.push(client);
    const { negotiated, transport } = await connectHttp(client, s.url);
    expect(transport).toBeInstanceOf(LegacySseClientTransport);
    expect(negotiated).toMatchObject({ era: 'session', protocolVersion: '2024-11-05' });
    const result = await client.callTool('echo', { text: 'old but gold' });
    expect(result.content).toEqual([{ type: 'text', text: 'old but gold' }]);
  });

  it('reports the Streamable HTTP failure when neither transport works, and can skip the fallback', async () => {
    const s = await listenLocal((_req, res) => void res.writeHead(404).end('nothing here'));
    servers.push(s);
    const client = new Client({ name: 't', version: '1' });
    clients.push(client);
    await expect(connectHttp(client, s.url)).rejects.toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 404 });
    const gets = () => s.seen.filter((r) => r.method === 'GET').length;
    const before = gets();
    await expect(connectHttp(client, s.url, { legacyFallback: false })).rejects.toMatchObject({ status: 404 });
    expect(gets()).toBe(before);
  });
});
