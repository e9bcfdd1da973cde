/**
 * @mcpkit/server/auth: verifiers for the HTTP handler's `auth` option: static API keys, JWT access tokens
 * (JWKS), and RFC 7662 introspection.
 * @module
 */
export { apiKeyVerifier, firstOf, constantTimeEqual } from './api-keys.js';
export type { StaticApiKey } from './api-keys.js';
export { jwtVerifier, scopesFrom } from './jwt.js';
export type { JwtVerifierOptions } from './jwt.js';
export { introspectionVerifier } from './introspection.js';
export type { IntrospectionVerifierOptions } from './introspection.js';
export { AuthError } from '../http/auth.js';
export type { AuthVerifier, AuthFailure, AuthRefusal, HttpAuthOptions, PresentedCredentials } from '../http/auth.js';
