/**
 * The remembered "allow always" answers of `mcpkit chat`: the file they live in, and `--list-approvals` /
 * `--forget-approvals`, for every server or for the servers of `--config FILE` / `-- CMD`.
 * @module
 */
import { FileApprovalStore, type RememberedApproval, type ServerConfig, approvalsFilePath, serverIdentity } from '@mcpkit/host';
import { CliError, ExitCode } from '../failure.js';
import type { Io } from '../output/io.js';

/**
 * The approvals file of this user (`$XDG_CONFIG_HOME/mcpkit/approvals.json`), checked once before the chat starts.
 * @throws CliError (exit 2) for a file that cannot be used, with what to do about it.
 */
export async function approvalFile(io: Io): Promise<FileApprovalStore> {
  const store = new FileApprovalStore(approvalsFilePath(io.env));
  try {
    await store.list();
  } catch (error) {
    throw new CliError(ExitCode.Usage, (error as Error).message, 'fix or delete the file; --forget-approvals cannot read it either');
  }
  return store;
}

function describe(a: RememberedApproval, names: Map<string, string>): string {
  const server = names.get(a.identity);
  return `${a.tool}\t${server ? `${server} (${a.identity})` : a.identity}\tallowed ${a.savedAt}\n`;
}

/**
 * `--list-approvals` (stdout: one `TOOL<TAB>SERVER<TAB>allowed WHEN` line each) or `--forget-approvals` (stderr:
 * what was forgotten). `configs` narrows both to those servers; without it they cover every server.
 */
export async function manageApprovals(action: 'list' | 'forget', configs: ServerConfig[] | undefined, io: Io): Promise<void> {
  const store = await approvalFile(io);
  const names = new Map((configs ?? []).map((c) => [serverIdentity(c, c.name), c.name]));
  const mine = (a: RememberedApproval) => configs === undefined || names.has(a.identity);
  if (action === 'list') {
    const listed = (await store.list()).filter(mine);
    for (const a of listed) io.out(describe(a, names));
    if (listed.length === 0) io.err(`no remembered approvals${configs ? ' for these servers' : ''} (${store.path})\n`);
    return;
  }
  const gone = await store.forget(mine);
  for (const a of gone) io.err(`forgot: ${describe(a, names)}`);
  io.err(`${gone.length} remembered approval${gone.length === 1 ? '' : 's'} forgotten (${store.path})\n`);
}
