/**
 * `mcpkit list [tools|resources|templates|prompts] TARGET`: the server's catalogue as a table or as JSON.
 * @module
 */
import { Argument, type Command } from 'commander';
import type { JsonObject, Prompt, Resource, ResourceTemplate, Tool } from '@mcpkit/protocol';
import { ServerAsks, rootsFrom } from '../interact/server-asks.js';
import { type ObserveOptions, addObserveOptions } from '../observe/options.js';
import { type Io, note, printJson } from '../output/io.js';
import { formatTable, oneLine } from '../output/table.js';
import { type CommandContext, type ConnectionOptions, type Session, addConnectionOptions, withSession } from '../session.js';
import { addTargetOptions } from '../target.js';

const KINDS = ['tools', 'resources', 'templates', 'prompts'] as const;
type Kind = (typeof KINDS)[number];

/** Per kind: the capability that offers it, the key of the list result, and its table. */
const SPECS: Record<Kind, { capability: string; key: string; fetch: (s: Session) => Promise<unknown[]>; table: (items: unknown[]) => [string[], string[][]] }> = {
  tools: {
    capability: 'tools',
    key: 'tools',
    fetch: (s) => s.request('tools/list', (signal) => s.client.listTools({ signal })),
    table: (items) => [['NAME', 'ARGUMENTS', 'DESCRIPTION'], (items as Tool[]).map((t) => [t.name, toolArguments(t.inputSchema), oneLine(t.description ?? t.title)])],
  },
  resources: {
    capability: 'resources',
    key: 'resources',
    fetch: (s) => s.request('resources/list', (signal) => s.client.listResources({ signal })),
    table: (items) => [['URI', 'NAME', 'MIME TYPE', 'DESCRIPTION'], (items as Resource[]).map((r) => [r.uri, r.name, r.mimeType ?? '', oneLine(r.description ?? r.title)])],
  },
  templates: {
    capability: 'resources',
    key: 'resourceTemplates',
    fetch: (s) => s.request('resources/templates/list', (signal) => s.client.listResourceTemplates({ signal })),
    table: (items) => [
      ['URI TEMPLATE', 'NAME', 'MIME TYPE', 'DESCRIPTION'],
      (items as ResourceTemplate[]).map((r) => [r.uriTemplate, r.name, r.mimeType ?? '', oneLine(r.description ?? r.title)]),
    ],
  },
  prompts: {
    capability: 'prompts',
    key: 'prompts',
    fetch: (s) => s.request('prompts/list', (signal) => s.client.listPrompts({ signal })),
    table: (items) => [
      ['NAME', 'ARGUMENTS', 'DESCRIPTION'],
      (items as Prompt[]).map((p) => [p.name, (p.arguments ?? []).map((a) => (a.required ? a.name : `${a.name}?`)).join(' '), oneLine(p.description ?? p.title)]),
    ],
  },
};

/** A tool's arguments in one cell: required ones plain, optional ones with `?`. */
export function toolArguments(schema: JsonObject | undefined): string {
  const properties = schema?.properties;
  if (typeof properties !== 'object' || properties === null) return '';
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as unknown[]) : []);
  return Object.keys(properties).map((name) => (required.has(name) ? name : `${name}?`)).join(' ');
}

async function run(ctx: CommandContext, kind: Kind, options: ConnectionOptions & ObserveOptions): Promise<void> {
  const spec = SPECS[kind];
  const asks = new ServerAsks(ctx.io, rootsFrom(options.root ?? []));
  await withSession(ctx, options, async (session) => {
    const io: Io = ctx.io;
    // A server without the capability has nothing of this kind; asking would only earn a -32601.
    const offered = session.client.server?.capabilities[spec.capability] !== undefined;
    const items = offered ? await spec.fetch(session) : [];
    if (options.json) {
      printJson(io, { [spec.key]: items });
    } else if (items.length === 0) {
      io.out(`No ${kind}.\n`);
    } else {
      const [header, rows] = spec.table(items);
      io.out(formatTable(header, rows, { width: io.width, color: io.color }));
    }
    if (!offered) note(io, `(the server does not declare the ${spec.capability} capability)`);
  }, { asks });
  asks.throwIfRefused();
}

export function listCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('list')
    .description("list the server's tools, resources, resource templates or prompts (descriptions wrap to a terminal's width)")
    .usage('[tools|resources|templates|prompts] [options] TARGET')
    .addArgument(new Argument('[kind]', 'what to list').choices(KINDS).default('tools'));
  addTargetOptions(command);
  addConnectionOptions(command);
  addObserveOptions(command);
  command.action((kind: Kind, options: ConnectionOptions & ObserveOptions) => run(ctx, kind, options));
}
