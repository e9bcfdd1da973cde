/**
 * Test support (not part of the public API): the mock authorization and resource servers, built together.
 * Listening is left to the test (node:http stays out of this package's non-test files).
 * @module
 */
import { type MockAuthorizationServer, type MockAuthorizationServerOptions, createMockAuthorizationServer } from './mock-authorization-server.js';
import { type MockResourceServer, type MockResourceServerOptions, createMockResourceServer } from './mock-resource-server.js';

export type { MockAuthorizationServer, MockResourceServer };

/** An authorization server and a resource server that trusts it, not yet listening. */
export function createMockPair(asOptions: MockAuthorizationServerOptions = {}, rsOptions: MockResourceServerOptions = {}): { as: MockAuthorizationServer; rs: MockResourceServer } {
  const as = createMockAuthorizationServer(asOptions);
  return { as, rs: createMockResourceServer(as, rsOptions) };
}

/** A JSON-RPC request body for `method`. */
export function rpc(method: string, id = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method });
}
