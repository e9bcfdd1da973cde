/**
 * `mcpkit call TOOL [JSON_ARGS] TARGET`: calls a tool and prints its result; exit 1 when it is an error result.
 * The call carries a progress token: progress shows as a bar on a terminal, as lines elsewhere, and each
 * notification restarts the --timeout clock.
 * @module
 */
import type { Progress } from '@mcpkit/protocol';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../failure.js';
import { ServerAsks, rootsFrom } from '../interact/server-asks.js';
import { parseJsonObject } from '../json-args.js';
import { type ObserveOptions, addObserveOptions } from '../observe/options.js';
import { progressView } from '../observe/progress.js';
import { printJson } from '../output/io.js';
import { renderCallResult } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { withSuggestion } from '../suggest.js';
import { addTargetOptions } from '../target.js';

async function run(ctx: CommandContext, tool: string, argsText: string | undefined, options: ConnectionOptions & ObserveOptions): Promise<void> {
  // Bad JSON is a usage error found before anything is started.
  const args = argsText === undefined ? {} : parseJsonObject(argsText, 'JSON_ARGS');
  const asks = new ServerAsks(ctx.io, rootsFrom(options.root ?? []));
  const progress = progressView(ctx.io);
  asks.beforePrompt = () => progress.clear();
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
      { asks, status: progress },
    );
  } finally {
    progress.clear();
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
  command.action((tool: string, argsText: string | undefined, options: ConnectionOptions & ObserveOptions) => run(ctx, tool, argsText, options));
}
