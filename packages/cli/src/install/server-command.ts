/**
 * A stdio server's command line as a host will run it: from a directory of the host's choosing, so relative
 * paths become absolute, and with the host's PATH, so a command that cannot be found is reported.
 * @module
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The command line to write, and what the user should hear about it. */
export interface PreparedCommand {
  command: string;
  args: string[];
  /** Each relative path that was made absolute. */
  absolute: Array<{ from: string; to: string }>;
  /** Why the host will probably fail to start the server, one sentence each. */
  problems: string[];
}

const SEPARATOR = /[\\/]/;

/** `.`, `..`, `./x`, `../x` (and with backslashes): written as a path, whether or not it exists. */
function explicitlyRelative(word: string): boolean {
  return /^\.\.?(?:[\\/]|$)/.test(word);
}

function kind(path: string): 'file' | 'directory' | undefined {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * `word` with its relative path made absolute, and that path: `./x`, `../x` and `.` always; `dir/file` when it
 * exists; a bare `server.js` when it is a file here; the value of `--opt=./x`. Options, URLs, npm scopes
 * (`@scope/pkg`), package and module names are no paths and give undefined.
 */
function absoluteArg(word: string, cwd: string): { written: string; path: string } | undefined {
  if (word === '' || isAbsolute(word) || word.startsWith('@') || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(word)) return undefined;
  const option = /^(--?[A-Za-z0-9][\w-]*=)(.+)$/.exec(word);
  if (option) {
    if (!explicitlyRelative(option[2]!)) return undefined;
    const path = resolve(cwd, option[2]!);
    return { written: `${option[1]}${path}`, path };
  }
  if (word.startsWith('-')) return undefined;
  const path = resolve(cwd, word);
  if (explicitlyRelative(word) || (SEPARATOR.test(word) ? kind(path) !== undefined : kind(path) === 'file')) return { written: path, path };
  return undefined;
}

function executable(path: string): boolean {
  try {
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return kind(path) === 'file';
  } catch {
    return false;
  }
}

/** Where `command` is on `PATH` (trying `PATHEXT` on Windows), if anywhere. */
export function findOnPath(command: string, env: Record<string, string | undefined>): string | undefined {
  const extensions = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';')] : [''];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const ext of extensions) {
      const candidate = join(dir, command + ext);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Makes the relative paths of a stdio server's command line absolute and checks that its command exists. */
export function prepareCommand(command: string, args: string[], cwd: string, env: Record<string, string | undefined>): PreparedCommand {
  const absolute: PreparedCommand['absolute'] = [];
  const problems: string[] = [];
  let program = command;
  if (SEPARATOR.test(command) || explicitlyRelative(command)) {
    program = resolve(cwd, command);
    if (program !== command) absolute.push({ from: command, to: program });
    if (!kind(program)) problems.push(`the command ${program} does not exist: the host will fail to start the server`);
    else if (!executable(program)) problems.push(`the command ${program} is not an executable file: the host will fail to start the server`);
  } else if (findOnPath(command, env) === undefined) {
    problems.push(`the command \`${command}\` is not on your PATH, so the host will not find it either: install it, or give its full path`);
  }
  const written = args.map((arg) => {
    const found = absoluteArg(arg, cwd);
    if (found === undefined) return arg;
    absolute.push({ from: arg, to: found.written });
    if (!kind(found.path)) problems.push(`${found.path} does not exist (yet): the server will not start until it does`);
    return found.written;
  });
  return { command: program, args: written, absolute, problems };
}
