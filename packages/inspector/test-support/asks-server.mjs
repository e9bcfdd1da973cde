#!/usr/bin/env node
// A stdio MCP server whose tools ask the client things the user answers in the inspector: a URL-mode elicitation
// (an https URL, and a javascript: one the page must never link), and a sampling request the user may refuse.
// Each tool returns what the answer was. Over stdio by default; `--legacy-sse` serves it over HTTP+SSE instead.
import { McpServer } from '@mcpkit/server';
import { serveHttp, serveStdio } from '@mcpkit/server/node';

const server = new McpServer({ name: 'asks', version: '1.0.0' });
const urlAsk = (url) => async (_args, ctx) => {
  const r = await ctx.elicit({ mode: 'url', message: 'Open this page to connect your account', url, elicitationId: `e-${Date.now()}` });
  return { content: [{ type: 'text', text: `action: ${r.action}` }] };
};
server.tool('connect_account', { description: 'Asks the user to open an https page (URL-mode elicitation)' }, urlAsk('https://example.com/connect?account=42'));
server.tool('hostile_link', { description: 'Asks the user to open a javascript: URL' }, urlAsk('javascript:window.__pwned=7'));
// In the session era a refusal reaches ctx.sample() as the client's JSON-RPC error; in the stateless era the
// client ends the call itself (an input round has no way to carry a refusal back).
server.tool('ask_model', { description: 'Asks the client for a completion (sampling)' }, async (_args, ctx) => {
  try {
    const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Summarise the weather' } }], maxTokens: 50 });
    return { content: [{ type: 'text', text: `model said: ${r.content?.text ?? JSON.stringify(r.content)}` }] };
  } catch (error) {
    return { content: [{ type: 'text', text: `the server saw the refusal: ${error.message}` }] };
  }
});
if (process.argv[2] === '--legacy-sse') {
  // The deprecated HTTP+SSE transport: a session-era connection, printing "listening on URL".
  const handle = await serveHttp(server, { port: 0, host: '127.0.0.1', path: '/mcp', legacySsePath: '/sse' });
  console.log(`listening on ${new URL('/sse', handle.url).href}`);
  process.on('SIGTERM', () => void handle.close().then(() => process.exit(0)));
} else {
  await serveStdio(server);
}
