/**
 * `mcpkit get PROMPT [JSON_ARGS] TARGET`: gets a prompt and prints its messages.
 * @module
 */
import type { Command } from 'commander';
import { ServerAsks, rootsFrom } from '../interact/server-asks.js';
import { parsePromptArgs } from '../json-args.js';
import { type ObserveOptions, addObserveOptions } from '../observe/options.js';
import { printJson } from '../output/io.js';
import { renderPrompt } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { withSuggestion } from '../suggest.js';
import { addTargetOptions } from '../target.js';

async function run(ctx: CommandContext, prompt: string, argsText: string | undefined, options: ConnectionOptions & ObserveOptions): Promise<void> {
  const args = argsText === undefined ? {} : parsePromptArgs(argsText);
  const asks = new ServerAsks(ctx.io, rootsFrom(options.root ?? []));
  const result = await withSession(
    ctx,
    options,
    async (session) => {
      try {
        return await session.request(`prompts/get ${prompt}`, (_signal, scope) => session.client.getPrompt(prompt, args, scope.options));
      } catch (error) {
        // Only after a failure: the prompt list is one more request, worth it only for a name to suggest.
        const offered = session.client.server?.capabilities.prompts !== undefined;
        const known = offered ? await session.client.listPrompts({ signal: ctx.signal }).then((ps) => ps.map((p) => p.name), () => []) : [];
        throw withSuggestion(error, prompt, known);
      }
    },
    { asks },
  );
  if (options.json) printJson(ctx.io, result);
  else ctx.io.out(renderPrompt(result, ctx.io.color));
  asks.throwIfRefused();
}

export function getCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('get')
    .description('get a prompt and print its messages')
    .usage('[options] PROMPT [JSON_ARGS] TARGET')
    .argument('<prompt>', 'the prompt name')
    .argument('[json_args]', 'the arguments as a JSON object of strings, e.g. \'{"name": "Ada"}\'');
  addTargetOptions(command);
  addConnectionOptions(command);
  addObserveOptions(command);
  command.action((prompt: string, argsText: string | undefined, options: ConnectionOptions & ObserveOptions) => run(ctx, prompt, argsText, options));
}
