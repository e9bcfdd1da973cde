/**
 * `connectHttp()`: Streamable HTTP first (either era), then the deprecated HTTP+SSE transport for servers that
 * predate it (spec 2025-03-26 basic/transports#backwards-compatibility).
 * @module
 */
import { HttpError } from '@mcpkit/protocol';
import type { Client } from './client.js';
import type { ConnectOptions } from './client-types.js';
import type { Negotiated } from './negotiate.js';
import { LegacySseClientTransport } from './transports/legacy-sse.js';
import { StreamableHttpClientTransport, type StreamableHttpClientTransportOptions } from './transports/streamable-http.js';

export interface ConnectHttpOptions extends StreamableHttpClientTransportOptions, ConnectOptions {
  /** Try the legacy HTTP+SSE transport when the URL does not speak Streamable HTTP. Default true. */
  legacyFallback?: boolean;
}

/** Statuses with which a server that only speaks HTTP+SSE answers a POST to its SSE URL. */
const NOT_STREAMABLE = new Set([400, 404, 405]);

/**
 * Connects `client` to an MCP server at `url` over HTTP, picking the transport the server speaks.
 * @throws the Streamable HTTP attempt's error (`MCPKIT_HTTP_ERROR`, `MCPKIT_PROTOCOL_VIOLATION` …) when neither works.
 * @example
 * const { negotiated } = await connectHttp(client, 'http://127.0.0.1:3000/mcp');
 */
export async function connectHttp(
  client: Client,
  url: string | URL,
  options: ConnectHttpOptions = {},
): Promise<{ negotiated: Negotiated; transport: StreamableHttpClientTransport | LegacySseClientTransport }> {
  const streamable = new StreamableHttpClientTransport(url, options);
  try {
    return { negotiated: await client.connect(streamable, options), transport: streamable };
  } catch (error) {
    if (options.legacyFallback === false || !(error instanceof HttpError) || !NOT_STREAMABLE.has(error.status)) throw error;
    const legacy = new LegacySseClientTransport(url, options);
    try {
      return { negotiated: await client.connect(legacy, options), transport: legacy };
    } catch {
      // Not an HTTP+SSE server either: the Streamable HTTP failure says more about what went wrong.
      throw error;
    }
  }
}
