/**
 * Variable expansion in configuration values: Claude Code's `${VAR}` / `${VAR:-default}` and VS Code's
 * `${env:VAR}`, `${input:id}`, `${workspaceFolder}` and friends.
 * @module
 */
import { type ConfigLocation, configError } from './config-error.js';
import type { HostConfigInput } from './types.js';

type Env = Record<string, string | undefined>;

const SHELL_STYLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}/g;

/**
 * Expands Claude Code's `${VAR}` and `${VAR:-default}`. As in a POSIX shell, `:-` also replaces a variable
 * that is set but empty. Substituted text is not expanded again.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` for a variable that is not set and has no default.
 */
export function expandShellStyle(value: string, env: Env, at: ConfigLocation): string {
  return value.replace(SHELL_STYLE, (_match, name: string, hasDefault: string | undefined, fallback: string | undefined) => {
    const found = env[name];
    if (hasDefault !== undefined) return found === undefined || found === '' ? (fallback ?? '') : found;
    if (found === undefined) throw configError(at, `variable ${name} is not set and has no default`, { variable: name });
    return found;
  });
}

/** What VS Code's variables resolve against. */
export interface VsCodeVariables {
  env: Env;
  workspaceFolder: string | undefined;
  /** Declared `inputs`, by id. */
  inputs: ReadonlyMap<string, HostConfigInput>;
  resolveInput: ((input: HostConfigInput) => Promise<string>) | undefined;
  /** Answers already given, by id: VS Code asks for each input once, however often it is referenced. */
  answers: Map<string, Promise<string>>;
}

const VS_CODE_VARIABLE = /\$\{([^}]+)\}/g;

/**
 * Expands VS Code's variables. `${env:VAR}` of an unset variable is empty, as in VS Code.
 * @throws ConfigError `MCPKIT_CONFIG_INVALID` for an undeclared input, an input without `resolveInput`, a
 *   `${workspaceFolder}` without the option, or a variable this loader does not know (`${command:…}`, …).
 */
export async function expandVsCodeStyle(value: string, vars: VsCodeVariables, at: ConfigLocation): Promise<string> {
  const names = [...value.matchAll(VS_CODE_VARIABLE)].map((m) => m[1]!);
  if (names.length === 0) return value;
  const resolved = new Map<string, string>();
  for (const name of names) {
    if (!resolved.has(name)) resolved.set(name, await resolveVsCodeVariable(name, vars, at));
  }
  return value.replace(VS_CODE_VARIABLE, (_match, name: string) => resolved.get(name)!);
}

async function resolveVsCodeVariable(name: string, vars: VsCodeVariables, at: ConfigLocation): Promise<string> {
  if (name.startsWith('env:')) return vars.env[name.slice(4)] ?? '';
  if (name.startsWith('input:')) return answerFor(name.slice(6), vars, at);
  switch (name) {
    case 'workspaceFolder':
    case 'workspaceFolderBasename': {
      if (vars.workspaceFolder === undefined) {
        throw configError(at, `\${${name}} needs the workspaceFolder option`, { variable: name });
      }
      return name === 'workspaceFolder' ? vars.workspaceFolder : basename(vars.workspaceFolder);
    }
    case 'userHome': {
      const home = vars.env.HOME ?? vars.env.USERPROFILE;
      if (home === undefined) throw configError(at, '${userHome}: neither HOME nor USERPROFILE is set', { variable: name });
      return home;
    }
    case 'pathSeparator':
    case '/':
      return isWindows() ? '\\' : '/';
    default:
      throw configError(at, `variable \${${name}} is not supported outside VS Code`, { variable: name });
  }
}

function answerFor(id: string, vars: VsCodeVariables, at: ConfigLocation): Promise<string> {
  const input = vars.inputs.get(id);
  if (!input) throw configError(at, `\${input:${id}} refers to an input that "inputs" does not declare`, { variable: `input:${id}` });
  const { resolveInput } = vars;
  if (!resolveInput) {
    throw configError(at, `\${input:${id}} needs a value, but no resolveInput option was given`, { variable: `input:${id}` });
  }
  let answer = vars.answers.get(id);
  if (!answer) {
    const variable = `input:${id}`;
    answer = resolveInput(input).then(
      (v) => {
        if (typeof v !== 'string') throw configError(at, `resolveInput returned ${typeof v} for \${${variable}}, not a string`, { variable });
        return v;
      },
      (error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        throw configError(at, `resolveInput failed for \${${variable}}: ${why}`, { variable, cause: error });
      },
    );
    vars.answers.set(id, answer);
  }
  return answer;
}

function basename(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

function isWindows(): boolean {
  return (globalThis as { process?: { platform?: string } }).process?.platform === 'win32';
}
