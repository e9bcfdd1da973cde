/**
 * The gateway's `mcp.yaml`: its schema, loader, hot reload and generated reference.
 * @module
 */
export { GatewayConfigError, GATEWAY_CONFIG_INVALID, formatProblem } from './errors.js';
export type { GatewayConfigProblem } from './errors.js';
export { parseGatewayConfig } from './parse.js';
export type { ParseGatewayConfigOptions, ConfigFileReader } from './parse.js';
export { loadGatewayConfig } from './load.js';
export type { LoadGatewayConfigOptions } from './load.js';
export { watchGatewayConfig } from './watch.js';
export type { WatchGatewayConfigOptions, GatewayConfigWatcher, SignalSource } from './watch.js';
export { gatewayConfigSchema } from './schema.js';
export type { JsonSchemaObject } from './schema.js';
export { renderConfigReference } from './reference.js';
export { parseDuration, MAX_DURATION_MS } from './duration.js';
export { isLoopbackHost } from './checks.js';
export { CONFIG_DEFAULTS } from './defaults.js';
export type {
  GatewayConfig,
  UpstreamConfig,
  UpstreamEntry,
  UpstreamPolicy,
  StdioUpstreamConfig,
  HttpUpstreamConfig,
  UpstreamAuthConfig,
  ConfigKey,
  RateLimitRule,
  AuditConfig,
  AuditStoreConfig,
  OAuthConfig,
  RouteConfig,
  TrustConfig,
  StorageConfig,
  SessionsConfig,
} from './types.js';
