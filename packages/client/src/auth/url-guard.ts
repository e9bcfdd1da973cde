/**
 * URL checks for OAuth: which schemes are acceptable, and an SSRF guard that keeps discovered metadata, token
 * and registration URLs off private, loopback and link-local addresses unless the host allows them.
 * @module
 */
import { AuthUnsafeUrlError } from '@mcpkit/protocol';

/** What the client may reach while discovering and talking to authorization servers. */
export interface NetworkPolicy {
  /** Allow private, loopback and link-local addresses everywhere (local development, tests). Default false. */
  allowPrivateNetwork?: boolean;
  /** Host names (or IP literals) allowed even though they are private. */
  allowedHosts?: readonly string[];
}

/**
 * Parses `value` and checks that it is an http(s) URL, and plain http only to a loopback host (spec 2026-07-28
 * basic/authorization/security-considerations "Communication Security": authorization server endpoints must use
 * HTTPS; loopback is where local development and native apps live).
 * @throws AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`
 */
export function requireWebUrl(value: string, what: string): URL {
  const url = parseOrThrow(value, what);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuthUnsafeUrlError(`${what} must be an http(s) URL, got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new AuthUnsafeUrlError(`${what} must use https (plain http is only accepted for loopback hosts): ${url.href}`);
  }
  return url;
}

/**
 * Refuses a URL the client would fetch on an untrusted party's say-so when it points into the private network.
 * URLs on `trustedOrigin` (the MCP server's own origin, which the host chose) pass: reaching them exposes nothing new.
 * Only IP literals and `localhost` names are recognised: a public name that resolves to a private address needs
 * a fetch that checks at connect time, which Web APIs cannot do.
 * @throws AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL`
 */
export function guardUrl(value: string, what: string, policy: NetworkPolicy, trustedOrigin?: string): URL {
  const host = bareHost(parseOrThrow(value, what).hostname.toLowerCase());
  const allowed = policy.allowPrivateNetwork === true || policy.allowedHosts?.some((h) => bareHost(h.toLowerCase()) === host) === true;
  const privateHost = isPrivateHost(host);
  // A private host the host application allowed may speak plain http (an internal deployment); others need https.
  const url = allowed && privateHost ? parseOrThrow(value, what) : requireWebUrl(value, what);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AuthUnsafeUrlError(`${what} must be an http(s) URL, got ${url.protocol}`);
  if (!privateHost || allowed || url.origin === trustedOrigin) return url;
  throw new AuthUnsafeUrlError(
    `${what} ${url.href} points to a private, loopback or link-local address; set allowPrivateNetwork or allowedHosts to permit it`,
  );
}

function parseOrThrow(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new AuthUnsafeUrlError(`${what} is not a valid URL: ${JSON.stringify(value)}`, { cause });
  }
}

/** Whether a host name is `localhost`, a `.localhost` name, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname.toLowerCase());
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = parseIpv4(host) ?? ipv4FromMapped(parseIpv6(host));
  if (v4 !== undefined) return v4[0] === 127;
  const v6 = parseIpv6(host);
  return v6 !== undefined && v6.every((part, i) => part === (i === 7 ? 1 : 0));
}

/** Whether a host is loopback, private, link-local, unspecified, shared (CGNAT), multicast or reserved. */
export function isPrivateHost(hostname: string): boolean {
  const host = bareHost(hostname.toLowerCase());
  if (isLoopbackHost(host)) return true;
  const v6 = parseIpv6(host);
  const v4 = parseIpv4(host) ?? ipv4FromMapped(v6);
  if (v4 !== undefined) return isPrivateIpv4(v4);
  if (v6 === undefined) return false;
  const first = v6[0]!;
  return (
    v6.every((part) => part === 0) || // :: unspecified
    (first & 0xfe00) === 0xfc00 || // fc00::/7 unique local (RFC 4193)
    (first & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (first & 0xff00) === 0xff00 // ff00::/8 multicast
  );
}

// RFC 6890 special-purpose ranges a metadata URL has no business pointing at.
function isPrivateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) || // 100.64.0.0/10 shared address space
    (a === 169 && b === 254) || // link-local, incl. cloud metadata 169.254.169.254
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a! >= 224 // multicast and reserved
  );
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

// The WHATWG URL parser already turns decimal, octal and hex IPv4 forms into dotted quads.
function parseIpv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

// Hosts come from URL.hostname, which the WHATWG parser has already compressed to hex (`::ffff:7f00:1`).
function parseIpv6(host: string): number[] | undefined {
  if (!host.includes(':')) return undefined;
  const halves = host.split('::');
  if (halves.length > 2) return undefined;
  const toParts = (s: string) => (s === '' ? [] : s.split(':').map((h) => (/^[0-9a-f]{1,4}$/.test(h) ? parseInt(h, 16) : NaN)));
  const head = toParts(halves[0]!);
  const rest = halves.length === 2 ? toParts(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  return all.every((n) => Number.isInteger(n)) ? all : undefined;
}

// ::ffff:a.b.c.d (IPv4-mapped) reaches the IPv4 host, so it is judged as that host.
function ipv4FromMapped(v6: number[] | undefined): number[] | undefined {
  if (!v6 || !v6.slice(0, 5).every((p) => p === 0) || v6[5] !== 0xffff) return undefined;
  return [v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff];
}
