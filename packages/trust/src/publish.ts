/**
 * Publishing a signed manifest from a server: the JSON-RPC method `mcpkit/manifest` answers
 * `{manifest, jws, keys}` (the public keys, so a verifier can pin them on first sight). It works over every
 * transport, stdio included; mcpkit's gateway answers it for its aggregated view too.
 * @module
 */
import type { JWK } from 'jose';
import type { ServerSnapshot } from './snapshot.js';
import { digestServer } from './digest.js';
import { type ManifestAlgorithm, createManifest, signManifest } from './manifest.js';
import type { Manifest } from './manifest.js';

/** The method a server answers with its signed manifest. */
export const MANIFEST_METHOD = 'mcpkit/manifest';

export interface PublishedManifest {
  manifest: Manifest;
  /** Detached compact JWS (`header..signature`) over the manifest's JCS form. */
  jws: string;
  /** The public key(s) that verify it. */
  keys: JWK[];
}

export interface ManifestPublisherOptions {
  /** The server's canonical identity (its URL, or its package name). */
  issuer: string;
  /** A private JWK with `kid`; `alg` from the JWK or `EdDSA` for an OKP key, `ES256` for an EC key. */
  privateJwk: JWK;
  /** How long a manifest is valid. Default 1 hour; a new one is signed when the definitions change or it nears expiry. */
  ttlMs?: number;
  /** What the server serves now. */
  snapshot: () => ServerSnapshot;
}

/** The public half of a private JWK (OKP and EC keys carry their public parts). */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...rest } = privateJwk;
  return rest;
}

function algOf(jwk: JWK): ManifestAlgorithm {
  if (jwk.alg === 'EdDSA' || jwk.alg === 'ES256') return jwk.alg as ManifestAlgorithm;
  if (jwk.kty === 'OKP') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw new TypeError('the signing key must be an Ed25519 (OKP) or P-256 (EC) private JWK');
}

/**
 * Signs manifests of a server's current definitions, re-signing only when they change or the last one nears expiry.
 * @example
 * const publish = manifestPublisher({ issuer: 'npm:my-server', privateJwk, snapshot: () => snapshotOfMyServer() });
 * const { manifest, jws } = await publish();
 */
export function manifestPublisher(options: ManifestPublisherOptions): () => Promise<PublishedManifest> {
  const alg = algOf(options.privateJwk);
  if (typeof options.privateJwk.kid !== 'string' || options.privateJwk.kid === '') throw new TypeError('the signing key needs a kid');
  const kid = options.privateJwk.kid;
  const keys = [{ ...publicJwkOf(options.privateJwk), alg, kid, use: 'sig' }];
  const ttl = options.ttlMs ?? 3_600_000;
  let last: { digest: string; until: number; published: PublishedManifest } | undefined;
  return async () => {
    const digests = await digestServer(options.snapshot());
    const now = Date.now();
    // Re-sign at half-life, so a verifier never gets a manifest about to expire.
    if (last && last.digest === digests.digest && last.until > now) return last.published;
    const manifest = createManifest(digests, { issuer: options.issuer, issuedAt: new Date(now), expiresAt: new Date(now + ttl) });
    const jws = await signManifest(manifest, options.privateJwk, { kid, alg });
    last = { digest: digests.digest, until: now + ttl / 2, published: { manifest, jws, keys } };
    return last.published;
  };
}

/** A request as a server middleware sees it (structurally: `@mcpkit/server`'s `McpRequest`). */
interface MiddlewareRequest {
  readonly method: string;
}

/**
 * A server middleware (for `server.use()`) that answers `mcpkit/manifest` with the signed manifest and passes
 * everything else on.
 * @example
 * server.use(manifestMiddleware(manifestPublisher({ issuer: 'npm:my-server', privateJwk, snapshot })));
 */
export function manifestMiddleware<Result extends object>(publish: () => Promise<PublishedManifest>): (request: MiddlewareRequest, next: () => Promise<Result>) => Promise<Result> {
  // The published manifest is plain JSON, whatever result type the server's middleware chain declares.
  return (request, next) => (request.method === MANIFEST_METHOD ? (publish() as unknown as Promise<Result>) : next());
}
