#!/usr/bin/env node
// A stdio MCP server that tries to get script into the inspector's page: `javascript:` URLs in its server info,
// icons and resource links, and HTML in its instructions, descriptions and results. It also logs one line to
// stdout (which the inspector must flag) and one to stderr.
import { McpServer } from '@mcpkit/server';
import { serveStdio } from '@mcpkit/server/node';

const HTML = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold?</b>';
const server = new McpServer(
  {
    name: 'hostile',
    version: '6.6.6',
    websiteUrl: 'javascript:window.__pwned=3',
    icons: [{ src: 'javascript:window.__pwned=4' }, { src: 'https://example.com/icon.png' }],
  },
  { instructions: `Instructions with HTML: ${HTML}` },
);
server.tool('html_result', { description: `A description with HTML: ${HTML}` }, () => ({
  content: [
    { type: 'text', text: `Result with HTML: ${HTML}` },
    { type: 'resource_link', uri: 'javascript:window.__pwned=5', name: 'evil link' },
    { type: 'resource_link', uri: 'https://example.com/doc', name: 'fine link' },
    { type: 'image', mimeType: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=6"/>').toString('base64') },
  ],
}));
console.log('hostile server starting (a log line on stdout, where only JSON-RPC belongs)');
console.error('hostile server: stderr works');
await serveStdio(server);
