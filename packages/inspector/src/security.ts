/**
 * The inspector's guards: the per-launch token, the bind address, and the Host and Origin allow-lists.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { InvalidArgumentError } from '@mcpkit/protocol';

/** 32 bytes from the CSPRNG, base64url: the secret every API route and the event stream demand. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the real one in constant time. */
export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer TOKEN`, if that is how the request carries one. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header ?? '');
  return m?.[1];
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Checks the address to bind: loopback only, unless `unsafeBind` says the user asked for more on purpose.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a wildcard or public address without `unsafeBind`.
 */
export function checkBindHost(host: string, unsafeBind: boolean): void {
  if (LOOPBACK.has(host)) return;
  if (!unsafeBind) {
    const what = host === '0.0.0.0' || host === '::' ? 'a wildcard address' : 'a non-loopback address';
    throw new InvalidArgumentError(
      `refusing to bind the inspector to ${host} (${what}): anyone who can reach it could drive the server it inspects; it binds 127.0.0.1 unless --unsafe-bind is given`,
    );
  }
  if (host !== '0.0.0.0' && host !== '::' && isIP(host) === 0) throw new InvalidArgumentError(`--host ${host} is not an IP address`);
}

/**
 * The `Host` values the server answers: its own address and port, as a browser on this machine writes them.
 * Anything else (a rebound DNS name, a missing header) is refused.
 */
export function allowedHosts(host: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (!LOOPBACK.has(host)) hosts.add(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  return hosts;
}

/** The `Origin` values the UI may send from: the same hosts, over http. */
export function allowedOrigins(hosts: Set<string>): Set<string> {
  return new Set([...hosts].map((h) => `http://${h}`));
}

/**
 * Why a request fails the Host/Origin check, or undefined when it passes. An absent `Origin` passes (same-origin
 * GETs and non-browser clients send none; the token still guards them); `null` and any foreign origin fail.
 */
export function originProblem(headers: { host?: string | undefined; origin?: string | undefined }, hosts: Set<string>, origins: Set<string>): string | undefined {
  if (headers.host === undefined || !hosts.has(headers.host.toLowerCase())) return 'Host not allowed';
  if (headers.origin !== undefined && !origins.has(headers.origin.toLowerCase())) return 'Origin not allowed';
  return undefined;
}
