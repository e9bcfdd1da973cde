/**
 * Signalling a spawned server together with everything it started, through its process group.
 * @module
 */
import type { ChildProcess } from 'node:child_process';

/** Windows has no process groups (and `detached` means a new console there), so only the child is signalled. */
export const usesProcessGroups = process.platform !== 'win32';

/**
 * Sends `signal` to the child's process group (it leads one because it was spawned `detached`), so helpers it
 * started go too; falls back to the child alone when the group cannot be signalled (a server that called
 * setsid left it, or Windows). A process that is already gone is not an error.
 */
export function signalTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (usesProcessGroups) {
    try {
      process.kill(-pid, signal);
      return;
    } catch {
      // ESRCH (no group) or EPERM: try the child itself below.
    }
  }
  try {
    child.kill(signal);
  } catch {
    // The child is gone already; ChildProcess#kill reports other failures through its 'error' event.
  }
}

/**
 * Whether a process group led by (or once led by) `pid` still has members. Zombies count until reaped.
 * A pid is not reused while a group of that id exists, so asking right after the leader exited is safe.
 */
export function groupAlive(pid: number): boolean {
  if (!usesProcessGroups) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: members we may not signal, so waiting for them would be in vain.
    return false;
  }
}

/** Signals every member of the group led by `pid`. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (!usesProcessGroups) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group emptied between the check and the signal.
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the group led by `pid` is empty or `ms` has passed; true when it is empty. */
export async function waitForGroupExit(pid: number, ms: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(pollMs);
  }
  return true;
}
