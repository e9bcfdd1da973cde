/**
 * Secrets the schema cannot spot by field name alone: a password inside a URL, and a stdio server's environment
 * variable named like a credential. Checked on the file as written, before references are replaced.
 * @module
 */
import type { RawProblem } from './raw-problem.js';

const REFERENCE = /\$\{(?:env|file):[^}]+\}/;
/** The last word of a variable name that says it holds a credential (`OPENAI_API_KEY`, `GITHUB_TOKEN`). */
const CREDENTIAL_WORDS = new Set(['KEY', 'APIKEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'PWD', 'CREDENTIAL', 'CREDENTIALS']);

type Tree = Record<string, unknown>;

/** Problems for literal secrets in `data`, the file's plain data before substitution. */
export function literalSecretProblems(data: unknown): RawProblem[] {
  const problems: RawProblem[] = [];
  if (!isRecord(data)) return problems;
  const urlAt = (path: (string | number)[], value: unknown) => {
    const password = urlPassword(value);
    if (password !== undefined && !REFERENCE.test(password)) {
      problems.push({ path, message: 'has a password written in the file; write it as a ${env:NAME} or ${file:PATH} reference (or the whole URL as one)' });
    }
  };
  for (const section of ['audit', 'store', 'storage'] as const) {
    const db = data[section];
    if (isRecord(db)) urlAt([section, 'postgres'], db.postgres);
  }
  if (isRecord(data.storage)) urlAt(['storage', 'redis'], data.storage.redis);
  const servers = isRecord(data.servers) ? data.servers : {};
  for (const [name, server] of Object.entries(servers)) {
    if (!isRecord(server)) continue;
    urlAt(['servers', name, 'url'], server.url);
    const env = isRecord(server.env) ? server.env : {};
    for (const [variable, value] of Object.entries(env)) {
      const last = variable.toUpperCase().split('_').pop() ?? '';
      if (CREDENTIAL_WORDS.has(last) && typeof value === 'string' && value !== '' && !REFERENCE.test(value)) {
        problems.push({
          path: ['servers', name, 'env', variable],
          message: `is named like a credential, so its value must be a \${env:NAME} or \${file:PATH} reference, not written in the file`,
        });
      }
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The password part of `scheme://user:password@host…`, if the URL has one. */
function urlPassword(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const userinfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/.exec(value)?.[1];
  if (userinfo === undefined) return undefined;
  const colon = userinfo.indexOf(':');
  return colon < 0 ? undefined : userinfo.slice(colon + 1);
}
