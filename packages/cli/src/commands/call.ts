/**
 * `mcpkit call TOOL [JSON_ARGS] TARGET`: calls a tool and prints its result; exit 1 when it is an error result.
 * @module
 */
import type { Command } from 'commander';
import { CliError, ExitCode } from '../failure.js';
import { parseJsonObject } from '../json-args.js';
import { printJson } from '../output/io.js';
import { renderCallResult } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { addTargetOptions } from '../target.js';

async function run(ctx: CommandContext, tool: string, argsText: string | undefined, options: ConnectionOptions): Promise<void> {
  // Bad JSON is a usage error found before anything is started.
  const args = argsText === undefined ? {} : parseJsonObject(argsText, 'JSON_ARGS');
  const result = await withSession(ctx, options, (session) =>
    session.request(`tools/call ${tool}`, async (signal) => {
      // Listing first lets the client check structuredContent against the tool's outputSchema.
      await session.client.listTools({ signal });
      return session.client.callTool(tool, args, { signal });
    }),
  );
  const { io } = ctx;
  if (options.json) printJson(io, result);
  else io.out(renderCallResult(result, io.color));
  if (result.isError === true) {
    throw new CliError(ExitCode.ToolError, `tool ${JSON.stringify(tool)} returned an error result (isError)`);
  }
}

export function callCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('call')
    .description('call a tool and print its result')
    .usage('[options] TOOL [JSON_ARGS] TARGET')
    .argument('<tool>', 'the tool name')
    .argument('[json_args]', 'the arguments as a JSON object, e.g. \'{"text": "hi"}\'');
  addTargetOptions(command);
  addConnectionOptions(command);
  command.action((tool: string, argsText: string | undefined, options: ConnectionOptions) => run(ctx, tool, argsText, options));
}
