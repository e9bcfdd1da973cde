import { expect, it } from 'vitest';
import * as security from './index.js';

it('exports the security primitives by name', () => {
  expect(Object.keys(security).sort()).toEqual(
    [
      'API_KEY_PREFIX', 'Authorizer', 'CONCURRENCY_LIMITED', 'ConcurrencyLimitError', 'ConcurrencyLimiter', 'FailureTracker',
      'GlobSet', 'KeyVerifier', 'MAX_API_KEY_BYTES', 'MemoryKeyStore', 'MemoryRateLimitStore', 'NAMESPACE_SEPARATOR',
      'RATE_LIMITED', 'RateLimitedError', 'RateLimiter', 'SCOPE_DENIED', 'ScopeDeniedError', 'SqliteKeyStore',
      'apiKeyProblem', 'assertGcraRate', 'assertServerName', 'compileGlob', 'failureSourceOf', 'gcraAfter', 'gcraWait',
      'generateApiKey', 'generateKeyId', 'hashApiKey', 'isValidKeyId', 'isValidServerName', 'nameProblem', 'prepareKey',
      'splitNamespaced',
    ].sort(),
  );
});
