// Hostile and broken mcp.yaml files: each problem is reported at its exact line:column with its field path.
import { describe, expect, it } from 'vitest';
import { McpkitError } from '@mcpkit/protocol';
import { GatewayConfigError } from './errors.js';
import { parseGatewayConfig } from './parse.js';

const KEY = 'k'.repeat(43);
const env = { DEMO_KEY: KEY, OTHER_KEY: 'o'.repeat(43), TOKEN: 't0ken' };

/** The problem lines of the error the text is refused with (without the `… has N problems:` header). */
async function refusal(lines: string[], environment: Record<string, string> = env): Promise<string[]> {
  try {
    await parseGatewayConfig(lines.join('\n'), { path: '/cfg/mcp.yaml', env: environment, readFile: () => Promise.reject(new Error('no such file')) });
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError);
    return (error as Error).message.split('\n').slice(1);
  }
  throw new Error('the config was accepted');
}

describe('parseGatewayConfig refuses a broken mcp.yaml', () => {
  it('is a GatewayConfigError with a stable code and every problem, in file order', async () => {
    const error = await parseGatewayConfig('metrics: yes please\nlogLevel: 3\n', { path: '/cfg/mcp.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayConfigError);
    expect(error).toBeInstanceOf(McpkitError);
    expect(error).toMatchObject({
      code: 'MCPKIT_GATEWAY_CONFIG_INVALID',
      name: 'GatewayConfigError',
      file: 'mcp.yaml',
      problems: [
        { path: 'metrics', line: 1, column: 10, message: 'must be true or false' },
        { path: 'logLevel', line: 2, column: 11, message: 'must be one of fatal, error, warn, info, debug, trace, silent' },
      ],
    });
    expect((error as Error).message).toBe(
      'mcp.yaml has 2 problems:\nmcp.yaml:1:10: metrics: must be true or false\nmcp.yaml:2:11: logLevel: must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('names wrong types at the value', async () => {
    expect(await refusal(['listen:', '  port: "8080"', 'servers:', '  files:', '    command: [node]', '    args: node x.js'])).toEqual([
      'mcp.yaml:2:9: listen.port: must be a whole number',
      'mcp.yaml:5:14: servers.files.command: must be a string',
      'mcp.yaml:6:11: servers.files.args: must be a list',
    ]);
    expect(await refusal(['- servers'])).toEqual(['mcp.yaml:1:1: must be a mapping (key: value)']);
    expect(await refusal(['listen:', '  port: 70000'])).toEqual(['mcp.yaml:2:9: listen.port: must be at most 65535']);
  });

  it('refuses unknown keys at the key, with a "did you mean"', async () => {
    expect(await refusal(['sever:', '  a: {command: x}', 'listen:', '  hots: 0.0.0.0', '  bogus: 1'])).toEqual([
      'mcp.yaml:1:1: sever: is not a known field (did you mean "servers"?)',
      'mcp.yaml:4:3: listen.hots: is not a known field (did you mean "host"?)',
      'mcp.yaml:5:3: listen.bogus: is not a known field; expected one of: host, port, path, publicUrl, allowedHosts, allowedOrigins, tls',
    ]);
    expect(await refusal(['servers:', '  files:', '    command: node', '    arg: [x]'])).toEqual([
      'mcp.yaml:4:5: servers.files.arg: is not a known field (did you mean "args"?)',
    ]);
  });

  it('says which field a server entry is missing', async () => {
    expect(await refusal(['servers:', '  files:', '    args: [x]'])).toEqual(['mcp.yaml:3:5: servers.files.command: is required']);
    expect(await refusal(['servers:', '  web: {url: https://x, command: node}'])).toEqual([
      'mcp.yaml:2:25: servers.web.command: is not a known field; expected one of: url, headers, auth, allowTools, denyTools, timeout, listTimeout',
    ]);
  });

  it('refuses secrets written in the file', async () => {
    expect(
      await refusal([
        'servers:',
        '  web:',
        '    url: https://example.com/mcp',
        '    headers: {Authorization: Bearer abc123}',
        '    auth: {type: client_credentials, tokenUrl: https://as/token, clientId: gw, clientSecret: s3cret}',
        'keys:',
        '  - {id: ci, key: hunter2hunter2hunter2, scopes: []}',
      ]),
    ).toEqual([
      'mcp.yaml:4:30: servers.web.headers.Authorization: must contain a ${env:NAME} or ${file:PATH} reference: header values are treated as secrets and never written in the file',
      'mcp.yaml:5:94: servers.web.auth.clientSecret: must be a ${env:NAME} or ${file:PATH} reference: secrets are never written in the file',
      'mcp.yaml:7:19: keys[0].key: must be a ${env:NAME} or ${file:PATH} reference: secrets are never written in the file',
    ]);
  });

  it('names a missing environment variable, and a reference it does not know', async () => {
    expect(
      await refusal([
        'servers:',
        '  web: {url: "https://${env:API_HOST}/mcp", headers: {X-Key: "${env:TOKEN}"}}',
        '  cli: {command: "${HOME}/bin/x"}',
        'keys:',
        '  - {id: ci, key: "${env:CI_KEY}", scopes: []}',
      ]),
    ).toEqual([
      'mcp.yaml:2:14: servers.web.url: ${env:API_HOST}: the environment variable API_HOST is not set',
      'mcp.yaml:3:18: servers.cli.command: ${HOME} is not a reference this file understands; use ${env:NAME} or ${file:PATH} (write $${ for a literal ${)',
      'mcp.yaml:5:19: keys[0].key: ${env:CI_KEY}: the environment variable CI_KEY is not set',
    ]);
  });

  it('names a ${file:} it cannot read, resolved against the config folder', async () => {
    expect(await refusal(['keys:', '  - {id: ci, key: "${file:secrets/ci.key}", scopes: []}'])).toEqual([
      'mcp.yaml:2:19: keys[0].key: ${file:secrets/ci.key}: cannot read /cfg/secrets/ci.key: no such file',
    ]);
  });

  it('refuses bad durations', async () => {
    expect(
      await refusal([
        'servers:',
        '  a: {command: x, timeout: 30 seconds}',
        '  b: {command: x, listTimeout: -5}',
        '  c: {command: x, timeout: 30d}',
        '  d: {command: x, timeout: 0}',
        'concurrency: {queueTimeout: 1.5.s}',
      ]),
    ).toEqual([
      'mcp.yaml:2:28: servers.a.timeout: must be a duration: a number of milliseconds or a string such as 500ms, 30s, 1m, 1h',
      'mcp.yaml:3:32: servers.b.listTimeout: must be a duration: a number of milliseconds or a string such as 500ms, 30s, 1m, 1h',
      'mcp.yaml:6:29: concurrency.queueTimeout: must be a duration: a number of milliseconds or a string such as 500ms, 30s, 1m, 1h',
    ]);
    // Valid as written, wrong as a value: found after the shape is right.
    expect(await refusal(['servers:', '  c: {command: x, timeout: 30d}', '  d: {command: x, timeout: 0}'])).toEqual([
      'mcp.yaml:2:28: servers.c.timeout: must be at most 2147483647 ms (about 24.8 days)',
      'mcp.yaml:3:28: servers.d.timeout: must be longer than 0',
    ]);
  });

  it('refuses server names that would break server__tool namespacing', async () => {
    const rule = 'must be letters, digits, - and _ (at most 64), without __ and not ending in _, since tools are exposed as NAME__tool';
    expect(
      await refusal(['servers:', '  my__files: {command: x}', '  my files: {command: x}', '  files_: {command: x}', '  ok-name_2: {command: x}']),
    ).toEqual([`mcp.yaml:2:3: servers.my__files: ${rule}`, `mcp.yaml:3:3: servers["my files"]: ${rule}`, `mcp.yaml:4:3: servers.files_: ${rule}`]);
    expect(await refusal(['servers:', '  Files: {command: x}', '  files: {command: x}'])).toEqual([
      'mcp.yaml:3:3: servers.files: differs from server "Files" only in case; names must differ in more than case',
    ]);
  });

  it('refuses references to scopes and servers that do not exist', async () => {
    expect(
      await refusal([
        'servers:',
        '  files: {command: x}',
        'scopes:',
        '  reader: [files__read_*, filez__*, "*__list"]',
        'keys:',
        '  - {id: ci, key: "${env:DEMO_KEY}", scopes: [reader, raeder, admin]}',
        'anonymous: {scopes: [guest]}',
        'routes:',
        '  - {path: /mcp/ro, servers: [files, wether], tools: [weather__*]}',
        'rateLimits:',
        '  - {per: tool, limit: 5, window: 1m, tools: [file__*]}',
      ]),
    ).toEqual([
      'mcp.yaml:4:27: scopes.reader[1]: starts with server "filez", which is not defined under servers (did you mean "files"?)',
      'mcp.yaml:6:55: keys[0].scopes[1]: names scope "raeder", which is not defined under scopes (did you mean "reader"?)',
      'mcp.yaml:6:63: keys[0].scopes[2]: names scope "admin", which is not defined under scopes',
      'mcp.yaml:7:22: anonymous.scopes[0]: names scope "guest", which is not defined under scopes',
      'mcp.yaml:9:38: routes[0].servers[1]: names server "wether", which is not defined under servers',
      'mcp.yaml:9:55: routes[0].tools[0]: starts with server "weather", which is not defined under servers',
      'mcp.yaml:11:47: rateLimits[0].tools[0]: starts with server "file", which is not defined under servers (did you mean "files"?)',
    ]);
  });

  it('refuses keys that are short, duplicated, or both a key and a hash', async () => {
    const sha = 'a'.repeat(64);
    expect(
      await refusal([
        'keys:',
        '  - {id: a, key: "${env:TOKEN}", scopes: []}',
        '  - {id: a, key: "${env:DEMO_KEY}", scopes: []}',
        '  - {id: c, sha256: "' + sha + '", key: "${env:OTHER_KEY}", scopes: []}',
        '  - {id: d, scopes: []}',
        '  - {id: "e f", sha256: "abc", scopes: []}',
      ]),
    ).toEqual([
      'mcp.yaml:4:5: keys[2]: must have exactly one of key (a ${env:NAME} or ${file:PATH} reference) or sha256',
      'mcp.yaml:5:5: keys[3]: must have exactly one of key (a ${env:NAME} or ${file:PATH} reference) or sha256',
      'mcp.yaml:6:10: keys[4].id: must be 1 to 64 letters, digits, ., - or _',
      'mcp.yaml:6:25: keys[4].sha256: must be 64 hexadecimal digits (a SHA-256)',
    ]);
    expect(
      await refusal(['keys:', '  - {id: a, key: "${env:TOKEN}", scopes: []}', '  - {id: a, key: "${env:DEMO_KEY}", scopes: []}', '  - {id: b, key: "${env:DEMO_KEY}", scopes: []}']),
    ).toEqual([
      'mcp.yaml:2:18: keys[0].key: is 5 characters long; a key needs at least 16 (`mcpkit gateway keys create` makes 256-bit keys)',
      'mcp.yaml:3:10: keys[1].id: "a" is already the id of keys[0]; ids must be unique',
      'mcp.yaml:4:18: keys[2].key: is the same key as keys[1]; each key must be different',
    ]);
  });

  it('refuses a bind open to the network without authentication', async () => {
    expect(await refusal(['listen:', '  host: 0.0.0.0', '  port: 9000'])).toEqual([
      'mcp.yaml:2:9: listen.host: binds 0.0.0.0, which is reachable from the network, but no keys, oauth or anonymous section is configured: anyone could call every tool. Add keys or oauth, or listen on 127.0.0.1',
    ]);
    await expect(parseGatewayConfig('listen: {host: 0.0.0.0}\nanonymous: {scopes: []}\n', { env })).resolves.toMatchObject({ listen: { host: '0.0.0.0' } });
    await expect(parseGatewayConfig('listen: {host: 0.0.0.0}\noauth: {issuer: "https://as.example"}\n', { env })).resolves.toBeTruthy();
    for (const host of ['localhost', '127.0.0.2', '::1']) {
      await expect(parseGatewayConfig(`listen: {host: "${host}"}\n`, { env })).resolves.toBeTruthy();
    }
  });

  it('refuses duplicate keys, naming the first', async () => {
    expect(await refusal(['servers:', '  a:', '    command: x', '    command: y', 'metrics: true', 'metrics: false'])).toEqual([
      'mcp.yaml:4:5: servers.a.command: is given twice (first on line 3); keys must be unique',
      'mcp.yaml:6:1: metrics: is given twice (first on line 5); keys must be unique',
    ]);
  });

  it('refuses invalid YAML syntax at the place the parser stopped', async () => {
    expect(await refusal(['servers:', '  a: {command: x', 'metrics: true'])).toEqual([
      expect.stringMatching(/^mcp\.yaml:\d+:\d+: invalid YAML: /),
    ]);
    expect(await refusal(['listen:', '  host: "127.0.0.1', 'metrics: true'])).toEqual([expect.stringMatching(/^mcp\.yaml:\d+:\d+: invalid YAML: Missing closing "quote/)]);
    expect(await refusal(['listen:', '  host: x', ' port: 1'])).toEqual([expect.stringMatching(/^mcp\.yaml:3:\d+: invalid YAML: /)]);
  });

  it('refuses alias bombs (billion laughs) without expanding them', async () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) bomb.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    const started = Date.now();
    expect(await refusal(bomb)).toEqual([
      'mcp.yaml:1:1: the YAML anchors and aliases expand too much (Excessive alias count indicates a resource exhaustion attack)',
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses YAML tags (at the tagged value) and collection keys', async () => {
    expect(await refusal(['metrics: !!binary aGVsbG8=', 'logLevel: !env LOG_LEVEL'])).toEqual([
      'mcp.yaml:1:19: metrics: YAML tags such as tag:yaml.org,2002:binary are not supported; write plain values',
      'mcp.yaml:2:16: logLevel: YAML tags such as !env are not supported; write plain values',
    ]);
    expect(await refusal(['scopes:', '  ? [a, b]', '  : [x]'])).toEqual(['mcp.yaml:2:5: scopes: keys must be plain names, not lists or mappings']);
  });

  it('checks values that came from a reference once they are known', async () => {
    expect(await refusal(['logLevel: "${env:LEVEL}"', 'listen: {path: "${env:ENDPOINT}"}'], { LEVEL: 'verbose', ENDPOINT: 'mcp' })).toEqual([
      'mcp.yaml:1:11: logLevel: must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"',
      'mcp.yaml:2:16: listen.path: must be a URL path starting with /, not "mcp"',
    ]);
  });

  it('refuses a route on the main endpoint and two routes on one path', async () => {
    expect(await refusal(['routes:', '  - {path: /mcp}', '  - {path: /ro}', '  - {path: /ro}'])).toEqual([
      'mcp.yaml:2:12: routes[0].path: is the main endpoint (listen.path); a route needs a path of its own',
      'mcp.yaml:4:12: routes[2].path: is already the path of routes[1]',
    ]);
  });

  it('refuses __proto__ as a key and nesting no config needs', async () => {
    expect(await refusal(['scopes:', '  __proto__: ["*"]'])).toEqual(['mcp.yaml:2:3: scopes.__proto__: is not allowed as a key']);
    const deep = `metrics: ${'{a: '.repeat(40)}1${'}'.repeat(40)}`;
    expect(await refusal([deep])).toEqual([`mcp.yaml:1:${deep.indexOf('{a: '.repeat(9)) + 1 + 32 * 4}: metrics${'.a'.repeat(32)}: is nested more than 32 levels deep`]);
  });

  it('refuses an OAuth issuer over plain http unless it is on this machine', async () => {
    expect(await refusal(['oauth:', '  issuer: "http://as.example"', '  jwksUrl: "http://as.example/jwks"'])).toEqual([
      'mcp.yaml:2:11: oauth.issuer: must be an https:// URL (plain http is accepted only for a loopback host), not "http://as.example"',
      'mcp.yaml:3:12: oauth.jwksUrl: must be an https:// URL (plain http is accepted only for a loopback host), not "http://as.example/jwks"',
    ]);
    await expect(parseGatewayConfig('oauth: {issuer: "http://127.0.0.1:9000"}\n', { env })).resolves.toBeTruthy();
  });

  it('explains bad names, enumerations, lists and missing fields in every section', async () => {
    expect(
      await refusal([
        'servers:',
        '  a: {command: x, env: {BAD-NAME: x, "1X": y}}',
        '  w: {url: "https://x", auth: {type: client_credential}}',
        '  v: {url: "https://x", auth: {type: client_credentials, tokenUrl: "https://t"}}',
        '  u: {url: "ftp://x"}',
        '  s: x',
        'scopes:',
        '  "has space": [a]',
        '  ok: ["a b"]',
        'rateLimits:',
        '  - {per: principle, limit: 0, window: 1m, tool: [x]}',
        'keys:',
        '  - {id: j, sha256: "' + 'b'.repeat(64) + '", scopes: ok}',
        'routes:',
        '  - {path: mcp2}',
        'anonymous: {}',
      ]),
    ).toEqual([
      'mcp.yaml:2:25: servers.a.env.BAD-NAME: must be an environment variable name: letters, digits and _, not starting with a digit',
      'mcp.yaml:2:38: servers.a.env.1X: must be an environment variable name: letters, digits and _, not starting with a digit',
      'mcp.yaml:3:38: servers.w.auth.type: must be one of none, client_credentials, token_exchange (did you mean "client_credentials"?)',
      'mcp.yaml:4:31: servers.v.auth.clientId: is required',
      'mcp.yaml:4:31: servers.v.auth.clientSecret: is required',
      'mcp.yaml:5:12: servers.u.url: must be an http:// or https:// URL',
      'mcp.yaml:6:6: servers.s: must be a mapping (key: value)',
      'mcp.yaml:8:3: scopes["has space"]: must be a scope name: printable ASCII without spaces, quotes or backslashes',
      'mcp.yaml:9:8: scopes.ok[0]: must be a glob without spaces, e.g. files__read_* or weather__*',
      'mcp.yaml:11:11: rateLimits[0].per: must be one of principal, server, tool (did you mean "principal"?)',
      'mcp.yaml:11:29: rateLimits[0].limit: must be at least 1',
      'mcp.yaml:11:44: rateLimits[0].tool: is not a known field (did you mean "tools"?)',
      'mcp.yaml:13:97: keys[0].scopes: must be a list',
      'mcp.yaml:15:12: routes[0].path: must be a URL path starting with /',
      'mcp.yaml:16:12: anonymous.scopes: is required',
    ]);
  });

  it('refuses an expiry date that does not exist', async () => {
    const sha = 'a'.repeat(64);
    expect(await refusal([`keys: [{id: k, sha256: "${sha}", scopes: [], expires: 2026-02-30}]`])).toEqual([
      `mcp.yaml:1:${`keys: [{id: k, sha256: "${sha}", scopes: [], expires: `.length + 1}: keys[0].expires: is not a real date or date-time: "2026-02-30"`,
    ]);
    const config = await parseGatewayConfig(`keys: [{id: k, sha256: "${sha}", scopes: [], expires: "2026-12-31T23:00:00+01:00"}]`, { env });
    expect(config.keys[0]!.expiresAt).toBe(Date.UTC(2026, 11, 31, 22));
  });

  it('refuses passwords in URLs and credential-named environment variables written in the file', async () => {
    expect(
      await refusal([
        'servers:',
        '  api: {url: "https://gw:hunter2@api.example/mcp"}',
        '  ok: {url: "https://gw:${env:API_PASSWORD}@api.example/mcp"}',
        '  ai: {command: x, env: {OPENAI_API_KEY: sk-123, GITHUB_TOKEN: "${env:GITHUB_TOKEN}", MAX_TOKENS: 100, KEY_FILE: k.pem}}',
        'audit: {postgres: "postgres://audit:pw@db/audit"}',
        'store: {postgres: "${env:DATABASE_URL}"}',
      ], { ...env, DATABASE_URL: 'postgres://x:y@db/x', API_PASSWORD: 'p', GITHUB_TOKEN: 'g' }),
    ).toEqual([
      'mcp.yaml:2:14: servers.api.url: has a password written in the file; write it as a ${env:NAME} or ${file:PATH} reference (or the whole URL as one)',
      'mcp.yaml:4:42: servers.ai.env.OPENAI_API_KEY: is named like a credential, so its value must be a ${env:NAME} or ${file:PATH} reference, not written in the file',
      'mcp.yaml:5:19: audit.postgres: has a password written in the file; write it as a ${env:NAME} or ${file:PATH} reference (or the whole URL as one)',
    ]);
  });
});
