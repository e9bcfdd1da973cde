/**
 * The transport for a normalized server entry: a child process for stdio, Streamable HTTP or legacy SSE.
 * @module
 */
import type { Transport } from '@mcpkit/protocol';
import { LegacySseClientTransport, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import type { ServerConfig } from '../config/types.js';

/**
 * Creates the transport a configuration entry describes. A stdio server sees the entry's `env` on top of the
 * stdio transport's short allow-list of this process's variables (PATH, HOME, …), not the whole environment.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for an empty command.
 */
export function createServerTransport(config: ServerConfig): Transport {
  switch (config.transport) {
    case 'stdio': {
      const { command, args, env, cwd } = config;
      return new StdioClientTransport(cwd === undefined ? { command, args, env } : { command, args, env, cwd });
    }
    case 'http':
      return new StreamableHttpClientTransport(config.url, { headers: config.headers });
    case 'sse':
      return new LegacySseClientTransport(config.url, { headers: config.headers });
  }
}
