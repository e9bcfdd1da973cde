/**
 * How the gateway reaches one upstream: the client it makes for it, and the connection that client opens
 * (a child process for stdio; Streamable HTTP over node:http with the upstream's headers and auth).
 * @module
 */
import { Client, connectHttp } from '@mcpkit/client';
import { createNodeFetch, StdioClientTransport } from '@mcpkit/client/node';
import type { UpstreamEntry } from '../config/types.js';
import type { Logger } from '../log.js';
import { upstreamAuthHeaders } from './upstream-auth.js';
import { REFUSING } from './upstream-failures.js';

// node:http with keep-alive agents: about half the CPU per call of the global fetch (one set of agents for all upstreams).
const upstreamFetch = createNodeFetch();

/** A client for the upstream `config` describes, not connected yet. */
export function upstreamClient(config: UpstreamEntry): Client {
  return new Client(
    { name: 'mcpkit-gateway', version: '0.1.0' },
    {
      handlers: REFUSING,
      // The gateway keeps each catalogue itself and must see what the upstream serves now (silent changes).
      cache: false,
      // 2026-07-28 upstreams announce list changes only on a subscriptions/listen stream.
      watchLists: true,
      capabilities: { elicitation: { form: {}, url: {} }, sampling: {}, roots: { listChanged: true } },
      requestTimeoutMs: config.timeoutMs,
    },
  );
}

/**
 * Connects `client` to the upstream `config` describes (stdio: starts its process, whose stderr goes to `log`
 * at debug level).
 */
export function connectUpstream(client: Client, config: UpstreamEntry, log: Logger): Promise<unknown> {
  if (config.transport === 'stdio') {
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: config.env,
      ...(config.cwd === undefined ? {} : { cwd: config.cwd }),
      stderr: 'capture',
    });
    transport.onstderr = (chunk: string) => log.debug({ stderr: chunk.slice(0, 2000) }, 'upstream stderr');
    return client.connect(transport, { timeoutMs: Math.max(config.timeoutMs, 10_000) });
  }
  const auth = config.auth;
  const fixed = config.headers;
  const headers = auth.type === 'none' ? fixed : async () => ({ ...fixed, ...(await upstreamAuthHeaders(auth)) });
  return connectHttp(client, config.url, { headers, fetch: upstreamFetch, timeoutMs: Math.max(config.timeoutMs, 10_000) });
}
