/**
 * `mcpkit login URL` and `mcpkit logout URL`: the OAuth 2.1 authorization code flow with PKCE and a loopback
 * redirect (spec basic/authorization), through the client's {@link OAuthProvider}; the tokens go to the token file,
 * where every later `--url` command for that server finds them.
 * @module
 */
import { Client, connectHttp } from '@mcpkit/client';
import { OAuthProvider } from '@mcpkit/client/auth';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CLI_CLIENT_METADATA, allowsPrivateNetwork } from '../auth/stored-auth.js';
import { openBrowser, startLoopbackRedirect } from '../auth/loopback.js';
import { TokenFile } from '../auth/token-file.js';
import { CliError, ExitCode, describeFailure, usageError } from '../failure.js';
import { note } from '../output/io.js';
import { type CommandContext, VERSION } from '../session.js';

const DEFAULT_LOGIN_TIMEOUT_MS = 300_000;

interface LoginOptions {
  open: boolean;
  scope?: string;
  timeout: number;
}

function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`${JSON.stringify(text)} is not a URL`, 'write the server address, e.g. https://mcp.example.com/mcp');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`the URL must be http: or https:, not ${url.protocol}`);
  return url.href;
}

async function login(ctx: CommandContext, text: string, options: LoginOptions): Promise<void> {
  const url = serverUrl(text);
  const { io } = ctx;
  const file = new TokenFile();
  // A new login replaces the old one: tokens that may belong to another account must not be refreshed instead.
  file.forget(url);
  const timeout = AbortSignal.timeout(options.timeout);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const redirect = await startLoopbackRedirect();
  let provider: OAuthProvider;
  try {
    provider = new OAuthProvider({
      serverUrl: url,
      store: file,
      allowPrivateNetwork: allowsPrivateNetwork(url),
      clientMetadata: CLI_CLIENT_METADATA,
      dpop: false,
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      grant: {
        type: 'authorization_code',
        redirectUrl: redirect.redirectUrl,
        authorize: async (request) => {
          io.err(`To log in to ${url}, open this URL in your browser:\n\n  ${request.url}\n\n`);
          if (options.open && !(await openBrowser(request.url))) note(io, 'could not open a browser; open the URL above yourself');
          return { callbackUrl: await redirect.wait(request.state, signal) };
        },
      },
    });
  } catch (error) {
    await redirect.close();
    throw error;
  }
  const client = new Client({ name: 'mcpkit', version: VERSION });
  try {
    // Connecting is what makes the server ask for authorization (401); the provider does the rest.
    await connectHttp(client, url, { authProvider: provider, signal, timeoutMs: options.timeout });
  } catch (error) {
    if (ctx.signal.aborted) throw new CliError(ExitCode.Interrupted, 'login interrupted', undefined, { cause: error });
    if (timeout.aborted) {
      throw new CliError(ExitCode.Connect, `no login completed within ${options.timeout} ms`, 'open the printed URL in a browser, or raise --timeout', { cause: error });
    }
    const failure = describeFailure(error, { target: url, connecting: true });
    if (failure.stack !== undefined) throw error;
    throw new CliError(failure.exitCode, `login to ${url} failed: ${failure.message}`, failure.hint, { cause: error });
  } finally {
    await client.close().catch(() => undefined);
    await redirect.close();
  }
  if (!provider.tokens) {
    note(io, `${url} did not ask for authorization: nothing to log in to`);
    return;
  }
  io.err(`logged in to ${url} (authorization server ${provider.issuer ?? 'unknown'}); tokens saved in ${file.path}\n`);
}

function logout(ctx: CommandContext, text: string): void {
  const url = serverUrl(text);
  const file = new TokenFile();
  const gone = file.forget(url);
  if (gone.length === 0) note(ctx.io, `not logged in to ${url}`);
  else ctx.io.err(`logged out of ${gone.join(', ')}\n`);
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(ms) || ms <= 0) throw new InvalidArgumentError('expected a whole number of milliseconds, e.g. 120000');
  return ms;
}

export function loginCommand(program: Command, ctx: CommandContext): void {
  program
    .command('login')
    .description('log in to an MCP server with OAuth (browser, PKCE, loopback redirect); later --url commands use the tokens')
    .argument('<url>', 'the MCP server URL, e.g. https://mcp.example.com/mcp')
    .option('--no-open', 'do not open a browser (the URL is always printed)')
    .option('--scope <scope>', 'ask for this scope instead of the one the server suggests')
    .addOption(new Option('--timeout <ms>', 'how long to wait for the login in the browser').argParser(parseTimeout).default(DEFAULT_LOGIN_TIMEOUT_MS))
    .addHelpText('after', '\nTokens are kept in $XDG_CONFIG_HOME/mcpkit/tokens.json (default ~/.config/mcpkit/tokens.json, mode 0600),\nrefreshed when they expire, and sent by every --url command to that server unless it has --bearer or --api-key.\n')
    .action((url: string, options: LoginOptions) => login(ctx, url, options));
  program
    .command('logout')
    .description('forget the tokens `mcpkit login` stored for an MCP server')
    .argument('<url>', 'the MCP server URL')
    .action((url: string) => logout(ctx, url));
}
