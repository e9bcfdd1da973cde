/**
 * @mcpkit/client/node: Node-only transports; the stdio transport that spawns an MCP server.
 * @module
 */
export { StdioClientTransport } from './stdio.js';
export type { StdioClientTransportOptions } from './stdio.js';
