/**
 * @mcpkit/client: the MCP client SDK. Connects in whichever era the server speaks (2026-07-28 first, then
 * the session era), with one handler API for sampling, elicitation and roots. Node-only transports (stdio)
 * are in `@mcpkit/client/node`; OAuth in `./auth`; host configuration loading in `./host`.
 * @module
 */
export { Client } from './client.js';
export type { ClientOptions, CallOptions, ClientEvents } from './client.js';
export type { ClientHandlers, InputContext } from './handlers.js';
export type { Negotiated } from './negotiate.js';
