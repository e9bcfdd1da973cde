/**
 * Signed manifests: a server's digests, bound to its identity and a validity window, signed as a detached JWS
 * (RFC 7515 Appendix F) over the manifest's JCS form, with EdDSA (Ed25519) or ES256.
 *
 * The format follows the draft MCP proposal SEP-3140, "Signed Capability Declarations & Trustworthy Trust Labels"
 * (modelcontextprotocol/modelcontextprotocol pull request 3140, status draft, not merged): a manifest object with
 * `server` (the server's canonical identity, which the verifier checks), `issuedAt` / `expiresAt` (RFC 3339), an
 * optional `nonce`, per-kind lists of `{name, digest}`; the signature is a detached compact JWS over the JCS (RFC 8785)
 * bytes of the manifest, with `alg` and `kid` in the protected header and the key found by `kid` in a JWKS. Where
 * mcpkit differs, and why:
 * - Digests: SEP-3140 puts a `contentHash` (`sha256-<base64url>` over the whole declaration, including `version`,
 *   icons and its `trust` labels) in each declaration and lists `{name, version, contentHash}`. mcpkit lists its own
 *   digests (lowercase hex SHA-256 over the pinned fields only, see `digestItem`) under the name `digest`, so the
 *   same value appears in `mcp.lock.json`, drift reports and manifests, and cosmetic fields (icons, `_meta`) do not
 *   invalidate a signature. Using the SEP's field name for a different hash would mislead a SEP-3140 verifier.
 * - Resource templates: SEP-3140 lists `resources`; mcpkit pins resource templates (concrete resources change with
 *   data) as `resourceTemplates: [{uriTemplate, digest}]`.
 * - mcpkit adds `manifestVersion: 1`, the server digest (`digest`), `serverName` and the `instructions` digest, so a
 *   verifier can recompute the server digest from the manifest alone and instructions are covered too.
 * - `server` may be a URL (the RFC 8707 canonical URI, as the SEP requires) or, for a stdio server that has none, its
 *   package name; the verifier's `expectedIssuer` decides which.
 * - The protected header carries `typ: "mcpkit-manifest+jws"` (explicit typing, RFC 8725 §3.11) so a signature made
 *   for something else with the same key is never taken for a manifest signature.
 * - No `publisher`, `specVersion`, `trust` labels, `declarations/manifest` method or Protected Resource Metadata keys
 *   yet: how a manifest travels (a file, an HTTP endpoint, `_meta`) is the caller's choice; keys come pinned or from
 *   a JWKS the caller fetched (this package does no I/O).
 * @module
 */
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalize } from './jcs.js';
import type { ServerDigests } from './digest.js';

/** The manifest format version this mcpkit writes and reads. */
export const MANIFEST_VERSION = 1;
/** The JWS `typ` of a manifest signature. */
export const MANIFEST_JWS_TYPE = 'mcpkit-manifest+jws';
/** Signature algorithms a manifest may use. */
export type ManifestAlgorithm = 'EdDSA' | 'ES256';
export const MANIFEST_ALGORITHMS: readonly ManifestAlgorithm[] = ['EdDSA', 'ES256'];

/** One signed digest. */
export interface ManifestItem {
  name: string;
  digest: string;
}

/** What a server declares and signs: its digests, for whom, and for how long. */
export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  /** The server's canonical identity: its URL (RFC 8707 canonical URI) or its package name. */
  server: string;
  /** RFC 3339 times: valid from `issuedAt` until `expiresAt`. */
  issuedAt: string;
  expiresAt: string;
  nonce?: string;
  /** The server digest (see `serverDigest`). */
  digest: string;
  serverName?: string;
  /** Digest of the server's instructions, when it has some. */
  instructions?: string;
  /** Sorted by name (resource templates by URI template). */
  tools: ManifestItem[];
  prompts: ManifestItem[];
  resourceTemplates: Array<{ uriTemplate: string; digest: string }>;
}

/** Identity and validity of a new manifest. */
export interface CreateManifestOptions {
  /** The manifest's `server`: the server's canonical identity (its URL, or its package name). */
  issuer: string;
  /** Default: now. */
  issuedAt?: Date | string | undefined;
  expiresAt: Date | string;
  nonce?: string | undefined;
}

/** A new signing key pair; `kid` is the RFC 7638 thumbprint (SHA-256) of the public key. */
export interface SigningKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

/**
 * A manifest of a server's digests.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for an empty issuer, a bad time, or an expiry not after the
 * issue time.
 * @example
 * const manifest = createManifest(await digestServer(snapshot), { issuer: 'https://mcp.example.com/mcp', expiresAt: '2027-01-01T00:00:00Z' });
 */
export function createManifest(digests: ServerDigests, options: CreateManifestOptions): Manifest {
  if (typeof options.issuer !== 'string' || options.issuer.trim() === '') throw new InvalidArgumentError('createManifest: `issuer` must name the server');
  const issuedAt = timeOf(options.issuedAt ?? new Date(), 'issuedAt');
  const expiresAt = timeOf(options.expiresAt, 'expiresAt');
  if (Date.parse(expiresAt) <= Date.parse(issuedAt)) throw new InvalidArgumentError(`createManifest: expiresAt (${expiresAt}) must be after issuedAt (${issuedAt})`);
  const manifest: Manifest = {
    manifestVersion: MANIFEST_VERSION,
    server: options.issuer,
    issuedAt,
    expiresAt,
    digest: digests.digest,
    tools: listOf(digests.tools),
    prompts: listOf(digests.prompts),
    resourceTemplates: listOf(digests.resourceTemplates).map(({ name, digest }) => ({ uriTemplate: name, digest })),
  };
  if (options.nonce !== undefined) manifest.nonce = options.nonce;
  if (digests.serverName !== undefined) manifest.serverName = digests.serverName;
  if (digests.instructions !== undefined) manifest.instructions = digests.instructions;
  return manifest;
}

/**
 * Signs a manifest: a detached compact JWS (`header..signature`, RFC 7515 Appendix F) whose payload is the JCS of the
 * manifest and whose protected header is `{alg, kid, typ: "mcpkit-manifest+jws"}`.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for an algorithm other than EdDSA or ES256, a public or
 * unusable key, or a key of another type than `alg` needs.
 * @example
 * const { privateJwk, kid } = await generateSigningKey('EdDSA');
 * const jws = await signManifest(manifest, privateJwk, { kid, alg: 'EdDSA' });
 */
export async function signManifest(
  manifest: Manifest,
  privateKey: JWK | CryptoKey,
  options: { kid: string; alg: ManifestAlgorithm },
): Promise<string> {
  const { kid, alg } = options;
  if (!MANIFEST_ALGORITHMS.includes(alg)) throw new InvalidArgumentError(`signManifest: alg must be EdDSA or ES256, got ${JSON.stringify(alg)}`);
  if (typeof kid !== 'string' || kid === '') throw new InvalidArgumentError('signManifest: kid must be a non-empty string');
  let key: CryptoKey | Uint8Array;
  try {
    if (isCryptoKey(privateKey)) key = privateKey;
    else {
      if (typeof privateKey.d !== 'string') throw new Error('the JWK has no private part ("d")');
      key = await importJWK(privateKey, alg);
    }
    const compact = await new CompactSign(new TextEncoder().encode(canonicalize(manifest)))
      .setProtectedHeader({ alg, kid, typ: MANIFEST_JWS_TYPE })
      .sign(key);
    const [header, , signature] = compact.split('.');
    return `${header}..${signature}`;
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError(`signManifest: cannot sign with this key as ${alg}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A new extractable key pair for signing manifests, as JWKs with `kid` (the RFC 7638 thumbprint), `alg` and
 * `use: "sig"`. Keep `privateJwk` secret; publish `publicJwk` (in a JWKS, or pinned in `mcp.lock.json`).
 * @example
 * const { privateJwk, publicJwk, kid } = await generateSigningKey('ES256');
 */
export async function generateSigningKey(alg: ManifestAlgorithm): Promise<SigningKey> {
  if (!MANIFEST_ALGORITHMS.includes(alg)) throw new InvalidArgumentError(`generateSigningKey: alg must be EdDSA or ES256, got ${JSON.stringify(alg)}`);
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  const extra = { kid, alg, use: 'sig' };
  return { privateJwk: { ...(await exportJWK(pair.privateKey)), ...extra }, publicJwk: { ...publicJwk, ...extra }, kid };
}

function listOf(record: Readonly<Record<string, string>>): ManifestItem[] {
  return Object.keys(record)
    .sort()
    .map((name) => ({ name, digest: record[name]! }));
}

function timeOf(value: Date | string, field: string): string {
  const time = typeof value === 'string' ? new Date(value) : value;
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new InvalidArgumentError(`createManifest: ${field} must be a date, got ${JSON.stringify(value)}`);
  return time.toISOString();
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof CryptoKey !== 'undefined' && key instanceof CryptoKey;
}
