/**
 * Protocol revisions, their eras, and version negotiation.
 * @module
 */

/** Every released revision, oldest first. */
export const PROTOCOL_REVISIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25', '2026-07-28'] as const;
export type ProtocolRevision = (typeof PROTOCOL_REVISIONS)[number];

/** Revisions with the `initialize` handshake and sessions. */
export const SESSION_REVISIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'] as const;
/** Revisions without a handshake, where every request carries its own `_meta`. */
export const STATELESS_REVISIONS = ['2026-07-28'] as const;

export type SessionRevision = (typeof SESSION_REVISIONS)[number];
export type StatelessRevision = (typeof STATELESS_REVISIONS)[number];
export type Era = 'session' | 'stateless';

export const LATEST_SESSION_REVISION: SessionRevision = '2025-11-25';
export const LATEST_REVISION: ProtocolRevision = '2026-07-28';

const sessionSet: ReadonlySet<string> = new Set(SESSION_REVISIONS);
const statelessSet: ReadonlySet<string> = new Set(STATELESS_REVISIONS);

export function isSessionRevision(v: unknown): v is SessionRevision {
  return typeof v === 'string' && sessionSet.has(v);
}
export function isStatelessRevision(v: unknown): v is StatelessRevision {
  return typeof v === 'string' && statelessSet.has(v);
}
export function isKnownRevision(v: unknown): v is ProtocolRevision {
  return isSessionRevision(v) || isStatelessRevision(v);
}

/** The era a revision belongs to, or undefined for an unknown string. */
export function eraOf(revision: string): Era | undefined {
  if (sessionSet.has(revision)) return 'session';
  if (statelessSet.has(revision)) return 'stateless';
  return undefined;
}

/**
 * The session-era revision a server answers `initialize` with: the client's if supported, else the newest
 * the server supports (spec 2025-11-25 basic/lifecycle#version-negotiation).
 */
export function negotiateSessionRevision(
  requested: unknown,
  supported: readonly string[] = SESSION_REVISIONS,
): string {
  if (typeof requested === 'string' && supported.includes(requested)) return requested;
  return supported[supported.length - 1] ?? LATEST_SESSION_REVISION;
}

/** True when revision `a` is the same as or newer than `b` (revisions are ISO dates). */
export function revisionAtLeast(a: string, b: string): boolean {
  return a >= b;
}
