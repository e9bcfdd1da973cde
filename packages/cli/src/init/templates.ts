/**
 * The files `mcpkit init` writes: a TypeScript MCP server with one tool, a test that starts it and calls the
 * tool, and a README.
 * @module
 */

/**
 * Where the scaffold's mcpkit packages come from: the registry (`^version` of the packages this CLI came with)
 * or the folders of a local clone (`file:`), which is how to use them before they are on the registry.
 */
export interface ScaffoldDependencies {
  server: string;
  client: string;
  /** The `mcpkit` command line, for the README's `npx mcpkit …` lines. */
  cli: string;
  /** Only for local folders: the server package's own `@mcpkit/protocol` dependency must resolve locally too. */
  protocol?: string | undefined;
}

export interface ScaffoldInput {
  name: string;
  deps: ScaffoldDependencies;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function packageJson({ name, deps }: ScaffoldInput): string {
  const dependencies: Record<string, string> = { '@mcpkit/server': deps.server, zod: '^4.3.6' };
  if (deps.protocol) dependencies['@mcpkit/protocol'] = deps.protocol;
  return json({
    name,
    version: '0.1.0',
    description: 'An MCP server',
    type: 'module',
    bin: { [name.replace(/^@[^/]+\//, '')]: './dist/index.js' },
    files: ['dist', '!dist/**/*.test.*'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc',
      start: 'node dist/index.js',
      test: 'tsc && node --test dist/index.test.js',
    },
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
    devDependencies: { '@mcpkit/client': deps.client, '@types/node': '^20.19.0', mcpkit: deps.cli, typescript: '^5.9.3' },
  });
}

export function tsconfigJson(): string {
  return json({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      rootDir: 'src',
      outDir: 'dist',
      sourceMap: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['src'],
  });
}

export function indexTs({ name }: ScaffoldInput): string {
  return `#!/usr/bin/env node
// ${name}: an MCP server. Over stdio by default (what desktop hosts start); \`--http PORT\` serves Streamable HTTP.
import { McpServer } from '@mcpkit/server';
import { serveHttp, serveStdio } from '@mcpkit/server/node';
import { z } from 'zod';

const server = new McpServer({ name: ${JSON.stringify(name)}, version: '0.1.0' });

server.tool(
  'greet',
  {
    description: 'Greets someone by name',
    inputSchema: { name: z.string().describe('Who to greet') },
    annotations: { readOnlyHint: true },
  },
  ({ name }) => ({ content: [{ type: 'text', text: \`Hello, \${name}!\` }] }),
);

const at = process.argv.indexOf('--http');
if (at >= 0) {
  const handle = await serveHttp(server, { port: Number(process.argv[at + 1] ?? 3000) });
  // stdout is free over HTTP, but logs belong on stderr either way: over stdio, stdout is the protocol.
  console.error(\`${name}: listening on \${handle.url}\`);
} else {
  await serveStdio(server);
}
`;
}

export function indexTestTs({ name }: ScaffoldInput): string {
  return `// Starts the built server as a child process, the way an MCP host does, and calls its tool.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

const serverPath = fileURLToPath(new URL('./index.js', import.meta.url));

test('greet answers over stdio', async () => {
  const client = new Client({ name: ${JSON.stringify(`${name}-test`)}, version: '0.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [serverPath] }));
  try {
    const tools = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name), ['greet']);
    const result = await client.callTool('greet', { name: 'Ada' });
    assert.deepEqual(result.content, [{ type: 'text', text: 'Hello, Ada!' }]);
  } finally {
    await client.close();
  }
});
`;
}

export function readme({ name }: ScaffoldInput): string {
  return `# ${name}

An [MCP](https://modelcontextprotocol.io) server built with mcpkit. It has one tool, \`greet\`; add yours in
\`src/index.ts\`.

## Develop

\`\`\`sh
npm install
npm run build      # compiles src/ to dist/
npm test           # starts the server and calls its tool
\`\`\`

Try it with the mcpkit command line (a devDependency, so \`npx mcpkit\` runs the one installed here):

\`\`\`sh
npx mcpkit list -- node dist/index.js
npx mcpkit call greet '{"name": "Ada"}' -- node dist/index.js
node dist/index.js --http 3000   # Streamable HTTP at http://127.0.0.1:3000/mcp
\`\`\`

## Use it from an MCP host

\`\`\`sh
npx mcpkit install claude-desktop ${name} -- node "$PWD/dist/index.js"
npx mcpkit install vscode ${name} -- node dist/index.js
\`\`\`

Over stdio, stdout carries the protocol: log with \`console.error\`, never \`process.stdout.write\`.
`;
}

export const GITIGNORE = 'node_modules/\ndist/\n';
