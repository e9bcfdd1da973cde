/**
 * @mcpkit/client/host: loads the MCP server lists of Claude Desktop, Claude Code, VS Code and Cursor, and runs
 * many servers behind one catalogue with namespaced tool names (Node only: it reads files and spawns processes).
 * @module
 */
export { loadHostConfig } from './load-config.js';
export { parseHostConfig } from './parse-config.js';
export type {
  HostConfigFormat,
  HostConfigInput,
  HostConfigOptions,
  ParseHostConfigOptions,
  RemoteServerConfig,
  ServerConfig,
  StdioServerConfig,
} from './types.js';
export { ConfigError } from './config-error.js';
export type { ConfigErrorDetails } from './config-error.js';
export { namespaceToolName, MAX_TOOL_NAME_LENGTH, NameTable } from './tool-names.js';
export type { QualifiedName } from './tool-names.js';
export { McpHost } from './mcp-host.js';
export type { HostPrompt, HostResource, HostTool, McpHostEvents, McpHostOptions } from './mcp-host.js';
export type { CatalogueGuard, CatalogueKind, GuardDecision, GuardListing, ServerStatus } from './server-connection.js';
export { QuarantinedError, QUARANTINED } from './quarantined-error.js';
export type { ReconnectPolicy } from './backoff.js';
export { backoffDelay } from './backoff.js';
export { createServerTransport } from './transports.js';
