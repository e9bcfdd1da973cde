import { McpServer } from '@mcpkit/server';
import { serveHttp, serveStdio } from '@mcpkit/server/node';
import { z } from 'zod';

const server = new McpServer({ name: 'hello', version: '1.0.0' });
server.tool('greet', { description: 'Greets someone', inputSchema: { name: z.string() } },
  ({ name }) => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }));

const port = process.argv.indexOf('--http');
if (port > 0) console.log((await serveHttp(server, { port: Number(process.argv[port + 1] ?? 3000) })).url);
else await serveStdio(server);
