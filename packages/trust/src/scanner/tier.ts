/**
 * Trust tiers: one word per server from how it authenticates, whether its signed manifest verified, and what the
 * scanner found.
 *
 * The rule, first match wins (`max` is the highest finding severity):
 * 1. `untrusted`  — the signature is invalid, or `max` is critical, or the server has no authentication and
 *                   `max` is high ("no authentication and suspicious behaviour");
 * 2. `suspicious` — `max` is high (with authentication present or unknown), or there is no authentication and
 *                   `max` is medium;
 * 3. `trusted`    — the signature is valid, authentication is present and `max` is at most low;
 * 4. `verified`   — the signature is valid (anything else that reached here: medium findings, or no or unknown auth);
 * 5. `unverified` — everything else (no signature; `max` at most medium).
 * Stdio servers have no authentication of their own: pass `auth: 'unknown'` (they can reach `verified`, not `trusted`).
 * @module
 */
import type { Finding } from '../snapshot.js';
import { maxSeverity, severityRank } from './severity.js';

export type TrustTier = 'trusted' | 'verified' | 'unverified' | 'suspicious' | 'untrusted';

export interface TierInput {
  /** `none`: an unauthenticated request was served; `present`: it was refused (401/403); `unknown`: not probed or not HTTP. */
  auth: 'none' | 'present' | 'unknown';
  /** The server's signed manifest: verified, failed to verify, or not offered. */
  signature: 'valid' | 'invalid' | 'absent';
  findings: readonly Finding[];
}

export interface TierDecision {
  tier: TrustTier;
  /** Why, in one sentence. */
  reason: string;
}

/**
 * The tier and the reason for it (see the module comment for the exact rule).
 * @example
 * explainTier({ auth: 'none', signature: 'absent', findings }).tier; // 'untrusted' when a finding is high
 */
export function explainTier(input: TierInput): TierDecision {
  const max = maxSeverity(input.findings);
  const rank = max === undefined ? -1 : severityRank(max);
  const high = severityRank('high');
  const medium = severityRank('medium');
  if (input.signature === 'invalid') return { tier: 'untrusted', reason: 'its signed manifest does not verify' };
  if (max === 'critical') return { tier: 'untrusted', reason: 'a critical finding' };
  if (rank >= high && input.auth === 'none') return { tier: 'untrusted', reason: 'no authentication and suspicious behaviour (a high finding)' };
  if (rank >= high) return { tier: 'suspicious', reason: 'a high finding' };
  if (rank >= medium && input.auth === 'none') return { tier: 'suspicious', reason: 'no authentication and a medium finding' };
  if (input.signature === 'valid' && input.auth === 'present' && rank < medium) return { tier: 'trusted', reason: 'signed, authenticated, nothing above low' };
  if (input.signature === 'valid') return { tier: 'verified', reason: `signed${rank >= medium ? ', with medium findings' : ''}${input.auth === 'present' ? '' : `, authentication ${input.auth}`}` };
  return { tier: 'unverified', reason: `no signed manifest${rank >= medium ? ', medium findings' : ''}` };
}

/** The trust tier of a server (see the module comment for the exact rule). */
export function computeTier(input: TierInput): TrustTier {
  return explainTier(input).tier;
}
