/**
 * Test harness: the client's stand-in OAuth authorization server (it approves every request, as in the
 * `mcpkit login` tests) and a real McpServer behind a gate that answers 401 with a `resource_metadata` challenge
 * to anything but a token that server issued, both listening on 127.0.0.1.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer, createHttpHandler } from '@mcpkit/server';
import { type MockAuthorizationServer, type MockAuthorizationServerOptions, createMockAuthorizationServer } from '../../client/src/auth/test-support/mock-authorization-server.js';

export interface ProtectedMcp {
  as: MockAuthorizationServer;
  /** The MCP endpoint, http://127.0.0.1:PORT/mcp. */
  url: string;
  /** Every Authorization header value the gate let through. */
  admitted: string[];
  close(): Promise<void>;
}

async function listen(target: { handle(request: Request): Promise<Response>; origin: string }, servers: Server[]): Promise<void> {
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

/** Starts the authorization server and the protected MCP server (one tool, `whoami`); `open` lets everyone in. */
export async function startProtectedMcp(asOptions: MockAuthorizationServerOptions = {}, gateOptions: { open?: boolean } = {}): Promise<ProtectedMcp> {
  const servers: Server[] = [];
  const as = createMockAuthorizationServer({ refresh: true, ...asOptions });
  await listen(as, servers);
  const mcp = new McpServer({ name: 'guarded', version: '1.0.0' }, { onError: () => undefined });
  mcp.tool('whoami', { description: 'Says who is signed in' }, () => ({ content: [{ type: 'text', text: 'a signed-in user' }] }));
  const handler = createHttpHandler(mcp);
  const admitted: string[] = [];
  const gate = {
    origin: '',
    async handle(request: Request): Promise<Response> {
      const url = new URL(request.url);
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') return Response.json({ resource: `${gate.origin}/mcp`, authorization_servers: [as.issuer] });
      const authorization = request.headers.get('authorization') ?? '';
      if (!gateOptions.open && !as.tokens.has(authorization.replace(/^Bearer /, ''))) {
        return new Response(null, { status: 401, headers: { 'www-authenticate': `Bearer resource_metadata="${gate.origin}/.well-known/oauth-protected-resource/mcp"` } });
      }
      admitted.push(authorization);
      return handler(request);
    },
  };
  await listen(gate, servers);
  return {
    as,
    url: `${gate.origin}/mcp`,
    admitted,
    close: async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  };
}
