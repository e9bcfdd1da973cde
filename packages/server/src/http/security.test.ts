import { describe, expect, it } from 'vitest';
import { type OriginPolicy, checkOrigin, hostnameOf } from './security.js';

const loopback = (): OriginPolicy => ({ allowedHosts: new Set(['localhost', '127.0.0.1', '[::1]']), allowedOrigins: new Set(['https://app.example']) });

describe('checkOrigin', () => {
  it('accepts allowed Host names with or without a port, in any case, and refuses others', () => {
    const policy = loopback();
    expect(checkOrigin(policy, '127.0.0.1:8080', null)).toBeUndefined();
    expect(checkOrigin(policy, 'LOCALHOST', null)).toBeUndefined();
    expect(checkOrigin(policy, '[::1]:1', null)).toBeUndefined();
    expect(checkOrigin(policy, 'evil.example', null)).toBe('Host evil.example is not allowed');
    expect(checkOrigin(policy, null, null)).toBe('Host (missing) is not allowed');
    expect(checkOrigin(policy, 'local host', null)).toBe('Host local host is not allowed');
  });

  it('remembers only an accepted Host: a refused one right after it is still refused, every time', () => {
    const policy = loopback();
    expect(checkOrigin(policy, '127.0.0.1:8080', null)).toBeUndefined();
    expect(policy.acceptedHost).toBe('127.0.0.1:8080');
    for (let i = 0; i < 3; i++) {
      expect(checkOrigin(policy, 'attacker.example:8080', null)).toBe('Host attacker.example:8080 is not allowed');
      expect(checkOrigin(policy, '127.0.0.1:8080', null)).toBeUndefined();
    }
    expect(policy.acceptedHost).toBe('127.0.0.1:8080');
    // The Origin is checked on every request, whatever the Host.
    expect(checkOrigin(policy, '127.0.0.1:8080', 'http://attacker.example')).toBe('Origin http://attacker.example is not allowed');
    expect(checkOrigin(policy, '127.0.0.1:8080', 'https://app.example')).toBeUndefined();
    expect(checkOrigin(policy, '127.0.0.1:8080', 'http://localhost:3000')).toBeUndefined();
  });

  it('accepts any Host when no list is set, but still checks Origin', () => {
    const policy: OriginPolicy = { allowedHosts: undefined, allowedOrigins: new Set() };
    expect(checkOrigin(policy, 'anything.example', null)).toBeUndefined();
    expect(checkOrigin(policy, 'anything.example', 'null')).toBe('Origin null is not allowed');
  });

  it('hostnameOf strips the port, lower-cases, and rejects malformed names', () => {
    expect(hostnameOf(' Example.COM:443 ')).toBe('example.com');
    expect(hostnameOf('[::1]:80')).toBe('[::1]');
    expect(hostnameOf('[::1')).toBeUndefined();
    expect(hostnameOf('a_b')).toBeUndefined();
  });
});
