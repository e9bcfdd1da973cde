/**
 * `mcpkit discover TARGET`: who the server is, the era and revision negotiated, its capabilities and instructions.
 * @module
 */
import type { Command } from 'commander';
import type { JsonObject } from '@mcpkit/protocol';
import type { Negotiated } from '@mcpkit/client';
import { type Io, printJson } from '../output/io.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withSession } from '../session.js';
import { addTargetOptions } from '../target.js';

/** `tools (listChanged)`, `resources (subscribe, listChanged)`, … */
export function describeCapabilities(capabilities: JsonObject): string[] {
  return Object.entries(capabilities).map(([name, value]) => {
    const flags = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value).filter(([, v]) => v === true).map(([k]) => k) : [];
    return flags.length ? `${name} (${flags.join(', ')})` : name;
  });
}

function render(io: Io, n: Negotiated): void {
  const { bold, dim } = io.color;
  const info = n.serverInfo;
  const identity = info ? `${info.name} ${info.version}${info.title && info.title !== info.name ? ` ${dim(`(${info.title})`)}` : ''}` : dim('(not given)');
  const eraNote = n.era === 'stateless' ? 'server/discover, per-request _meta' : 'initialize handshake, one session';
  const caps = describeCapabilities(n.capabilities);
  const rows: Array<[string, string]> = [
    ['Server', identity],
    ['Protocol', n.protocolVersion],
    ['Era', `${n.era} ${dim(`(${eraNote})`)}`],
    ['Capabilities', caps.length ? caps.join('\n              ') : dim('(none)')],
  ];
  if (info?.description) rows.splice(1, 0, ['Description', info.description]);
  if (info?.websiteUrl) rows.splice(1, 0, ['Website', info.websiteUrl]);
  let out = rows.map(([k, v]) => `${bold(k.padEnd(12))}  ${v}`).join('\n') + '\n';
  if (n.instructions) out += `\n${bold('Instructions')}\n${n.instructions.replace(/^/gm, '  ')}\n`;
  io.out(out);
}

async function run(ctx: CommandContext, options: ConnectionOptions): Promise<void> {
  const negotiated = await withSession(ctx, options, async (session) => session.client.server!);
  if (options.json) {
    const { serverInfo, era, protocolVersion, capabilities, instructions } = negotiated;
    printJson(ctx.io, { serverInfo: serverInfo ?? null, era, protocolVersion, capabilities, instructions: instructions ?? null });
  } else {
    render(ctx.io, negotiated);
  }
}

export function discoverCommand(program: Command, ctx: CommandContext): void {
  const command = program.command('discover').description('show the server: identity, era and revision negotiated, capabilities, instructions')
    .usage('[options] TARGET');
  addTargetOptions(command);
  addConnectionOptions(command);
  command.action((options: ConnectionOptions) => run(ctx, options));
}
