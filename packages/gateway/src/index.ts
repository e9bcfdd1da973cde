/**
 * @mcpkit/gateway: many MCP servers behind one endpoint, with API keys, scopes, OAuth, rate limits and a
 * tamper-evident audit log.
 * @module
 */
export { startGateway } from './gateway.js';
export type { GatewayHandle, GatewayOptions } from './gateway.js';
export { GatewayMetrics } from './metrics.js';
export { createLogger, silentLogger } from './log.js';
export type { Logger } from './log.js';
export { Upstream } from './upstream/upstream.js';
export type { UpstreamState, UpstreamCatalogue } from './upstream/upstream.js';
export {
  GatewayConfigError,
  GATEWAY_CONFIG_INVALID,
  loadGatewayConfig,
  parseGatewayConfig,
  watchGatewayConfig,
  gatewayConfigSchema,
  renderConfigReference,
  parseDuration,
} from './config/index.js';
export type {
  GatewayConfig,
  GatewayConfigProblem,
  GatewayConfigWatcher,
  UpstreamEntry,
  ConfigKey,
  RateLimitRule,
  AuditConfig,
  AuditStoreConfig,
  OAuthConfig,
  RouteConfig,
  StorageConfig,
  SessionsConfig,
} from './config/index.js';
export { openAuditLog, reduceArguments } from './audit/index.js';
export type { AuditLog, AuditRecordInput, StoredAuditRecord, VerifyResult, AuditQuery } from './audit/index.js';
export { SqliteKeyStore, MemoryKeyStore, KeyVerifier, Authorizer, RateLimiter, ConcurrencyLimiter, generateApiKey, hashApiKey } from './security/index.js';
export type { KeyStore, KeyRecord, CreatedKey, RateLimitStore } from './security/index.js';
export { openKeyStore, openGatewayStores } from './store/open.js';
export type { GatewayStores, OpenGatewayStoresOptions } from './store/open.js';
export { MemoryChangeBus, MemoryChangeHub } from './store/change-bus.js';
export type { ChangeBus, ChangeListener, ChangeMessage } from './store/change-bus.js';
export { openPinStore, openConfigRevisions, openStateStores } from './store/open-state.js';
export type { StateStores } from './store/open-state.js';
export { LockfilePinStore } from './store/lockfile-pin-store.js';
export type { PinStore, PinStoreKind, PinChange } from './store/pin-store.js';
export type { ConfigRevision, ConfigRevisionSummary, ConfigRevisionStore, NewConfigRevision } from './store/config-revisions.js';
export const GATEWAY_VERSION = '0.1.0';
