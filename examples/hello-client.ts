import { Client } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

const client = new Client({ name: 'hello-client', version: '1.0.0' }, {
  handlers: { elicitation: async () => ({ action: 'decline' }) },
});
const server = await client.connect(new StdioClientTransport({ command: 'node', args: [process.argv[2] ?? 'hello-server.js'] }));
console.log(`connected: ${server.era} era, protocol ${server.protocolVersion}`);
const result = await client.callTool('greet', { name: 'Ada' });
console.log(result.content[0]?.type === 'text' ? result.content[0].text : result);
await client.close();
