/**
 * @mcpkit/server/node: Node-only transports: stdio and the node:http adapter.
 * @module
 */
export { StdioServerTransport } from './stdio.js';
export type { StdioServerTransportOptions } from './stdio.js';
export { serveHttp, toNodeListener } from './http.js';
export type { ServeHttpOptions, HttpServerHandle } from './http.js';
export { serveStdio } from './serve-stdio.js';
export type { ServeStdioOptions } from './serve-stdio.js';
