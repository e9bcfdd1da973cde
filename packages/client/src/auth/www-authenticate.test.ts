// WWW-Authenticate parsing (RFC 9110 §11.6.1) and the URL guard: pure functions, no network.
import { describe, expect, it } from 'vitest';
import { AuthUnsafeUrlError } from '@mcpkit/protocol';
import { findChallenge, parseWwwAuthenticate } from './www-authenticate.js';
import { guardUrl, isLoopbackHost, isPrivateHost, requireWebUrl } from './url-guard.js';
import { canonicalResourceUrl, resourceCovers } from './discovery.js';

describe('parseWwwAuthenticate', () => {
  it('reads quoted and token parameters, lower-casing names', () => {
    const [c] = parseWwwAuthenticate('Bearer Error="insufficient_scope", scope="files:read files:write", resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp"');
    expect(c).toEqual({
      scheme: 'Bearer',
      params: { error: 'insufficient_scope', scope: 'files:read files:write', resource_metadata: 'https://x.example/.well-known/oauth-protected-resource/mcp' },
    });
  });

  it('splits several challenges and keeps escaped quotes', () => {
    const challenges = parseWwwAuthenticate('Basic realm="a \\"b\\"", DPoP algs="ES256 RS256", error=use_dpop_nonce, Bearer');
    expect(challenges.map((c) => c.scheme)).toEqual(['Basic', 'DPoP', 'Bearer']);
    expect(challenges[0]!.params.realm).toBe('a "b"');
    expect(findChallenge(challenges, 'dpop')!.params).toEqual({ algs: 'ES256 RS256', error: 'use_dpop_nonce' });
  });

  it('skips a token68 credential and tolerates junk', () => {
    expect(parseWwwAuthenticate('Negotiate abc==, Bearer scope=x')).toEqual([
      { scheme: 'Negotiate', params: {} },
      { scheme: 'Bearer', params: { scope: 'x' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(',,, =')).toEqual([]);
  });
});

describe('URL guard', () => {
  it('classifies private, loopback and link-local hosts', () => {
    for (const host of ['10.1.2.3', '192.168.0.1', '172.16.5.4', '169.254.169.254', '127.0.0.1', '127.8.9.1', '0.0.0.0', '100.64.0.1', 'localhost', 'a.localhost', '[::1]', '::', 'fd00::1', 'fe80::1', '::ffff:7f00:1', '::ffff:a00:1']) {
      expect(isPrivateHost(host), host).toBe(true);
    }
    for (const host of ['8.8.8.8', '172.32.0.1', 'example.com', '2001:db8::1', '::ffff:808:808']) expect(isPrivateHost(host), host).toBe(false);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });

  it('refuses non-http(s) and plain http off loopback', () => {
    expect(() => requireWebUrl('javascript:alert(1)', 'x')).toThrow(AuthUnsafeUrlError);
    expect(() => requireWebUrl('file:///etc/passwd', 'x')).toThrow(AuthUnsafeUrlError);
    expect(() => requireWebUrl('http://as.example.com/authorize', 'x')).toThrow(/https/);
    expect(requireWebUrl('http://127.0.0.1:9/x', 'x').href).toBe('http://127.0.0.1:9/x');
  });

  it('refuses private targets unless allowed, the trusted origin, or an allowed host', () => {
    // The WHATWG parser turns the decimal form 2130706433 into 127.0.0.1 before the check.
    for (const url of ['http://10.0.0.1/x', 'https://192.168.1.1/x', 'https://169.254.169.254/latest', 'http://127.0.0.1:1/x', 'http://2130706433/x', 'https://[fd00::1]/x']) {
      expect(() => guardUrl(url, 'metadata', {}), url).toThrow(AuthUnsafeUrlError);
      expect(guardUrl(url, 'metadata', { allowPrivateNetwork: true }).href).toBe(new URL(url).href);
    }
    expect(guardUrl('https://10.0.0.1/x', 'm', { allowedHosts: ['10.0.0.1'] }).hostname).toBe('10.0.0.1');
    expect(guardUrl('http://127.0.0.1:5/x', 'm', {}, 'http://127.0.0.1:5').port).toBe('5');
    expect(() => guardUrl('http://127.0.0.1:6/x', 'm', {}, 'http://127.0.0.1:5')).toThrow(AuthUnsafeUrlError);
    expect(guardUrl('https://as.example.com/x', 'm', {}).host).toBe('as.example.com');
  });
});

describe('resource identifiers', () => {
  it('canonicalizes the server URL (RFC 8707 §2)', () => {
    expect(canonicalResourceUrl('HTTPS://MCP.Example.com/')).toBe('https://mcp.example.com');
    expect(canonicalResourceUrl('https://mcp.example.com:443/mcp?x=1#frag')).toBe('https://mcp.example.com/mcp');
  });

  it('accepts the server itself or a parent path on the same origin only', () => {
    expect(resourceCovers('https://a.example/mcp', 'https://a.example/mcp')).toBe(true);
    expect(resourceCovers('https://a.example', 'https://a.example/mcp')).toBe(true);
    expect(resourceCovers('https://a.example/mc', 'https://a.example/mcp')).toBe(false);
    expect(resourceCovers('https://evil.example/mcp', 'https://a.example/mcp')).toBe(false);
    expect(resourceCovers('https://a.example/other', 'https://a.example/mcp')).toBe(false);
    expect(resourceCovers('not a url', 'https://a.example/mcp')).toBe(false);
  });
});
