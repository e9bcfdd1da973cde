/**
 * The backup `install` keeps of a host's configuration file before changing it: one per file (its previous
 * version), readable by the user alone, and in mcpkit's own state directory rather than beside the file, where
 * copies piled up in the project and could be committed with the tokens these files hold.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * Where backups go: `$XDG_STATE_HOME/mcpkit/backups` when set, else `~/.local/state/mcpkit/backups`
 * (`%LOCALAPPDATA%\mcpkit\backups` on Windows).
 */
export function backupDir(env: Record<string, string | undefined>): string {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'mcpkit', 'backups');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'mcpkit', 'backups');
  return join(homedir(), '.local', 'state', 'mcpkit', 'backups');
}

/** `proj-.vscode-mcp.json.1a2b3c4d5e6f.bak`: readable, and one name per configuration file. */
function backupName(file: string): string {
  const id = createHash('sha256').update(file).digest('hex').slice(0, 12);
  return `${basename(dirname(dirname(file)))}-${basename(dirname(file))}-${basename(file)}.${id}.bak`;
}

/**
 * Copies `file` over its previous backup, mode 0600 in a 0700 directory, atomically (a crash leaves the old
 * backup or the new one); returns the backup's path.
 */
export async function backUp(file: string, env: Record<string, string | undefined>): Promise<string> {
  const dir = backupDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir sets the mode only of what it creates. A directory that cannot be narrowed is not ours to fix,
  // and the file itself is 0600 whatever happens here.
  await chmod(dir, 0o700).catch(() => undefined);
  const target = join(dir, backupName(file));
  const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(await readFile(file));
    // The umask may have narrowed the mode, never widened it; this makes it exactly 0600.
    await handle.chmod(0o600);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return target;
}
