/**
 * DNS-rebinding protection: Host and Origin validation (spec basic/transports/streamable-http#security-warning).
 * @module
 */

export interface OriginPolicy {
  /** Hostnames (no port) accepted in `Host`; undefined accepts any. */
  allowedHosts: ReadonlySet<string> | undefined;
  /** Origins (`scheme://host[:port]`) accepted in `Origin` besides those whose host is an allowed host. */
  allowedOrigins: ReadonlySet<string>;
  /**
   * The last `Host` value accepted, as sent: a client sends the same one on every request, and parsing it (trim,
   * lower-case, a regex) each time showed in the request path's profile. Set by checkOrigin.
   */
  acceptedHost?: string | undefined;
}

export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The hostname of a `Host` header value, lower-cased, without its port; undefined if malformed. */
export function hostnameOf(host: string): string | undefined {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? undefined : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  const name = colon < 0 ? h : h.slice(0, colon);
  return /^[a-z0-9.-]+$/.test(name) ? name : undefined;
}

/** Why a request must be refused, or undefined when it may go on. */
export function checkOrigin(policy: OriginPolicy, host: string | null, origin: string | null): string | undefined {
  const hosts = policy.allowedHosts;
  // acceptedHost is never null, so a missing Host is always checked (and refused).
  if (hosts && host !== policy.acceptedHost) {
    if (host === null) return 'Host (missing) is not allowed';
    const name = hostnameOf(host);
    if (name === undefined || !hosts.has(name)) return `Host ${host} is not allowed`;
    policy.acceptedHost = host;
  }
  if (origin !== null && origin !== 'null') {
    if (policy.allowedOrigins.has(origin)) return undefined;
    let originHost: string;
    try {
      originHost = new URL(origin).hostname.toLowerCase();
    } catch {
      return `Origin ${origin} is malformed`;
    }
    if (originHost.includes(':') && !originHost.startsWith('[')) originHost = `[${originHost}]`;
    if (!hosts || !hosts.has(originHost)) return `Origin ${origin} is not allowed`;
  } else if (origin === 'null' && !policy.allowedOrigins.has('null')) {
    return 'Origin null is not allowed';
  }
  return undefined;
}
