import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from './args.js';

describe('parseArgs', () => {
  it('defaults to stdio, api.github.com and 15 seconds', () => {
    expect(parseArgs([])).toEqual({ httpPort: undefined, apiUrl: 'https://api.github.com', timeoutMs: 15_000 });
  });

  it('takes a GitHub Enterprise root, without its trailing slash', () => {
    expect(parseArgs(['--api-url', 'https://ghe.example.com/api/v3/', '--timeout', '2.5', '--http', '0'])).toEqual({
      httpPort: 0,
      apiUrl: 'https://ghe.example.com/api/v3',
      timeoutMs: 2500,
    });
  });

  it.each([
    [['--api-url', 'http://ghe.example.com'], '--api-url must use https (plain http only for localhost)'],
    [['--api-url', 'ftp://x'], '--api-url must be an https URL'],
    [['--api-url', 'https://user:secret@ghe.example.com'], 'must not carry credentials'],
    [['--api-url', 'https://ghe.example.com?x=1'], 'must not have a query or fragment'],
    [['--api-url', 'nope'], '--api-url needs an absolute URL'],
    [['--api-url'], '--api-url needs a URL, got nothing'],
    [['--timeout', '0'], '--timeout needs a number of seconds above 0 and at most 300'],
    [['--http', '-1'], '--http needs a port number'],
    [['--token', 'x'], 'unknown argument "--token"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('accepts plain http for loopback only', () => {
    expect(parseArgs(['--api-url', 'http://127.0.0.1:8080'])).toMatchObject({ apiUrl: 'http://127.0.0.1:8080' });
    expect(parseArgs(['--api-url', 'http://localhost/api'])).toMatchObject({ apiUrl: 'http://localhost/api' });
  });
});
