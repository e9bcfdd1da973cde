import { createInterface } from 'node:readline/promises';
import { Agent, AnthropicProvider, McpHost, ToolApprovals } from '@mcpkit/host';

// ANTHROPIC_API_KEY=… node agent.js "What is the weather in Paris?" npx mcpkit-weather
const [prompt = 'What can you do?', command = 'npx', ...args] = process.argv.slice(2);
const host = new McpHost({ clientInfo: { name: 'agent-example', version: '1.0.0' } });
host.add({ name: 'server', transport: 'stdio', command, args, env: {} });
await host.connectAll();
const terminal = createInterface({ input: process.stdin, output: process.stderr });
const approvals = new ToolApprovals({
  ask: async ({ name, arguments: input }) => ((await terminal.question(`Run ${name} ${JSON.stringify(input)}? [y/N] `)).trim() === 'y' ? 'once' : 'deny'),
});
const agent = new Agent({ host, provider: new AnthropicProvider(), approvals, maxToolCallsPerTurn: 10 });
console.log((await agent.send(prompt)).text);
terminal.close();
await host.close();
