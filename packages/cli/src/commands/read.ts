/**
 * `mcpkit read URI TARGET`: reads a resource and prints its contents.
 * @module
 */
import type { Command } from 'commander';
import { ServerAsks, rootsFrom } from '../interact/server-asks.js';
import { type ObserveOptions, addObserveOptions } from '../observe/options.js';
import { printJson } from '../output/io.js';
import { renderReadResult } from '../output/render.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { addTargetOptions } from '../target.js';

async function run(ctx: CommandContext, uri: string, options: ConnectionOptions & ObserveOptions): Promise<void> {
  const asks = new ServerAsks(ctx.io, rootsFrom(options.root ?? []));
  const result = await withSession(ctx, options, (session) => session.request(`resources/read ${uri}`, (_signal, scope) => session.client.readResource(uri, scope.options)), { asks });
  if (options.json) printJson(ctx.io, result);
  else ctx.io.out(renderReadResult(result, ctx.io.color));
  asks.throwIfRefused();
}

export function readCommand(program: Command, ctx: CommandContext): void {
  const command = program.command('read').description('read a resource and print its contents').usage('[options] URI TARGET').argument('<uri>', 'the resource URI, e.g. file:///etc/hosts');
  addTargetOptions(command);
  addConnectionOptions(command);
  addObserveOptions(command);
  command.action((uri: string, options: ConnectionOptions & ObserveOptions) => run(ctx, uri, options));
}
