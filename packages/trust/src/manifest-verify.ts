/**
 * Verifying a signed manifest: the shape, the algorithm (an allow-list: never `none`, never a MAC), the key by `kid`,
 * the detached signature over the manifest's JCS form, the issuer, and the validity window. Also: does a server
 * serve what its manifest lists?
 * @module
 */
import { base64url, calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { canonicalize } from './jcs.js';
import type { ServerDigests } from './digest.js';
import { MANIFEST_ALGORITHMS, MANIFEST_JWS_TYPE, MANIFEST_VERSION, type Manifest, type ManifestAlgorithm } from './manifest.js';
import { getOwn } from './own.js';

/** Why a manifest was refused. */
export type ManifestRefusal =
  | 'malformed'
  | 'alg-not-allowed'
  | 'unknown-key'
  | 'bad-signature'
  | 'issuer-mismatch'
  | 'not-yet-valid'
  | 'expired';

export type ManifestVerification =
  | { ok: true; kid: string; alg: ManifestAlgorithm; manifest: Manifest }
  | { ok: false; code: ManifestRefusal; reason: string };

export interface VerifyManifestOptions {
  /** Pinned public keys, or a JWKS the caller fetched. A key without `kid` matches by its RFC 7638 thumbprint. */
  keys: readonly JWK[] | { keys: readonly JWK[] };
  /** The identity the manifest must be bound to (its `server`): the URL the client connected to, or the package. */
  expectedIssuer: string;
  /** Default: now. */
  now?: Date | number | undefined;
  /** Tolerated clock difference for `issuedAt` and `expiresAt` (default 60 s). */
  clockSkewSeconds?: number | undefined;
  /** A subset of EdDSA and ES256 to accept (default both). */
  algorithms?: readonly ManifestAlgorithm[] | undefined;
}

/** What each algorithm's key must be (RFC 8037 §2, RFC 7518 §3.4): no key of one type is used for another. */
const KEY_TYPE: Readonly<Record<ManifestAlgorithm, { kty: string; crv: string }>> = {
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

/**
 * Verifies a manifest and its detached JWS. Never throws: a refusal says which check failed (`code`) and why.
 * @example
 * const result = await verifyManifest(manifest, jws, { keys: jwks, expectedIssuer: 'https://mcp.example.com/mcp' });
 * if (!result.ok) console.error(`manifest refused (${result.code}): ${result.reason}`);
 */
export async function verifyManifest(manifest: unknown, jws: string, options: VerifyManifestOptions): Promise<ManifestVerification> {
  const shape = checkShape(manifest);
  if (shape !== undefined) return refuse('malformed', `the manifest ${shape}`);
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3 || parts[1] !== '' || parts[0] === '' || parts[2] === '') {
    return refuse('malformed', 'the signature is not a detached compact JWS (header..signature)');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws) as Record<string, unknown>;
  } catch {
    return refuse('malformed', 'the JWS protected header is not base64url JSON');
  }
  const allowed = MANIFEST_ALGORITHMS.filter((alg) => options.algorithms === undefined || options.algorithms.includes(alg));
  const alg = header.alg as ManifestAlgorithm;
  if (!allowed.includes(alg)) return refuse('alg-not-allowed', `alg ${JSON.stringify(header.alg)} is not allowed (only ${allowed.join(', ')})`);
  if (header.typ !== MANIFEST_JWS_TYPE) return refuse('malformed', `typ must be "${MANIFEST_JWS_TYPE}", got ${JSON.stringify(header.typ)}`);
  if (header.crit !== undefined) return refuse('malformed', 'the JWS has critical header parameters this verifier does not know');
  if (typeof header.kid !== 'string' || header.kid === '') return refuse('malformed', 'the JWS protected header has no kid');
  const kid = header.kid;

  const jwk = await findKey(Array.isArray(options.keys) ? options.keys : (options.keys as { keys: readonly JWK[] }).keys ?? [], kid);
  if (jwk === undefined) return refuse('unknown-key', `no trusted key has kid ${JSON.stringify(kid)}`);
  const expected = KEY_TYPE[alg];
  if (jwk.kty !== expected.kty || jwk.crv !== expected.crv) return refuse('alg-not-allowed', `key ${kid} is ${jwk.kty}/${jwk.crv}, but ${alg} needs ${expected.kty}/${expected.crv}`);
  if (jwk.alg !== undefined && jwk.alg !== alg) return refuse('alg-not-allowed', `key ${kid} is for ${jwk.alg}, the signature says ${alg}`);
  if (jwk.use !== undefined && jwk.use !== 'sig') return refuse('unknown-key', `key ${kid} is not a signing key (use ${JSON.stringify(jwk.use)})`);

  const payload = base64url.encode(canonicalize(manifest));
  try {
    const { d: _private, ...publicJwk } = jwk;
    const key = await importJWK(publicJwk, alg);
    await compactVerify(`${parts[0]}.${payload}.${parts[2]}`, key, { algorithms: [alg] });
  } catch (error) {
    return refuse('bad-signature', `the signature does not match the manifest and key ${kid} (${(error as Error).message})`);
  }

  const checked = manifest as Manifest;
  if (checked.server !== options.expectedIssuer) {
    return refuse('issuer-mismatch', `the manifest is for ${JSON.stringify(checked.server)}, not ${JSON.stringify(options.expectedIssuer)}`);
  }
  const now = options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime();
  const skew = (options.clockSkewSeconds ?? 60) * 1000;
  if (Date.parse(checked.issuedAt) - skew > now) return refuse('not-yet-valid', `the manifest is valid from ${checked.issuedAt}`);
  if (Date.parse(checked.expiresAt) + skew <= now) return refuse('expired', `the manifest expired at ${checked.expiresAt}`);
  return { ok: true, kid, alg, manifest: checked };
}

/** Where a server's digests and its manifest disagree. */
export interface ManifestMismatch {
  kind: 'server' | 'instructions' | 'tool' | 'prompt' | 'resourceTemplate';
  /** The item's name (URI template); absent for the server and its instructions. */
  name?: string;
  /** Digest in the manifest (absent: the manifest does not list it). */
  signed?: string;
  /** Digest served (absent: the server does not serve it). */
  served?: string;
}

/**
 * Compares what a server serves with what its (verified) manifest lists: every item, the instructions and the
 * server digest. An empty list means they agree.
 * @example
 * const mismatches = matchManifest(result.manifest, await digestServer(snapshot));
 */
export function matchManifest(manifest: Manifest, digests: ServerDigests): ManifestMismatch[] {
  const out: ManifestMismatch[] = [];
  if (manifest.digest !== digests.digest) out.push({ kind: 'server', signed: manifest.digest, served: digests.digest });
  if (manifest.instructions !== digests.instructions) out.push(sides({ kind: 'instructions' }, manifest.instructions, digests.instructions));
  const lists: Array<[ManifestMismatch['kind'], Array<[string, string]>, Readonly<Record<string, string>>]> = [
    ['tool', manifest.tools.map((item) => [item.name, item.digest]), digests.tools],
    ['prompt', manifest.prompts.map((item) => [item.name, item.digest]), digests.prompts],
    ['resourceTemplate', manifest.resourceTemplates.map((item) => [item.uriTemplate, item.digest]), digests.resourceTemplates],
  ];
  for (const [kind, signedList, served] of lists) {
    const signed = new Map(signedList);
    for (const [name, digest] of signed) if (getOwn(served, name) !== digest) out.push(sides({ kind, name }, digest, getOwn(served, name)));
    for (const name of Object.keys(served)) if (!signed.has(name)) out.push(sides({ kind, name }, undefined, served[name]));
  }
  return out;
}

async function findKey(keys: readonly JWK[], kid: string): Promise<JWK | undefined> {
  for (const key of keys) if (typeof key === 'object' && key !== null && key.kid === kid) return key;
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || key.kid !== undefined) continue;
    try {
      if ((await calculateJwkThumbprint(key, 'sha256')) === kid) return key;
    } catch {
      // A key that has no thumbprint (missing members) cannot be the one named; the others may still be.
    }
  }
  return undefined;
}

const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** Undefined when `value` is a well-formed manifest, else what is wrong with it. */
function checkShape(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const m = value as Record<string, unknown>;
  if (m.manifestVersion !== MANIFEST_VERSION) return `has manifestVersion ${JSON.stringify(m.manifestVersion)}; this mcpkit reads ${MANIFEST_VERSION}`;
  if (typeof m.server !== 'string' || m.server === '') return 'names no server';
  for (const field of ['issuedAt', 'expiresAt'] as const) {
    if (typeof m[field] !== 'string' || Number.isNaN(Date.parse(m[field]))) return `has no valid ${field}`;
  }
  if (typeof m.digest !== 'string' || !HEX_DIGEST.test(m.digest)) return 'has no valid digest';
  if (m.instructions !== undefined && (typeof m.instructions !== 'string' || !HEX_DIGEST.test(m.instructions))) return 'has a bad instructions digest';
  for (const [field, key] of [['tools', 'name'], ['prompts', 'name'], ['resourceTemplates', 'uriTemplate']] as const) {
    const list = m[field];
    if (!Array.isArray(list)) return `has no ${field} list`;
    for (const item of list as unknown[]) {
      const entry = item as Record<string, unknown> | null;
      if (typeof entry !== 'object' || entry === null || typeof entry[key] !== 'string' || typeof entry.digest !== 'string' || !HEX_DIGEST.test(entry.digest)) {
        return `has a bad entry in ${field}`;
      }
    }
  }
  try {
    canonicalize(value);
  } catch (error) {
    return `is not JSON: ${(error as Error).message}`;
  }
  return undefined;
}

function sides(base: ManifestMismatch, signed: string | undefined, served: string | undefined): ManifestMismatch {
  if (signed !== undefined) base.signed = signed;
  if (served !== undefined) base.served = served;
  return base;
}

function refuse(code: ManifestRefusal, reason: string): ManifestVerification {
  return { ok: false, code, reason };
}
