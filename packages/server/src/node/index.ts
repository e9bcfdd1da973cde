/**
 * @mcpkit/server/node: Node-only transports: stdio and the node:http adapter.
 * @module
 */
export { StdioServerTransport } from './stdio.js';
export type { StdioServerTransportOptions } from './stdio.js';
export { toNodeListener } from './http.js';
export { serveHttp } from './serve-http.js';
export { serveHttpOrExit, listenProblem } from './serve-http-or-exit.js';
export type { ServeHttpOptions, HttpServerHandle, NodeListener } from './serve-http.js';
export { serveStdio } from './serve-stdio.js';
export type { ServeStdioOptions } from './serve-stdio.js';
