/**
 * `mcpkit gateway --config mcp.yaml`: serve the gateway until stopped (SIGTERM/SIGINT: graceful), reloading
 * the config on change and SIGHUP; `mcpkit gateway keys create|list|revoke`: the API keys in its store.
 * @module
 */
import type { Command } from 'commander';
import type { GatewayConfig, GatewayHandle } from '@mcpkit/gateway';
import { CliError, ExitCode, usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext } from '../session.js';
import { gatewayConfigCommand } from './gateway-config.js';

/**
 * The gateway package, imported on first use: it brings the server SDK, SQLite and YAML along, which no other
 * command needs; importing it up front cost every `mcpkit` command about half a second of start-up.
 */
export const loadGateway = (): Promise<typeof import('@mcpkit/gateway')> => import('@mcpkit/gateway');

/** Loads the config, turning its errors into a usage failure that lists every problem. */
export async function loadConfigOrFail(path: string | undefined): Promise<GatewayConfig> {
  if (path === undefined) throw usageError('--config is required', 'point it at your mcp.yaml, e.g. --config mcp.yaml');
  const { GatewayConfigError, loadGatewayConfig } = await loadGateway();
  try {
    return await loadGatewayConfig(path);
  } catch (error) {
    if (error instanceof GatewayConfigError) throw new CliError(ExitCode.Usage, error.message, 'fix the file and run again');
    throw error;
  }
}

/** The key store the config names (SQLite or PostgreSQL); an unreachable database is a usage error naming it. */
async function openKeys(config: GatewayConfig): Promise<import('@mcpkit/gateway').KeyStore> {
  try {
    return await (await loadGateway()).openKeyStore(config);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

async function createDemoKey(ctx: CommandContext, gateway: GatewayHandle, config: GatewayConfig): Promise<void> {
  const existing = (await gateway.keys.list()).find((k) => k.id === 'demo' && k.revokedAt === undefined);
  if (existing) {
    ctx.io.err(`demo key: created earlier (shown once then); make another with: npx mcpkit gateway keys create --config ${config.source} --scopes ${Object.keys(config.scopes).join(',')}\n`);
    return;
  }
  const created = await gateway.keys.create({ id: 'demo', scopes: Object.keys(config.scopes), description: 'created by the first start of the demo' });
  const { bold } = ctx.io.color;
  ctx.io.out(
    `\n${bold('Demo API key')} (shown once, stored only as a hash): ${created.key}\n` +
      `Try it:\n  npx mcpkit list --url ${gateway.url} --api-key ${created.key}\n` +
      `  MCPKIT_API_KEY=${created.key} npx mcpkit call weather__get_weather '{"city":"Paris"}' --url ${gateway.url}\n\n`,
  );
}

interface ServeOptions {
  config?: string;
  createDemoKey?: boolean;
  port?: string;
  host?: string;
}

function withListenOverrides(config: GatewayConfig, options: ServeOptions): GatewayConfig {
  if (options.port === undefined && options.host === undefined) return config;
  const listen = { ...config.listen };
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError(`--port ${JSON.stringify(options.port)} is not a port number (0-65535)`);
    listen.port = port;
  }
  // Binding wider than loopback is the operator's explicit choice; auth stays on (keys in the store or file).
  if (options.host !== undefined) listen.host = options.host;
  return { ...config, listen };
}

async function serve(ctx: CommandContext, options: ServeOptions): Promise<void> {
  const config = withListenOverrides(await loadConfigOrFail(options.config), options);
  const { startGateway, watchGatewayConfig } = await loadGateway();
  let gateway: GatewayHandle;
  try {
    gateway = await startGateway(config, { handleSignals: false });
  } catch (error) {
    const e = error as { code?: string };
    if (e.code === 'EADDRINUSE') {
      throw new CliError(ExitCode.Usage, `port ${config.listen.port} on ${config.listen.host} is already in use`, 'stop the other process, or set listen.port in the config (PORT for npm start)');
    }
    throw error;
  }
  ctx.io.out(`mcpkit gateway serving ${Object.keys(config.servers).length} servers at ${gateway.url}\n`);
  if (options.createDemoKey) await createDemoKey(ctx, gateway, config);
  const watcher = watchGatewayConfig(config.source, {
    onChange: (next) => void gateway.reload(next).catch((e: unknown) => ctx.io.err(`mcpkit: reload failed: ${(e as Error).message}\n`)),
    onError: (error) => ctx.io.err(`mcpkit: the new configuration was not applied (the running one stays):\n${(error as Error).message}\n`),
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      ctx.io.err(`mcpkit gateway: ${signal}: finishing calls in flight, then stopping\n`);
      watcher.close();
      void gateway.close({ timeoutMs: 10_000 }).finally(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    ctx.signal.addEventListener('abort', () => stop('SIGTERM'), { once: true });
  });
}

/** `--config` as given on `mcpkit gateway` (commander parses it there, before or after the subcommand). */
function configOf(cmd: Command): string | undefined {
  return (cmd.optsWithGlobals() as { config?: string }).config;
}

async function parseExpiry(text: string | undefined): Promise<number | undefined> {
  if (text === undefined) return undefined;
  const { parseDuration } = await loadGateway();
  const parsed = parseDuration(text);
  if ('error' in parsed) throw usageError(`--expires ${text}: ${parsed.error}`, 'write it like 30d, 12h or 90m');
  return Date.now() + parsed.ms;
}

export function gatewayCommand(program: Command, ctx: CommandContext): void {
  const gateway = program
    .command('gateway')
    .description('run the mcpkit gateway: many MCP servers behind one endpoint, with API keys, scopes, rate limits and an audit log')
    .option('--config <file>', 'the gateway configuration (mcp.yaml)')
    .option('--create-demo-key', 'on first start, create an API key named "demo" with every scope and print it once')
    .option('--port <port>', 'listen on this port instead of listen.port (0 picks a free one)')
    .option('--host <address>', 'bind this address instead of listen.host')
    .action((options: ServeOptions) => serve(ctx, options));
  gatewayConfigCommand(gateway, ctx);

  const keys = gateway.command('keys').description("manage the gateway's API keys (kept only as SHA-256 hashes)");
  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--scopes <scopes>', 'comma-separated scope names from the config')
    .option('--id <id>', 'a name for the key (default: generated)')
    .option('--expires <duration>', 'lifetime, e.g. 30d, 12h')
    .option('--description <text>', 'what the key is for')
    .option('--json', 'print JSON')
    .action(async (o: { scopes: string; id?: string; expires?: string; description?: string; json?: boolean }, cmd: Command) => {
      const config = await loadConfigOrFail(configOf(cmd));
      const scopes = o.scopes.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = scopes.filter((s) => !Object.hasOwn(config.scopes, s));
      if (unknown.length) throw usageError(`unknown scope ${unknown.join(', ')}`, `the config defines: ${Object.keys(config.scopes).join(', ') || '(none)'}`);
      const expiresAt = await parseExpiry(o.expires);
      const store = await openKeys(config);
      try {
        const created = await store.create({ scopes, ...(o.id ? { id: o.id } : {}), ...(expiresAt ? { expiresAt } : {}), ...(o.description ? { description: o.description } : {}) });
        if (o.json) printJson(ctx.io, { id: created.id, key: created.key, scopes, expiresAt: expiresAt ?? null });
        else ctx.io.out(`Created key ${created.id} (scopes: ${scopes.join(', ')}). It is shown only now:\n${created.key}\n`);
      } catch (error) {
        throw usageError((error as Error).message);
      } finally {
        await store.close();
      }
    });
  keys
    .command('list')
    .description('list keys (ids, scopes, dates; never the keys)')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }, cmd: Command) => {
      const config = await loadConfigOrFail(configOf(cmd));
      const store = await openKeys(config);
      try {
        const records = (await store.list()).map(({ sha256: _hash, ...r }) => r);
        const fromFile = config.keys.map((k) => ({ id: k.id, scopes: k.scopes, source: 'config', ...(k.expiresAt ? { expiresAt: k.expiresAt } : {}) }));
        if (o.json) return printJson(ctx.io, [...fromFile, ...records.map((r) => ({ ...r, source: 'store' }))]);
        const iso = (t: number | undefined) => (t === undefined ? '-' : new Date(t).toISOString());
        for (const k of fromFile) ctx.io.out(`${k.id}\tconfig\t${k.scopes.join(',')}\texpires ${iso(k.expiresAt)}\n`);
        for (const r of records) ctx.io.out(`${r.id}\t${r.revokedAt ? 'revoked' : 'active'}\t${r.scopes.join(',')}\tcreated ${iso(r.createdAt)}\texpires ${iso(r.expiresAt)}\n`);
      } finally {
        await store.close();
      }
    });
  keys
    .command('revoke')
    .description('revoke a key (a running gateway stops accepting it within seconds)')
    .argument('<id>', 'the key id')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const config = await loadConfigOrFail(configOf(cmd));
      // Through the gateway's own stores, so running replicas hear of it at once (PostgreSQL NOTIFY or Redis).
      let stores: import('@mcpkit/gateway').GatewayStores;
      try {
        stores = await (await loadGateway()).openGatewayStores(config);
      } catch (error) {
        throw usageError((error as Error).message);
      }
      try {
        if (!(await stores.keys.revoke(id))) throw usageError(`no key ${id} in the store`, 'see `mcpkit gateway keys list`');
        ctx.io.out(`Revoked ${id}\n`);
      } finally {
        await stores.close();
      }
    });
}
