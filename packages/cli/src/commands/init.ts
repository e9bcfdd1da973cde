/**
 * `mcpkit init DIR`: scaffolds a TypeScript MCP server project (one tool, a test, a README) in a new or empty folder.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError, ExitCode, usageError } from '../failure.js';
import { GITIGNORE, type ScaffoldDependencies, type ScaffoldInput, indexTestTs, indexTs, packageJson, readme, tsconfigJson } from '../init/templates.js';
import { type CommandContext, VERSION } from '../session.js';

interface InitOptions {
  name?: string;
  mcpkitPath?: string;
}

/** npm's rules for a package name, minus the legacy ones. */
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** A package name made from the folder's name. */
export function nameFromDir(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[._-]+$/g, '');
  return name.slice(0, 214) || 'mcp-server';
}

/** The version range of an mcpkit package as this CLI was shipped with it. */
function registryRange(pkg: '@mcpkit/server' | '@mcpkit/client'): string {
  const { version } = createRequire(import.meta.url)(`${pkg}/package.json`) as { version: string };
  return `^${version}`;
}

function dependencies(mcpkitPath: string | undefined): ScaffoldDependencies {
  if (mcpkitPath === undefined) return { server: registryRange('@mcpkit/server'), client: registryRange('@mcpkit/client'), cli: `^${VERSION}` };
  const root = resolve(mcpkitPath);
  for (const pkg of ['protocol', 'server', 'client', 'cli']) {
    if (!existsSync(join(root, 'packages', pkg, 'package.json'))) throw usageError(`--mcpkit-path ${mcpkitPath}: no packages/${pkg}/package.json there`, 'point it at a clone of the mcpkit repository');
  }
  // npm links file: folders; the linked packages load their own dependencies from the clone's node_modules.
  const local = (pkg: string) => `file:${join(root, 'packages', pkg)}`;
  return { server: local('server'), client: local('client'), protocol: local('protocol'), cli: local('cli') };
}

async function checkEmpty(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw usageError(`${dir} exists and is not a folder`, 'choose a new folder name');
  const entries = await readdir(dir);
  if (entries.length) throw usageError(`${dir} is not empty (it has ${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`, 'choose a new folder, or empty this one first; init never overwrites files');
}

async function run(ctx: CommandContext, dirArg: string, options: InitOptions): Promise<void> {
  if (ctx.stdio !== undefined) throw usageError('init takes no server command after `--`');
  const dir = resolve(dirArg);
  const name = options.name ?? nameFromDir(dir);
  if (!PACKAGE_NAME.test(name) || name.length > 214) throw usageError(`${JSON.stringify(name)} is not a valid npm package name`, 'pass one with --name, e.g. --name my-server');
  await checkEmpty(dir);
  const input: ScaffoldInput = { name, deps: dependencies(options.mcpkitPath) };
  const files: Array<[string, string]> = [
    ['package.json', packageJson(input)],
    ['tsconfig.json', tsconfigJson()],
    ['src/index.ts', indexTs(input)],
    ['src/index.test.ts', indexTestTs(input)],
    ['README.md', readme(input)],
    ['.gitignore', GITIGNORE],
  ];
  try {
    await mkdir(join(dir, 'src'), { recursive: true });
    // 'wx': never overwrite, even if something appeared since the emptiness check.
    for (const [file, text] of files) await writeFile(join(dir, file), text, { flag: 'wx' });
  } catch (error) {
    throw new CliError(ExitCode.Usage, `cannot create the project in ${dir}: ${(error as Error).message}`, 'check that the folder is writable', { cause: error });
  }
  const { io } = ctx;
  const c = io.color;
  const shown = relative(process.cwd(), dir) || '.';
  io.out(`${c.green('✓')} Created ${c.bold(name)} in ${shown}\n`);
  for (const [file] of files) io.out(`  ${file}\n`);
  io.out(`\nNext:\n  cd ${shown}\n  npm install\n  npm test\n  npx mcpkit list -- node dist/index.js\n`);
}

export function initCommand(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('create a TypeScript MCP server project (one tool, a test, a README) in a new or empty folder')
    .usage('[options] DIR')
    .argument('<dir>', 'the folder to create')
    .option('--name <name>', 'the package name (default: the folder name)')
    // Until the packages are on the registry this is how to use them (the root README, "Using mcpkit from a clone");
    // the scaffold's own test uses it too, to install offline.
    .addOption(new Option('--mcpkit-path <dir>', 'depend on the mcpkit packages of a local clone (file: links) instead of the npm registry'))
    .action((dir: string, options: InitOptions) => run(ctx, dir, options));
}
