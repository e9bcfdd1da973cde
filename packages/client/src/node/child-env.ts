/**
 * The environment a spawned MCP server runs with: a short allow-list of this process's variables plus the caller's.
 * @module
 */

/**
 * What a program needs to find itself and run on POSIX: the user, their home, the search path, the shell and
 * terminal, the temp directory and the locale. Nothing that usually carries a credential.
 */
export const POSIX_INHERITED_ENV: readonly string[] = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'TMPDIR', 'LANG', 'LC_ALL'];

/** The Windows counterpart: without SYSTEMROOT and friends many programs (and Node itself) fail to start. */
export const WINDOWS_INHERITED_ENV: readonly string[] = [
  'APPDATA',
  'HOMEDRIVE',
  'HOMEPATH',
  'LOCALAPPDATA',
  'PATH',
  'PROCESSOR_ARCHITECTURE',
  'SYSTEMDRIVE',
  'SYSTEMROOT',
  'TEMP',
  'USERNAME',
  'USERPROFILE',
  'PROGRAMFILES',
];

/** The part of the transport options that shapes the environment. */
export interface ChildEnvironmentOptions {
  env?: Record<string, string> | undefined;
  inheritEnv?: boolean | string[] | undefined;
}

/**
 * Builds the complete environment for a server process. A host's environment routinely holds secrets (cloud
 * keys, API tokens, a GITHUB_TOKEN) while an MCP server is often third-party code, so by default the server
 * sees only the allow-list for `platform` and what `env` sets; `inheritEnv: true` passes everything,
 * an array names further variables to pass. `env` wins over inherited values.
 * Variables unset in `parent` are left out.
 * @example
 * const env = childEnvironment({ env: { API_KEY: 'k' }, inheritEnv: ['NODE_EXTRA_CA_CERTS'] });
 */
export function childEnvironment(
  options: ChildEnvironmentOptions,
  parent: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const result: Record<string, string> = {};
  if (options.inheritEnv === true) {
    for (const [name, value] of Object.entries(parent)) if (value !== undefined) result[name] = value;
  } else {
    const names = platform === 'win32' ? WINDOWS_INHERITED_ENV : POSIX_INHERITED_ENV;
    const extra = Array.isArray(options.inheritEnv) ? options.inheritEnv : [];
    // Reading through `parent` (process.env on Windows is case-insensitive) finds `Path` under `PATH`.
    for (const name of [...names, ...extra]) {
      const value = parent[name];
      if (value !== undefined) result[name] = value;
    }
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    // Callers in plain JavaScript can pass undefined; an unset variable is the only sensible reading.
    if (value !== undefined) result[name] = value;
  }
  return result;
}
