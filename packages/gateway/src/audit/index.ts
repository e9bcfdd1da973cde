/**
 * The gateway's tamper-evident audit log: one hash-chained record per request, in SQLite or PostgreSQL.
 * @module
 */
export { openAuditLog } from './open.js';
export type { OpenAuditLogOptions } from './open.js';
export type { AuditLog, AuditLogOptions, VerifyOptions } from './audit-log.js';
export type { AuditOutcome, AuditRecordInput, StoredAuditRecord } from './record.js';
export { reduceArguments, REDACTED } from './arguments.js';
export type { ArgumentsMode } from './arguments.js';
export { canonicalize } from '@mcpkit/trust';
export type { JsonValue } from '@mcpkit/trust';
export { GENESIS_HASH } from './chain.js';
export type { AuditHead } from './chain.js';
export type { BadRecord, TamperReason, VerifyResult } from './verifier.js';
export type { AuditQuery } from './query.js';
export type { FollowOptions } from './follow.js';
