/**
 * @mcpkit/gateway: many MCP servers behind one endpoint, with API keys, scopes, OAuth, rate limits and a
 * tamper-evident audit log.
 * @module
 */
export const GATEWAY_VERSION = '0.1.0';
