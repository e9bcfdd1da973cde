/**
 * `mcpkit chat`: a conversation with a model (Anthropic or OpenAI-compatible) over the tools of MCP servers, with
 * each tool call approved on the terminal; `--print PROMPT` runs one non-interactive conversation for scripts.
 * @module
 */
import { basename, extname } from 'node:path';
import { type Interface, createInterface } from 'node:readline';
import type { ClientHandlers } from '@mcpkit/client';
import { type CatalogueGuard, McpHost, type ServerConfig, loadHostConfig } from '@mcpkit/client/host';
import {
  Agent,
  type AgentEvent,
  type ApprovalAnswer,
  type ApprovalRequest,
  AnthropicProvider,
  type ModelPart,
  type ModelProvider,
  OpenAiProvider,
  type SamplingApprovalRequest,
  ToolApprovals,
  agentClientOptions,
  promptArguments,
  promptParts,
} from '@mcpkit/host';
import { HttpError } from '@mcpkit/protocol';
import { emptyLockfile, lockfileGuard } from '@mcpkit/trust';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode } from '../failure.js';
import { askForm } from '../interact/elicit-form.js';
import { rootsFrom } from '../interact/server-asks.js';
import type { Answer, TerminalSession } from '../interact/terminal.js';
import { type Io, note, warn } from '../output/io.js';
import { readLockfile, writeLockfile } from '../trust/lockfile-io.js';
import { type CommandContext, VERSION } from '../session.js';

interface ChatOptions {
  provider?: 'anthropic' | 'openai';
  model?: string;
  baseUrl?: string;
  print?: string;
  allowTool: string[];
  autoApproveReadOnly?: boolean;
  allowSampling?: boolean;
  root: string[];
  config?: string;
  lock?: string;
  system?: string;
  maxToolCalls: number;
  stream: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
function positive(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

const INTERPRETERS = new Set(['node', 'nodejs', 'python', 'python3', 'npx', 'uvx', 'uv', 'deno', 'bun', 'tsx', 'pipx', 'docker']);
const GENERIC = new Set(['bin', 'index', 'main', 'server', 'cli', 'dist', 'build', 'src', 'lib', 'run']);

/** A short server name for `-- CMD`: the package or script it runs (`mcpkit-weather`, `weather`), else `server`. */
export function serverNameFor(words: string[]): string {
  const [command = '', ...args] = words;
  const subject = INTERPRETERS.has(basename(command).replace(/\.exe$/, '')) ? (args.find((a) => !a.startsWith('-') && a !== 'run') ?? command) : command;
  // Walk up past generic parts (`servers/weather/dist/bin.js` → `weather`).
  const parts = subject.replace(/@[^/@]*$/, '').split(/[\\/]/).filter(Boolean).reverse();
  for (const part of parts) {
    const name = basename(part, extname(part)).replace(/[^A-Za-z0-9_-]/g, '_');
    if (name && !GENERIC.has(name.toLowerCase())) return name.slice(0, 32);
  }
  return 'server';
}

/** Registers `mcpkit chat`. */
export function chatCommand(program: Command, ctx: CommandContext): void {
  program
    .command('chat')
    .description('chat with a model over the tools of MCP servers; every tool call needs your approval (--print: one conversation, for scripts)')
    .addOption(new Option('--provider <name>', 'the model API (default: anthropic when ANTHROPIC_API_KEY is set, else openai when OPENAI_API_KEY is)').choices(['anthropic', 'openai']))
    .option('--model <name>', 'the model (defaults: claude-sonnet-4-5, gpt-4.1)')
    .option('--base-url <url>', 'the API base URL: an Anthropic-compatible one, or any OpenAI-compatible server (Ollama, vLLM, LM Studio)')
    .option('--print <prompt>', 'run one conversation without asking anything and print the final answer on stdout')
    .option('--allow-tool <name>', 'run this tool without asking: its name, SERVER:TOOL, or the name the model sees (repeatable); with --print only these run', collect, [])
    .option('--auto-approve-read-only', 'run tools marked readOnlyHint without asking (interactive only)')
    .option('--allow-sampling', 'with --print: serve servers\u2019 sampling requests with the model without asking')
    .option('--root <dir>', 'answer roots/list with DIR (repeatable)', collect, [])
    .option('--config <file>', 'use every server of a Claude Desktop, Claude Code, VS Code or Cursor config file')
    .option('--lock <file>', 'pin the servers\u2019 tools and prompts in this lockfile (mcp.lock.json): new servers are pinned, a changed tool is hidden until `mcpkit trust approve`')
    .option('--system <text>', 'a system prompt')
    .addOption(new Option('--max-tool-calls <n>', 'tool calls per message before the model must answer').argParser(positive).default(25))
    .option('--no-stream', 'ask the model for whole answers instead of streams')
    .addHelpText('after', `\nExamples:\n  mcpkit chat -- npx mcpkit-weather\n  mcpkit chat --provider openai --base-url http://127.0.0.1:11434/v1 --model llama3.2 --config .mcp.json\n  mcpkit chat --print "Weather in Paris?" --allow-tool get_weather -- npx mcpkit-weather\n\nKeys come from ANTHROPIC_API_KEY / OPENAI_API_KEY. In the chat: /tools lists the tools, /prompts the prompts (run one as /NAME key=value...),
@SERVER:URI attaches a resource, /exit (or Ctrl-D) ends;\nCtrl-C cancels the answer or tool calls in flight.\n\nExit codes (--print): 0 the answer was printed; 2 usage (no key, no server, bad flags); 3 a server could not be\nstarted or the model API failed after retries; 130 interrupted.`)
    .action((options: ChatOptions) => runChat(options, ctx));
}

function pickProvider(options: ChatOptions, env: Record<string, string | undefined>): ModelProvider {
  const name = options.provider ?? (env.ANTHROPIC_API_KEY ? 'anthropic' : env.OPENAI_API_KEY ? 'openai' : 'anthropic');
  const common = { env, stream: options.stream, ...(options.model ? { model: options.model } : {}), ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) };
  if (name === 'anthropic') {
    if (!env.ANTHROPIC_API_KEY) throw new CliError(ExitCode.Usage, 'no API key for Anthropic', 'set ANTHROPIC_API_KEY, or choose --provider openai');
    return new AnthropicProvider(common);
  }
  if (!env.OPENAI_API_KEY && !options.baseUrl) throw new CliError(ExitCode.Usage, 'no API key for OpenAI', 'set OPENAI_API_KEY, or point --base-url at a local OpenAI-compatible server');
  try {
    return new OpenAiProvider(common);
  } catch {
    throw new CliError(ExitCode.Usage, `--base-url ${JSON.stringify(options.baseUrl)} is not a URL`);
  }
}

async function servers(options: ChatOptions, ctx: CommandContext): Promise<ServerConfig[]> {
  if (options.config && ctx.stdio) throw new CliError(ExitCode.Usage, 'give either --config FILE or -- COMMAND, not both');
  if (options.config) return (await loadHostConfig(options.config, { env: ctx.io.env })).filter((s) => !s.disabled);
  if (!ctx.stdio?.length) throw new CliError(ExitCode.Usage, 'no MCP server to chat with', 'add -- COMMAND ARGS... (a stdio server) or --config FILE');
  const [command, ...args] = ctx.stdio;
  return [{ name: serverNameFor(ctx.stdio), transport: 'stdio', command: command!, args, env: {} }];
}

async function runChat(options: ChatOptions, ctx: CommandContext): Promise<void> {
  const { io } = ctx;
  const interactive = options.print === undefined;
  if (interactive && !io.stdinIsTty) throw new CliError(ExitCode.Usage, 'mcpkit chat needs a terminal', 'use --print PROMPT for one non-interactive conversation');
  const provider = pickProvider(options, io.env);
  const configs = await servers(options, ctx);
  const roots = rootsFrom(options.root);
  // Elicitation is asked on the terminal once the chat has one (see repl); --print has no one to ask.
  const asks: { elicitation?: NonNullable<ClientHandlers['elicitation']> } = {};
  const handlers: ClientHandlers = {
    ...(roots.length ? { roots: () => roots } : {}),
    elicitation: async (params, c) => {
      if (asks.elicitation) return asks.elicitation(params, c);
      warn(io, `declined a server's request for input (${JSON.stringify(params.message)}): --print has no one to ask`);
      return { action: 'decline' };
    },
  };
  const host = new McpHost({
    clientInfo: { name: 'mcpkit-chat', version: VERSION },
    clientOptions: agentClientOptions({ handlers }),
    reconnect: false,
    ...(options.lock ? { guard: await pinningGuard(options.lock, io) } : {}),
  });
  try {
    host.addAll(configs);
    const statuses = await host.connectAll();
    const failed = Object.entries(statuses).flatMap(([name, s]) => (s.state === 'failed' ? [`${name}: ${s.error.message}`] : []));
    if (failed.length === configs.length) throw new CliError(ExitCode.Connect, `no MCP server could be started:\n  ${failed.join('\n  ')}`);
    for (const f of failed) warn(io, `server ${f}; chatting without it`);
    for (const name of Object.keys(statuses)) {
      const decision = host.decision(name);
      if (decision?.block !== undefined) warn(io, `server ${name} is blocked: ${decision.block}`);
      for (const [item, why] of decision?.quarantine ?? []) warn(io, `${name}: ${item} is hidden until approved (mcpkit trust approve): ${why}`);
    }
    if (ctx.signal.aborted) throw new CliError(ExitCode.Interrupted, 'interrupted');
    if (interactive) await repl(options, ctx, host, provider, handlers, asks);
    else await printOnce(options, ctx, host, provider, handlers);
  } finally {
    await host.close();
  }
}

/** The lockfile guard of @mcpkit/trust over `path`: first sight pins, drift hides the changed tool or prompt. */
async function pinningGuard(path: string, io: Io): Promise<CatalogueGuard> {
  let lock = (await readLockfile(path)) ?? emptyLockfile();
  return lockfileGuard({
    onDrift: 'quarantine-tool',
    onNew: 'pin',
    lockfile: () => lock,
    onPin: async (next) => {
      lock = next;
      await writeLockfile(path, next);
    },
    onWarning: (server, warnings) => {
      for (const w of warnings) warn(io, `${server}: ${w}`);
    },
  });
}

function describeEvent(io: Io, event: AgentEvent): void {
  const c = io.errColor;
  if (event.type === 'tool_call') io.err(c.dim(`\u2192 ${event.name} ${JSON.stringify(event.arguments ?? {}).slice(0, 200)}\n`));
  else if (event.type === 'tool_result') io.err(c.dim(`  ${event.isError ? (event.ran ? 'error' : 'not run') : 'done'}${event.truncated ? ' (truncated)' : ''}: ${event.content.split('\n')[0]!.slice(0, 160)}\n`));
  else if (event.type === 'retry') io.err(c.dim(`  model API answered ${event.status || 'nothing'}; retrying in ${Math.round(event.delayMs)} ms\n`));
}

function modelFailure(error: unknown): unknown {
  if (error instanceof HttpError) {
    return new CliError(ExitCode.Connect, `the model API failed: ${error.message}`, 'check --provider, --base-url, --model and the API key (ANTHROPIC_API_KEY / OPENAI_API_KEY)', { cause: error });
  }
  return error;
}

async function printOnce(options: ChatOptions, ctx: CommandContext, host: McpHost, provider: ModelProvider, handlers: ClientHandlers): Promise<void> {
  const { io } = ctx;
  const agent = new Agent({
    host,
    provider,
    handlers,
    approvals: new ToolApprovals({ allowTools: options.allowTool }),
    // Non-interactive: sampling only with the explicit --allow-sampling.
    approveSampling: async (r) => {
      if (!options.allowSampling) warn(io, `declined a sampling request from ${r.server} (add --allow-sampling to serve it)`);
      return options.allowSampling === true;
    },
    maxToolCallsPerTurn: options.maxToolCalls,
    onEvent: (e) => describeEvent(io, e),
    ...(options.system ? { system: options.system } : {}),
  });
  const turn = await agent.send(options.print!, { signal: ctx.signal }).catch((error: unknown) => {
    throw modelFailure(error);
  });
  if (turn.stopReason === 'tool_limit') warn(io, `stopped after ${turn.toolCalls} tool calls (--max-tool-calls ${options.maxToolCalls})`);
  io.out(turn.text.endsWith('\n') ? turn.text : `${turn.text}\n`);
}

/** `/server__prompt key=value…`: the prompt's messages as the user's message, or what is wrong with the line. */
async function promptCommand(host: McpHost, line: string, signal: AbortSignal): Promise<ModelPart[] | { problem: string }> {
  const [name = '', ...rest] = line.slice(1).split(' ');
  const prompt = host.prompts().find((p) => p.name === name);
  if (!prompt) return { problem: `no command or prompt named /${name} (/tools, /prompts, /exit)` };
  const args = promptArguments(rest.join(' '));
  if ('problem' in args) return { problem: `/${name}: ${String(args.problem)}` };
  return promptParts(await host.getPrompt(name, args, { signal }));
}

/** Lines from the terminal, one waiter at a time, so the chat prompt and approval questions share one readline. */
class Lines {
  readonly rl: Interface;
  readonly #queue: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #closed = false;
  onInterrupt: () => void = () => this.rl.close();

  constructor() {
    this.rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    this.rl.on('line', (line) => (this.#waiter ? this.#take(line) : this.#queue.push(line)));
    this.rl.on('close', () => {
      this.#closed = true;
      this.#take(undefined);
    });
    this.rl.on('SIGINT', () => this.onInterrupt());
  }

  #take(line: string | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(line);
  }

  /** The next line after showing `prompt`; undefined once the input ended. */
  next(prompt: string): Promise<string | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    this.rl.setPrompt(prompt);
    this.rl.prompt();
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** Ends a pending question as if the input had ended (Ctrl-C during an approval). */
  cancelQuestion(): void {
    this.#take(undefined);
  }
}

async function repl(options: ChatOptions, ctx: CommandContext, host: McpHost, provider: ModelProvider, handlers: ClientHandlers, asks: { elicitation?: NonNullable<ClientHandlers['elicitation']> }): Promise<void> {
  const { io } = ctx;
  const c = io.errColor;
  const lines = new Lines();
  let turn: AbortController | undefined;
  lines.onInterrupt = () => {
    if (!turn) return lines.rl.close();
    io.err(c.yellow('\n(cancelled)\n'));
    turn.abort(new Error('interrupted'));
    lines.cancelQuestion();
  };
  ctx.signal.addEventListener('abort', () => lines.onInterrupt(), { once: true });
  const askTool = async (r: ApprovalRequest): Promise<ApprovalAnswer> => {
    io.err(`${c.yellow('?')} ${c.bold(r.name)} on server ${JSON.stringify(r.server)} wants to run with ${JSON.stringify(r.arguments).slice(0, 400)}\n`);
    if (r.why === 'destructive') io.err(c.red('  the server marks this tool destructive: asked every time\n'));
    const always = r.why === 'destructive' ? '' : '  [a] allow always (this tool on this server)';
    const answer = ((await lines.next(`  [y] allow once${always}  [N] deny: `)) ?? '').trim().toLowerCase();
    return answer === 'y' || answer === 'yes' ? 'once' : (answer === 'a' || answer === 'always') && always ? 'always' : 'deny';
  };
  // askForm only calls ask(); this terminal is the chat's own readline, so the form and the chat share stdin.
  const terminal = {
    ask: async (query: string): Promise<Answer> => {
      const line = await lines.next(query);
      return line === undefined ? { end: turn?.signal.aborted ? 'interrupt' : 'eof' } : { line };
    },
  } as unknown as TerminalSession;
  asks.elicitation = async (params) => {
    if (params.mode !== 'url') return askForm(terminal, params.message, params.requestedSchema as never, c);
    io.err(`${c.bold('The server asks you to open a URL:')} ${params.message}\n  ${params.url}\n${c.dim('(mcpkit does not open it; check where it points before you do)')}\n`);
    const answer = ((await lines.next('Open it and continue? [y]es, [n]o = decline, [c]ancel: ')) ?? 'c').trim().toLowerCase();
    return { action: answer === 'y' || answer === 'yes' ? 'accept' : answer === 'n' || answer === 'no' ? 'decline' : 'cancel' };
  };
  const askSampling = async (r: SamplingApprovalRequest): Promise<boolean> => {
    io.err(`${c.yellow('?')} server ${JSON.stringify(r.server)} asks the model (sampling, up to ${r.params.maxTokens} tokens):\n`);
    if (r.params.systemPrompt) io.err(`  system: ${r.params.systemPrompt.slice(0, 400)}\n`);
    for (const m of r.params.messages) {
      const blocks = Array.isArray(m.content) ? m.content : [m.content];
      io.err(`  ${m.role}: ${blocks.map((b) => (b.type === 'text' ? String(b.text) : `[${String(b.type)}]`)).join(' ').slice(0, 400)}\n`);
    }
    const answer = ((await lines.next('  send it to the model? [y/N]: ')) ?? '').trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  };
  const agent = new Agent({
    host,
    provider,
    handlers,
    approvals: new ToolApprovals({ ask: askTool, allowTools: options.allowTool, autoApproveReadOnly: options.autoApproveReadOnly === true }),
    approveSampling: askSampling,
    maxToolCallsPerTurn: options.maxToolCalls,
    onEvent: (e) => (e.type === 'text' ? io.out(e.delta) : describeEvent(io, e)),
    ...(options.system ? { system: options.system } : {}),
  });
  note(io, `mcpkit chat with ${provider.name} ${provider.model}, ${host.tools().length} tools from ${Object.keys(host.statuses()).join(', ')}. /tools, /prompts, @server:uri, /exit; Ctrl-C cancels.`);
  try {
    for (;;) {
      const line = await lines.next(c.bold('you> '));
      if (line === undefined || ctx.signal.aborted) break;
      const text = line.trim();
      if (text === '') continue;
      if (text === '/exit' || text === '/quit') break;
      if (text === '/tools') {
        for (const t of host.tools()) io.err(`  ${t.name}  ${c.dim((t.tool.description ?? '').split('\n')[0]!.slice(0, 100))}\n`);
        continue;
      }
      if (text === '/prompts') {
        for (const p of host.prompts()) io.err(`  /${p.name} ${(p.prompt.arguments ?? []).map((a) => (a.required ? `${a.name}=…` : `[${a.name}=…]`)).join(' ')}  ${c.dim((p.prompt.description ?? '').slice(0, 80))}\n`);
        continue;
      }
      turn = new AbortController();
      try {
        const message = text.startsWith('/') ? await promptCommand(host, text, turn.signal) : text;
        if (typeof message === 'object' && 'problem' in message) {
          io.err(`${c.red('mcpkit:')} ${message.problem}\n`);
          continue;
        }
        const result = await agent.send(message, { signal: turn.signal });
        io.out('\n');
        if (result.stopReason === 'tool_limit') warn(io, `stopped after ${result.toolCalls} tool calls (--max-tool-calls)`);
      } catch (error) {
        if (turn.signal.aborted) continue;
        const failure = modelFailure(error);
        io.err(`${c.red('mcpkit:')} ${(failure as Error).message}\n`);
      } finally {
        turn = undefined;
      }
    }
  } finally {
    lines.rl.close();
    process.stdin.pause();
  }
}
