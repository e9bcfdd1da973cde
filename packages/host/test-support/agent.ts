// Real MCP servers over stdio and an Agent against the LLM double, for the loop tests.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McpHost, type ServerConfig } from '../src/index.js';
import { AnthropicProvider } from '../src/providers/anthropic.js';
import { OpenAiProvider } from '../src/providers/openai.js';
import type { ModelProvider } from '../src/providers/types.js';
import type { LlmDouble } from '../src/testing/index.js';
import { agentClientOptions } from '../src/agent/sampling.js';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const everythingBin = join(root, 'servers', 'everything', 'dist', 'bin.js');
export const weatherBin = join(root, 'servers', 'weather', 'dist', 'bin.js');

export function stdio(name: string, bin: string, ...args: string[]): ServerConfig {
  return { name, transport: 'stdio', command: process.execPath, args: [bin, ...args], env: {} };
}

/** A connected host; fails if a server did not connect. */
export async function connectedHost(configs: ServerConfig[]): Promise<McpHost> {
  const host = new McpHost({ clientInfo: { name: 'mcpkit-host-test', version: '0.0.0' }, reconnect: false, clientOptions: agentClientOptions() });
  host.addAll(configs);
  const statuses = await host.connectAll();
  for (const [name, status] of Object.entries(statuses)) {
    if (status.state !== 'connected') {
      await host.close();
      throw new Error(`server ${name} did not connect: ${JSON.stringify(status)}`);
    }
  }
  return host;
}

const fast = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 2_000 };
export function provider(api: 'anthropic' | 'openai', llm: LlmDouble): ModelProvider {
  return api === 'anthropic'
    ? new AnthropicProvider({ baseUrl: llm.url, apiKey: 'test-key', model: 'claude-double', retry: fast })
    : new OpenAiProvider({ baseUrl: llm.openAiUrl, apiKey: 'test-key', model: 'gpt-double', retry: fast });
}
