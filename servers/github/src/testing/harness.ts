/**
 * Test harness: the built mcpkit-github binary, started as a user would (stdio or `--http 0`), driven by the
 * mcpkit client. Not part of the package build.
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

/** The built server; tests run after `npx tsc -b servers/github`. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** A tools/call result as the client returns it. */
export type CallResult = Awaited<ReturnType<Client['callTool']>>;

export interface Connection {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Starts the server over stdio with `args`, GITHUB_TOKEN set when `token` is given. */
export async function connectStdio(args: string[], token?: string): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, ...args],
    env: token === undefined ? {} : { GITHUB_TOKEN: token },
    stderr: 'capture',
  });
  let stderr = '';
  transport.onstderr = (chunk) => {
    stderr += chunk;
  };
  const client = new Client({ name: 'github-tests', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Starts the server with `--http 0` and connects over Streamable HTTP; resolves once the URL is printed. */
export async function connectHttp(args: string[], token?: string): Promise<Connection & { url: string }> {
  const env: Record<string, string | undefined> = { ...process.env, GITHUB_TOKEN: token };
  if (token === undefined) delete env.GITHUB_TOKEN;
  const child = spawn(process.execPath, [BIN, '--http', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${seen}${stderr}`)));
  });
  const client = new Client({ name: 'github-tests', version: '1.0.0' });
  await client.connect(new StreamableHttpClientTransport(url));
  return {
    client,
    url,
    stderr: () => stderr,
    close: async () => {
      await client.close();
      child.kill('SIGTERM');
    },
  };
}

/** The text of a result's first content block. */
export function textOf(result: CallResult): string {
  const first = result.content[0] as { text?: string } | undefined;
  return first?.text ?? '';
}

export function structured<T = Record<string, unknown>>(result: CallResult): T {
  return result.structuredContent as T;
}
