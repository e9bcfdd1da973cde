/**
 * A server's signed manifest, as the trust commands see it: fetched with `mcpkit/manifest` while listing, verified
 * against a pinned signer (the lockfile's `signer`, or `--jwks`/`--issuer`) or, with no signer, against the keys it
 * publishes itself, and compared with what the server serves.
 * @module
 */
import { ProtocolError } from '@mcpkit/protocol';
import { MANIFEST_METHOD, type LockedSigner, type ServerDigests, matchManifest, verifyManifest } from '@mcpkit/trust';
import type { Session } from '../session.js';

/** What `mcpkit/manifest` answered: `{manifest, jws, keys}`, or why there is none. */
export type FetchedManifest = { published: { manifest: unknown; jws: unknown; keys?: unknown } } | { absent: string };

type VerifyKeys = Parameters<typeof verifyManifest>[2]['keys'];

/** Asks the server for its signed manifest; a server that does not publish one answers -32601. */
export async function fetchManifest(session: Session, timeoutMs: number): Promise<FetchedManifest> {
  try {
    const result = await session.client.request(MANIFEST_METHOD, {}, { timeoutMs: Math.min(timeoutMs, 10_000) });
    return { published: result as { manifest: unknown; jws: unknown; keys?: unknown } };
  } catch (error) {
    if (error instanceof ProtocolError && error.code === -32601) return { absent: 'the server publishes no signed manifest' };
    return { absent: `${MANIFEST_METHOD} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The verdict on one server's manifest: the `signature` input of the trust tier, and a one-line account. */
export interface ManifestVerdict {
  signature: 'valid' | 'invalid' | 'absent';
  /** `verified` (by a pinned signer), `self-signed` (by the keys it publishes, none pinned), `invalid`, `absent`. */
  status: 'verified' | 'self-signed' | 'invalid' | 'absent';
  detail: string;
}

/** A pinned signer with its keys at hand (a `jwksUri` is fetched here: https only, as parseLockfile demands). */
export async function signerKeys(signer: LockedSigner, timeoutMs: number): Promise<{ issuer: string; keys: VerifyKeys } | { error: string }> {
  if (signer.keys !== undefined && signer.keys.length > 0) return { issuer: signer.issuer, keys: signer.keys as unknown as VerifyKeys };
  if (signer.jwksUri === undefined) return { error: 'the pinned signer has no keys and no jwksUri' };
  try {
    const response = await fetch(signer.jwksUri, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { error: `${signer.jwksUri}: HTTP ${response.status}` };
    return { issuer: signer.issuer, keys: (await response.json()) as VerifyKeys };
  } catch (error) {
    return { error: `${signer.jwksUri}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Judges a fetched manifest. With a signer, anything but a manifest that signer signed for exactly what is served is
 * `invalid`; without one, a published manifest is checked against its own keys and the definitions (a failure is
 * `invalid` too: a server that signs something else than it serves is anomalous), and a good one is `self-signed`,
 * which proves nothing about who signed it and so does not raise the tier.
 */
export async function judgeManifest(
  fetched: FetchedManifest,
  digests: ServerDigests,
  signer: { issuer: string; keys: VerifyKeys } | { error: string } | undefined,
): Promise<ManifestVerdict> {
  if (signer !== undefined && 'error' in signer) return { signature: 'invalid', status: 'invalid', detail: `the pinned signer's keys are unavailable: ${signer.error}` };
  if ('absent' in fetched) {
    return signer === undefined
      ? { signature: 'absent', status: 'absent', detail: fetched.absent }
      : { signature: 'invalid', status: 'invalid', detail: `a signer is pinned (${signer.issuer}) but ${fetched.absent}` };
  }
  const { manifest, jws, keys } = fetched.published;
  const selfIssuer = typeof (manifest as { server?: unknown } | null)?.server === 'string' ? (manifest as { server: string }).server : '';
  const verifyWith = signer ?? { issuer: selfIssuer, keys: (Array.isArray(keys) ? keys : []) as VerifyKeys };
  const result = await verifyManifest(manifest, typeof jws === 'string' ? jws : '', { keys: verifyWith.keys, expectedIssuer: verifyWith.issuer });
  if (!result.ok) return { signature: 'invalid', status: 'invalid', detail: `its manifest is refused (${result.code}): ${result.reason}` };
  const mismatches = matchManifest(result.manifest, digests);
  if (mismatches.length > 0) {
    const what = mismatches.map((m) => `${m.kind}${m.name === undefined ? '' : ` ${m.name}`}`).slice(0, 5).join(', ');
    return { signature: 'invalid', status: 'invalid', detail: `it serves what its manifest does not sign: ${what}${mismatches.length > 5 ? ', …' : ''}` };
  }
  if (signer === undefined) return { signature: 'absent', status: 'self-signed', detail: `signed by key ${result.kid} for ${result.manifest.server}, a key nobody pinned` };
  return { signature: 'valid', status: 'verified', detail: `signed by ${result.manifest.server} (key ${result.kid}), matching what it serves` };
}
