/**
 * Scope selection (spec basic/authorization "Scope Selection Strategy", "Step-Up Authorization Flow") and the
 * `offline_access` rule for refresh tokens (spec 2026-07-28 "Refresh Tokens", SEP-2207).
 * @module
 */

/** Splits a space-delimited scope string (RFC 6749 §3.3) into a list without duplicates or blanks. */
export function parseScope(scope: string | undefined): string[] {
  return [...new Set((scope ?? '').split(' ').filter((s) => s !== ''))];
}

/** Joins scopes, or undefined for none (so the `scope` parameter is left out). */
export function formatScope(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? undefined : [...new Set(scopes)].join(' ');
}

/**
 * The initial scope: the challenge's `scope` if the server sent one, else every `scopes_supported` entry of the
 * protected resource metadata, else none. Scopes granted before are kept (the union on re-authorization).
 * @example
 * selectScope({ challenged: 'files:write', previous: 'files:read' }) // 'files:read files:write'
 */
export function selectScope(input: { challenged?: string | undefined; scopesSupported?: readonly string[] | undefined; previous?: string | undefined }): string | undefined {
  const base = input.challenged !== undefined && input.challenged.trim() !== '' ? parseScope(input.challenged) : [...(input.scopesSupported ?? [])];
  return formatScope([...parseScope(input.previous), ...base]);
}

/**
 * Adds `offline_access` when the authorization server lists it, so the client can get a refresh token. It is only
 * added to a scope that is being sent: a lone `offline_access` would replace the server's default scope.
 */
export function withOfflineAccess(scope: string | undefined, asScopesSupported: readonly string[] | undefined): string | undefined {
  if (scope === undefined || !asScopesSupported?.includes('offline_access')) return scope;
  return formatScope([...parseScope(scope), 'offline_access']);
}

/** Whether every scope in `required` is in `granted`. */
export function coversScope(granted: string | undefined, required: string | undefined): boolean {
  const have = new Set(parseScope(granted));
  return parseScope(required).every((s) => have.has(s));
}
