/**
 * What `mcpkit call --task` shows of a task's status: on a terminal one line redrawn in place and erased at the
 * end; elsewhere one plain line per change.
 * @module
 */
import type { TaskState } from '@mcpkit/client';
import type { Io } from '../output/io.js';

export interface TaskStatusView {
  update(state: TaskState): void;
  clear(): void;
}

/** `task 1b2c…: working: fetching page 3`. */
export function describeTaskState(state: TaskState): string {
  return `task ${state.taskId ?? '(none)'}: ${state.status.replace('_', ' ')}${state.statusMessage ? `: ${state.statusMessage}` : ''}`;
}

/** A status view for `io`: a redrawn line on a terminal (stderr), plain lines otherwise. */
export function taskStatusView(io: Io): TaskStatusView {
  if (!io.stderrIsTty) return { update: (s) => io.err(`${describeTaskState(s)}\n`), clear: () => undefined };
  let drawn = false;
  return {
    update(state) {
      const width = io.errWidth ?? 80;
      let text = describeTaskState(state);
      // One line, never wrapped: a wrapped line could not be redrawn in place.
      if (text.length > width - 1) text = `${text.slice(0, Math.max(0, width - 2))}…`;
      io.err(`\r${io.errColor.cyan(text)}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) io.err('\r\x1b[K');
      drawn = false;
    },
  };
}
