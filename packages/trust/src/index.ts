/**
 * @mcpkit/trust: digests of MCP definitions, lockfiles and drift reports, signed manifests, scanner rules and
 * response guardrails, as pure functions (no I/O of their own; Web APIs only).
 * @module
 */
export const TRUST_VERSION = '0.1.0';

export { canonicalize, canonicalNumber } from './jcs.js';
export type { JsonValue } from './jcs.js';
