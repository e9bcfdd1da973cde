/**
 * The one-screen account `mcpkit dev` prints after each start: who answered, and the names of its tools,
 * resources, resource templates and prompts (what `mcpkit list` would show, on a few lines).
 * @module
 */
import type { Session } from '../session.js';
import type { Io } from '../output/io.js';

/** What the server offers, by kind; a kind the server does not declare is absent. */
export interface Catalogue {
  server: string;
  protocol: string;
  tools?: string[] | undefined;
  resources?: string[] | undefined;
  templates?: string[] | undefined;
  prompts?: string[] | undefined;
}

/** Lists everything the server declares. */
export async function fetchCatalogue(session: Session): Promise<Catalogue> {
  const { client } = session;
  const negotiated = client.server!;
  const offers = (capability: string): boolean => negotiated.capabilities[capability] !== undefined;
  const info = negotiated.serverInfo;
  const catalogue: Catalogue = { server: info ? `${info.name} ${info.version}` : 'the server', protocol: negotiated.protocolVersion };
  if (offers('tools')) catalogue.tools = (await session.request('tools/list', (signal) => client.listTools({ signal }))).map((t) => t.name);
  if (offers('resources')) {
    catalogue.resources = (await session.request('resources/list', (signal) => client.listResources({ signal }))).map((r) => r.uri);
    catalogue.templates = (await session.request('resources/templates/list', (signal) => client.listResourceTemplates({ signal }))).map((t) => t.uriTemplate);
  }
  if (offers('prompts')) catalogue.prompts = (await session.request('prompts/list', (signal) => client.listPrompts({ signal }))).map((p) => p.name);
  return catalogue;
}

/** `names` joined on one line of at most `width` characters, with how many did not fit. */
function fit(names: string[], width: number): string {
  let line = '';
  for (let i = 0; i < names.length; i++) {
    const next = line === '' ? names[i]! : `${line}, ${names[i]}`;
    const more = i < names.length - 1 ? ` … and ${names.length - i - 1} more` : '';
    if (next.length + more.length > width && line !== '') return `${line} … and ${names.length - i} more`;
    line = next;
  }
  return line;
}

/** The summary, one line per kind. */
export function renderCatalogue(catalogue: Catalogue, io: Io, elapsedMs: number): string {
  const c = io.color;
  const width = Math.max(40, (io.width ?? 100) - 18);
  const row = (label: string, names: string[] | undefined): string => {
    if (names === undefined) return `  ${label.padEnd(15)} ${c.dim('(not offered)')}\n`;
    return `  ${`${label} (${names.length})`.padEnd(15)} ${names.length ? fit(names, width) : c.dim('none')}\n`;
  };
  return (
    `${c.green('✓')} ${c.bold(catalogue.server)} is up (protocol ${catalogue.protocol}, ready in ${elapsedMs} ms)\n` +
    row('tools', catalogue.tools) +
    row('resources', catalogue.resources) +
    (catalogue.templates?.length ? row('templates', catalogue.templates) : '') +
    row('prompts', catalogue.prompts)
  );
}
