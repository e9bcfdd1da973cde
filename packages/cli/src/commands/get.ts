/**
 * `mcpkit get PROMPT [JSON_ARGS] TARGET`: gets a prompt and prints its messages.
 * @module
 */
import type { Command } from 'commander';
import { parsePromptArgs } from '../json-args.js';
import { printJson } from '../output/io.js';
import { renderPrompt } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { addTargetOptions } from '../target.js';

async function run(ctx: CommandContext, prompt: string, argsText: string | undefined, options: ConnectionOptions): Promise<void> {
  const args = argsText === undefined ? {} : parsePromptArgs(argsText);
  const result = await withSession(ctx, options, (session) => session.request(`prompts/get ${prompt}`, (signal) => session.client.getPrompt(prompt, args, { signal })));
  if (options.json) printJson(ctx.io, result);
  else ctx.io.out(renderPrompt(result, ctx.io.color));
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
  command.action((prompt: string, argsText: string | undefined, options: ConnectionOptions) => run(ctx, prompt, argsText, options));
}
