/**
 * Rules that span fields, which a JSON Schema cannot say: referenced scopes and servers exist, names are
 * unique, and a gateway open to the network has some authentication.
 * @module
 */
import type { FieldPath } from './field-path.js';
import type { RawConfig } from './raw-config.js';
import { didYouMean } from './suggest.js';
import type { RawProblem } from './raw-problem.js';

/** Problems with how the parts of a (schema-valid) config refer to each other. */
export function crossFieldProblems(raw: RawConfig): RawProblem[] {
  const problems: RawProblem[] = [];
  const serverNames = Object.keys(raw.servers ?? {});
  const scopeNames = Object.keys(raw.scopes ?? {});

  // Names are compared without case too, so that scopes and audit records cannot confuse Files with files.
  const lower = new Map<string, string>();
  for (const name of serverNames) {
    const clash = lower.get(name.toLowerCase());
    if (clash !== undefined) problems.push({ path: ['servers', name], atKey: true, message: `differs from server "${clash}" only in case; names must differ in more than case` });
    lower.set(name.toLowerCase(), name);
  }

  const scopeRef = (path: FieldPath, scope: string) => {
    if (!scopeNames.includes(scope)) problems.push({ path, message: `names scope "${scope}", which is not defined under scopes${didYouMean(scope, scopeNames)}` });
  };
  const serverRef = (path: FieldPath, server: string) => {
    if (!serverNames.includes(server)) problems.push({ path, message: `names server "${server}", which is not defined under servers${didYouMean(server, serverNames)}` });
  };
  const globRef = (path: FieldPath, glob: string) => {
    // A glob whose server part is spelled out must name a real server, or it silently matches nothing.
    // A `tool:`, `resource:` or `prompt:` prefix limits a scope glob to one kind (security/scopes.ts).
    const bare = glob.replace(/^(tool|resource|prompt):/, '');
    const cut = bare.indexOf('__');
    if (cut <= 0) return;
    const server = bare.slice(0, cut);
    if (!/[*?[\]{}]/.test(server) && !serverNames.includes(server)) {
      problems.push({ path, message: `starts with server "${server}", which is not defined under servers${didYouMean(server, serverNames)}` });
    }
  };

  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  (raw.keys ?? []).forEach((key, i) => {
    const first = ids.get(key.id);
    if (first !== undefined) problems.push({ path: ['keys', i, 'id'], message: `"${key.id}" is already the id of keys[${first}]; ids must be unique` });
    else ids.set(key.id, i);
    const secret = key.key ?? key.sha256?.toLowerCase();
    if (secret !== undefined && secret !== '') {
      const same = hashes.get(secret);
      if (same !== undefined) problems.push({ path: ['keys', i, key.key !== undefined ? 'key' : 'sha256'], message: `is the same key as keys[${same}]; each key must be different` });
      else hashes.set(secret, i);
    }
    key.scopes.forEach((scope, j) => scopeRef(['keys', i, 'scopes', j], scope));
  });
  (raw.anonymous?.scopes ?? []).forEach((scope, j) => scopeRef(['anonymous', 'scopes', j], scope));
  for (const [scope, globs] of Object.entries(raw.scopes ?? {})) globs.forEach((glob, j) => globRef(['scopes', scope, j], glob));
  (raw.rateLimits ?? []).forEach((rule, i) => (rule.tools ?? []).forEach((glob, j) => globRef(['rateLimits', i, 'tools', j], glob)));

  const endpoint = raw.listen?.path ?? '/mcp';
  const paths = new Map<string, number>();
  (raw.routes ?? []).forEach((route, i) => {
    if (route.path === endpoint) problems.push({ path: ['routes', i, 'path'], message: `is the main endpoint (listen.path); a route needs a path of its own` });
    const first = paths.get(route.path);
    if (first !== undefined) problems.push({ path: ['routes', i, 'path'], message: `is already the path of routes[${first}]` });
    else paths.set(route.path, i);
    (route.servers ?? []).forEach((server, j) => serverRef(['routes', i, 'servers', j], server));
    (route.tools ?? []).forEach((glob, j) => globRef(['routes', i, 'tools', j], glob));
  });

  const host = raw.listen?.host;
  const hasAuth = (raw.keys ?? []).length > 0 || raw.oauth !== undefined || raw.anonymous !== undefined;
  if (host !== undefined && !isLoopbackHost(host) && !hasAuth) {
    problems.push({
      path: ['listen', 'host'],
      message: `binds ${host}, which is reachable from the network, but no keys, oauth or anonymous section is configured: anyone could call every tool. Add keys or oauth, or listen on 127.0.0.1`,
    });
  }
  return problems;
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
