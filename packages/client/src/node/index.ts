/**
 * @mcpkit/client/node: Node-only transports; the stdio transport that spawns an MCP server, and a fetch over node:http.
 * @module
 */
export { StdioClientTransport } from './stdio.js';
export type { StdioClientTransportOptions } from './stdio.js';
export { createNodeFetch } from './node-fetch.js';
export type { NodeFetchOptions } from './node-fetch.js';
