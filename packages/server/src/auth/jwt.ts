/**
 * JWT access tokens (RFC 9068 profile): signature against a JWKS URL or a key, issuer, audience, expiry.
 * @module
 */
import { type CryptoKey, type JWK, type JWTPayload, type KeyObject, createRemoteJWKSet, errors, importJWK, jwtVerify } from 'jose';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { Principal } from '../middleware.js';
import { AuthError, type AuthVerifier, type PresentedCredentials } from '../http/auth.js';

export interface JwtVerifierOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (one of them): the canonical URL of this resource (RFC 8707). */
  audience: string | readonly string[];
  /** The issuer's key set. Fetched when first needed, cached, refetched for an unknown `kid`. */
  jwksUrl?: string;
  /** Or a fixed key: a JWK, or a key object. */
  key?: JWK | CryptoKey | KeyObject | Uint8Array;
  /** Accepted algorithms. Default: the asymmetric ones (RS*, PS*, ES*, EdDSA); `none` and HS* never by default. */
  algorithms?: readonly string[];
  /** The claim holding scopes: a space-separated string or an array. Default `scope` (falls back to `scp`). */
  scopesClaim?: string;
  /** Allowed clock skew in seconds. Default 30. */
  clockToleranceSec?: number;
  /** Whether API keys in `X-API-Key` may be JWTs too. Default false: only `Authorization: Bearer`. */
  acceptApiKeyHeader?: boolean;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** The scopes a payload grants, from a space-separated string or an array. */
export function scopesFrom(payload: Record<string, unknown>, claim: string): string[] {
  const value = payload[claim] ?? (claim === 'scope' ? payload.scp : undefined);
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

function principalOf(payload: JWTPayload, claim: string): Principal {
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : typeof payload.azp === 'string' ? payload.azp : undefined;
  const id = payload.sub ?? clientId;
  if (typeof id !== 'string' || id === '') throw new AuthError('invalid_token', 'the token names no subject (sub) or client');
  const principal: { id: string; scopes: string[]; claims: Record<string, unknown>; clientId?: string; expiresAt?: number } = {
    id,
    scopes: scopesFrom(payload, claim),
    claims: payload,
  };
  if (clientId !== undefined) principal.clientId = clientId;
  if (typeof payload.exp === 'number') principal.expiresAt = payload.exp * 1000;
  return principal;
}

/**
 * A verifier for JWT access tokens.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` without exactly one of jwksUrl and key.
 * @example
 * const verifier = await jwtVerifier({ issuer: 'https://auth.example.com', audience: 'https://mcp.example.com/mcp', jwksUrl: 'https://auth.example.com/jwks' });
 */
export async function jwtVerifier(options: JwtVerifierOptions): Promise<AuthVerifier> {
  if ((options.jwksUrl === undefined) === (options.key === undefined)) throw new InvalidArgumentError('jwtVerifier needs exactly one of jwksUrl and key');
  const key =
    options.jwksUrl !== undefined
      ? createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 })
      : typeof options.key === 'object' && options.key !== null && 'kty' in options.key
        ? await importJWK(options.key as JWK)
        : (options.key as CryptoKey | KeyObject | Uint8Array);
  const claim = options.scopesClaim ?? 'scope';
  const verifyOptions = {
    issuer: options.issuer,
    audience: typeof options.audience === 'string' ? options.audience : [...options.audience],
    algorithms: [...(options.algorithms ?? ASYMMETRIC)],
    clockTolerance: options.clockToleranceSec ?? 30,
  };
  return {
    async verify(credentials: PresentedCredentials): Promise<Principal> {
      if (credentials.source !== 'authorization' && !options.acceptApiKeyHeader) throw new AuthError('invalid_token', 'send the token as Authorization: Bearer');
      try {
        const { payload } = await jwtVerify(credentials.token, key as Parameters<typeof jwtVerify>[1], verifyOptions);
        return principalOf(payload, claim);
      } catch (error) {
        if (error instanceof AuthError) throw error;
        if (error instanceof errors.JWTExpired) throw new AuthError('invalid_token', 'the token has expired');
        if (error instanceof errors.JWTClaimValidationFailed) throw new AuthError('invalid_token', `the token's ${error.claim} claim is not accepted`);
        if (error instanceof errors.JOSEError) {
          // Network trouble reaching the JWKS is ours, not the client's fault.
          if (error instanceof errors.JWKSTimeout) throw error;
          throw new AuthError('invalid_token', 'the token is not valid');
        }
        throw error;
      }
    },
  };
}
