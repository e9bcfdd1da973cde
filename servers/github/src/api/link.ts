/**
 * The `Link` response header (RFC 8288) as GitHub sends it for pagination, and the rule for which next-page
 * URLs may be followed.
 * @module
 */

/** The `rel="next"` target of a `Link` header, resolved against the request URL; undefined when absent or bad. */
export function nextLink(header: string | null, requestUrl: URL): URL | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]*)"?/i.exec(match[2] ?? '')?.[1] ?? '';
    if (!rel.toLowerCase().split(/\s+/).includes('next')) continue;
    try {
      return new URL(match[1]!, requestUrl);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether a server-supplied next-page URL may be fetched: same origin as the API root and under its path
 * (a GitHub Enterprise root is `https://host/api/v3`). Anything else would send the token elsewhere.
 */
export function isFollowable(next: URL, apiRoot: URL): boolean {
  if (next.origin !== apiRoot.origin || next.username || next.password) return false;
  const base = apiRoot.pathname.replace(/\/+$/, '');
  return base === '' || next.pathname === base || next.pathname.startsWith(`${base}/`);
}

/** The `page` query parameter of a next-page URL, for the caller to continue from; null when there is none. */
export function pageNumber(next: URL | undefined): number | null {
  const raw = next?.searchParams.get('page');
  const page = raw === null || raw === undefined ? NaN : Number(raw);
  return Number.isInteger(page) && page > 0 ? page : null;
}
