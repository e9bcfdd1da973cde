/**
 * An official SDK v2 server (`@modelcontextprotocol/server` 2.4.0 + `@modelcontextprotocol/node`) for the client
 * interop suite, built the way bench/servers/official-v2.mjs builds it. Usage: `stdio` | `http` (port chosen by the
 * OS; prints `listening on http://127.0.0.1:PORT/mcp` on stderr).
 *
 * stdio: `serveStdio(factory)`, whose opening exchange picks the era (`server/discover` → 2026-07-28, `initialize`
 * → a connection pinned to the 2025 era). HTTP, one endpoint for both eras: `createMcpHandler(factory, { legacy:
 * 'reject' })` for 2026-07-28, and `isLegacyRequest` routing 2025-era traffic to a sessionful
 * WebStandardStreamableHTTPServerTransport (one McpServer per session).
 *
 * The tools that need client input are written once, the v2 way: they return `inputRequired(...)` and read the
 * answer from `ctx.mcpReq.inputResponses` when they run again. v2 serves that per era: on 2026-07-28 the
 * `input_required` result goes to the client (multi round-trip requests); on a 2025-era connection v2's "legacy
 * shim" turns each input request into a real server-to-client request on the session and re-enters the handler
 * with the answer.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  McpServer,
  WebStandardStreamableHTTPServerTransport,
  acceptedContent,
  createMcpHandler,
  inputRequired,
  inputResponse,
  isInitializeRequest,
  isLegacyRequest,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

/** The weather the `weather` tool reports, per city. */
const WEATHER = {
  Paris: { temperature: 18, conditions: 'Cloudy', humidity: 71 },
  Lima: { temperature: 24, conditions: 'Sunny', humidity: 60 },
};

const personSchema = z.object({ name: z.string(), age: z.number().int() });

function build() {
  const server = new McpServer({ name: 'official-v2-interop', version: '2.4.0' });

  server.registerTool('echo', { description: 'Echoes its text back', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
  }));

  server.registerTool(
    'weather',
    {
      description: 'The weather in a city, as structured content',
      inputSchema: z.object({ city: z.enum(['Paris', 'Lima']) }),
      outputSchema: z.object({ temperature: z.number(), conditions: z.string(), humidity: z.number() }),
    },
    async ({ city }) => {
      const weather = WEATHER[city];
      return { content: [{ type: 'text', text: JSON.stringify(weather) }], structuredContent: weather };
    },
  );

  server.registerTool('greet', { description: 'Asks the user who they are, then greets them', inputSchema: z.object({}) }, async (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'who');
    if (answer.kind === 'missing') {
      return inputRequired({
        inputRequests: { who: inputRequired.elicit({ message: 'Who are you?', requestedSchema: personSchema }) },
      });
    }
    if (answer.kind !== 'elicit' || answer.action !== 'accept') {
      return { content: [{ type: 'text', text: `no greeting (${answer.kind === 'elicit' ? answer.action : answer.kind})` }] };
    }
    const person = acceptedContent(ctx.mcpReq.inputResponses, 'who', personSchema);
    if (!person) return { content: [{ type: 'text', text: 'the answer broke the schema' }], isError: true };
    return { content: [{ type: 'text', text: `Hello, ${person.name} (${person.age})` }] };
  });

  server.registerTool(
    'summarize',
    { description: "Asks the client's model to summarize a text", inputSchema: z.object({ text: z.string() }) },
    async ({ text }, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'llm');
      if (answer.kind === 'missing') {
        return inputRequired({
          inputRequests: {
            llm: inputRequired.createMessage({
              messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }],
              maxTokens: 50,
            }),
          },
        });
      }
      if (answer.kind !== 'sampling') return { content: [{ type: 'text', text: `expected a sampling answer, got ${answer.kind}` }], isError: true };
      const { content, model } = answer.result;
      const reply = Array.isArray(content) ? content.find((c) => c.type === 'text') : content;
      return { content: [{ type: 'text', text: `${model} says: ${reply?.type === 'text' ? reply.text : '?'}` }] };
    },
  );

  server.registerTool(
    'countdown',
    { description: 'Counts down from `from`, one progress notification per step', inputSchema: z.object({ from: z.number().int().min(1).max(10) }) },
    async ({ from }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= from; i++) {
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: i, total: from, message: `${from - i} left` } });
        }
      }
      return { content: [{ type: 'text', text: 'liftoff' }] };
    },
  );

  return server;
}

const mode = process.argv[2];
if (mode === 'stdio') {
  serveStdio(() => build(), { onerror: (error) => console.error('official-v2 interop server (stdio):', error) });
} else if (mode === 'http') {
  const modern = createMcpHandler(() => build(), {
    legacy: 'reject',
    onerror: (error) => console.error('official-v2 interop server (modern):', error),
  });
  const sessions = new Map();
  const jsonError = (status, message) => Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status });

  const legacy = async (request, parsedBody) => {
    const sid = request.headers.get('mcp-session-id');
    const known = sid === null ? undefined : sessions.get(sid);
    if (known) return known.handleRequest(request, { parsedBody });
    if (sid === null && request.method === 'POST' && isInitializeRequest(parsedBody)) {
      const transport = new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await build().connect(transport);
      return transport.handleRequest(request, { parsedBody });
    }
    return sid === null ? jsonError(400, 'Bad Request: no session') : jsonError(404, 'Session not found');
  };

  const app = {
    async fetch(request) {
      const parsedBody = request.method === 'POST' ? await request.json().catch(() => undefined) : undefined;
      if (await isLegacyRequest(request, parsedBody)) return legacy(request, parsedBody);
      return modern.fetch(request, { parsedBody });
    },
  };
  const httpServer = createServer(toNodeHandler(app, { onerror: (e) => console.error('official-v2 interop server:', e) }));
  httpServer.listen(0, '127.0.0.1', () => console.error(`official v2 interop server listening on http://127.0.0.1:${httpServer.address().port}/mcp`));
  process.on('SIGTERM', () => process.exit(0));
} else {
  console.error('usage: official-v2-server.mjs stdio | http');
  process.exit(2);
}
