/**
 * The gateway's security primitives: API keys and their stores, scopes, rate limits, concurrency limits, and
 * the typed refusals the gateway turns into JSON-RPC errors.
 * @module
 */
export { API_KEY_PREFIX, MAX_API_KEY_BYTES, apiKeyProblem, generateApiKey, generateKeyId, hashApiKey, isValidKeyId } from './api-keys.js';
export { MemoryKeyStore, prepareKey } from './key-store.js';
export type { CreatedKey, KeyRecord, KeyStore, NewKeyOptions } from './key-store.js';
export { SqliteKeyStore } from './sqlite-key-store.js';
export type { SqliteKeyStoreOptions } from './sqlite-key-store.js';
export { KeyVerifier } from './key-verifier.js';
export type { KeyVerification, KeyVerifierOptions } from './key-verifier.js';
export { FailureTracker, failureSourceOf } from './failure-tracker.js';
export type { FailureTrackerOptions, FailureVerdict } from './failure-tracker.js';
export { GlobSet, compileGlob } from './glob.js';
export type { GlobMatcher } from './glob.js';
export { NAMESPACE_SEPARATOR, assertServerName, isValidServerName, nameProblem, splitNamespaced } from './names.js';
export type { SplitName } from './names.js';
export { Authorizer } from './scopes.js';
export type { AuthorizeResult } from './scopes.js';
export { assertGcraRate, gcraAfter, gcraWait } from './gcra.js';
export type { GcraRate } from './gcra.js';
export { MemoryRateLimitStore } from './rate-limit-store.js';
export type { MemoryRateLimitStoreOptions, RateLimitCell, RateLimitStore, RateLimitTake } from './rate-limit-store.js';
export { RateLimiter } from './rate-limit.js';
export type { RateLimitCheck, RateLimitOutcome, RateLimitRequest, RateLimiterOptions } from './rate-limit.js';
export { ConcurrencyLimiter } from './concurrency.js';
export type { ConcurrencyLimiterOptions, LimiterTimers, Release } from './concurrency.js';
export { CONCURRENCY_LIMITED, ConcurrencyLimitError, RATE_LIMITED, RateLimitedError, SCOPE_DENIED, ScopeDeniedError } from './errors.js';
export type { ConcurrencyRefusal, TargetKind } from './errors.js';
