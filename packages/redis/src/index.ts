/**
 * @mcpkit/redis: Redis backends for mcpkit's HTTP server, so an `McpServer` runs as many replicas behind a
 * plain load balancer: shared session revocations, a cross-replica session bus, shared session state (log
 * level, subscriptions), resumable SSE events; and a shared single-flight cache (a value many replicas need,
 * computed by one).
 * @module
 */
export { redisSessionSharing } from './session-sharing.js';
export type { RedisSessionSharing, RedisSessionSharingOptions } from './session-sharing.js';
export { RedisSessionRevocations } from './session-revocations.js';
export { RedisSessionMessageBus } from './session-message-bus.js';
export { RedisSessionStateStore } from './session-state-store.js';
export { RedisEventStore } from './event-store.js';
export { RedisTaskStore } from './task-store.js';
export { RedisSingleFlightCache } from './single-flight-cache.js';
export type { RedisSingleFlightCacheOptions, SingleFlightResult, SingleFlightWant } from './single-flight-cache.js';
export type { RedisEventStoreOptions } from './event-store.js';
export { connectRedis, redactUrl } from './connect.js';
export type { ConnectRedisOptions, RedisClient } from './connect.js';
export type { RedisKeyOptions } from './options.js';
