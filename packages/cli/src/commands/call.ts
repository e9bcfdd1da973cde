/**
 * `mcpkit call TOOL [JSON_ARGS] TARGET`: calls a tool and prints its result; exit 1 when it is an error result.
 * The call carries a progress token: progress shows as a bar on a terminal, as lines elsewhere, and each
 * notification restarts the --timeout clock. With `--task` the tool runs as a task (tasks extension): its status
 * changes show instead, and Ctrl-C cancels it on the server.
 * @module
 */
import { type CallToolResult, type Progress, McpkitError } from '@mcpkit/protocol';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../failure.js';
import { type TaskStatusView, taskStatusView } from '../observe/task-status.js';
import { note, warn } from '../output/io.js';
import { ServerAsks, rootsFrom } from '../interact/server-asks.js';
import { parseJsonObject } from '../json-args.js';
import { type ObserveOptions, addObserveOptions } from '../observe/options.js';
import { progressView } from '../observe/progress.js';
import { printJson } from '../output/io.js';
import { renderCallResult } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, type Session, addConnectionOptions, withSession } from '../session.js';
import { withSuggestion } from '../suggest.js';
import { addTargetOptions } from '../target.js';

interface CallOptions extends ConnectionOptions, ObserveOptions {
  task?: boolean;
}

/** How long Ctrl-C waits for the server to acknowledge tasks/cancel. */
const CANCEL_TIMEOUT_MS = 5000;

/** Runs the tool as a task: status changes on stderr, Ctrl-C cancels it on the server. */
async function runAsTask(ctx: CommandContext, session: Session, view: TaskStatusView, call: { tool: string; args: Record<string, unknown>; signal: AbortSignal }): Promise<CallToolResult> {
  const { io } = ctx;
  const { tool, args, signal } = call;
  let task;
  try {
    task = await session.client.callToolAsTask(tool, args, { signal });
  } catch (error) {
    if (!(error instanceof McpkitError && error.code === 'MCPKIT_TASKS_UNSUPPORTED')) throw error;
    throw new CliError(ExitCode.Protocol, `${error.message}`, 'call the tool without --task');
  }
  try {
    // Only Ctrl-C stops the wait: each poll has its own --timeout, a long task none.
    return await task.wait({ signal: ctx.signal, onStatus: (state) => (state.taskId === undefined ? undefined : view.update(state)) });
  } catch (error) {
    view.clear();
    if (ctx.signal.aborted && task.taskId !== undefined) {
      try {
        const after = await task.cancel({ timeoutMs: CANCEL_TIMEOUT_MS });
        note(io, `task ${task.taskId} ${after.status === 'cancelled' ? 'cancelled on the server' : `is ${after.status} (cancel came too late)`}`);
      } catch (cancelError) {
        warn(io, `could not cancel task ${task.taskId} on the server: ${cancelError instanceof Error ? cancelError.message : String(cancelError)}`);
      }
    }
    throw error;
  }
}

async function run(ctx: CommandContext, tool: string, argsText: string | undefined, options: CallOptions): Promise<void> {
  // Bad JSON is a usage error found before anything is started.
  const args = argsText === undefined ? {} : parseJsonObject(argsText, 'JSON_ARGS');
  const asks = new ServerAsks(ctx.io, rootsFrom(options.root ?? []));
  const progress = progressView(ctx.io);
  const taskView = taskStatusView(ctx.io);
  // Whichever line is drawn in place is erased before a prompt or any other stderr output.
  const status = {
    clear: () => {
      progress.clear();
      taskView.clear();
    },
  };
  asks.beforePrompt = () => status.clear();
  let result;
  try {
    result = await withSession(
      ctx,
      options,
      async (session) => {
        let known: string[] = [];
        try {
          return await session.request(`tools/call ${tool}`, async (signal, scope) => {
            // Listing first lets the client check structuredContent against the tool's outputSchema.
            known = (await session.client.listTools({ signal })).map((t) => t.name);
            if (options.task) return runAsTask(ctx, session, taskView, { tool, args, signal });
            // Each progress notification restarts the timeout: the engine's (resetTimeoutOnProgress) and mcpkit's.
            const onProgress = (p: Progress): void => {
              scope.progressed();
              progress.update(p);
            };
            return session.client.callTool(tool, args, { ...scope.options, onProgress });
          });
        } catch (error) {
          throw withSuggestion(error, tool, known);
        }
      },
      { asks, status },
    );
  } finally {
    status.clear();
  }
  const { io } = ctx;
  if (options.json) printJson(io, result);
  else io.out(renderCallResult(result, io.color));
  asks.throwIfRefused();
  if (result.isError === true) {
    throw new CliError(ExitCode.ToolError, `tool ${JSON.stringify(tool)} returned an error result (isError)`);
  }
}

export function callCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('call')
    .description('call a tool and print its result (with its progress; the server may ask you for input on a terminal)')
    .usage('[options] TOOL [JSON_ARGS] TARGET')
    .argument('<tool>', 'the tool name')
    .argument('[json_args]', 'the arguments as a JSON object, e.g. \'{"text": "hi"}\'');
  addTargetOptions(command);
  addConnectionOptions(command);
  addObserveOptions(command);
  command.option('--task', 'run the tool as a task (2026-07-28 tasks extension): show its status changes; Ctrl-C cancels it on the server');
  command.action((tool: string, argsText: string | undefined, options: CallOptions) => run(ctx, tool, argsText, options));
}
