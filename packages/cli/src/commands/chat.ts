/**
 * `mcpkit chat`: a conversation with a model (Anthropic or OpenAI-compatible) over the tools of MCP servers, with
 * each tool call approved on the terminal; `--print PROMPT` runs one non-interactive conversation for scripts.
 * @module
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { ClientHandlers } from '@mcpkit/client';
import {
  Agent,
  AnthropicProvider,
  McpHost,
  type ModelPart,
  type ModelProvider,
  OpenAiProvider,
  type ServerConfig,
  ToolApprovals,
  SamplingDesk,
  agentClientOptions,
  loadHostConfig,
  recordTranscript,
  replayTranscript,
  transcriptPrompts,
} from '@mcpkit/host';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { CliError, ExitCode } from '../failure.js';
import { rootsFrom } from '../interact/server-asks.js';
import { warn } from '../output/io.js';
import { type CommandContext, VERSION } from '../session.js';
import { approvalFile, manageApprovals } from './chat-approvals.js';
import { pinningGuard } from './chat-pinning.js';
import { ChatTerminal } from './chat-terminal.js';
import { type AgentSide, describeEvent, modelFailure, repl } from './chat-repl.js';

export interface ChatOptions {
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
  record?: string;
  replay?: string;
  system?: string;
  maxToolCalls: number;
  stream: boolean;
  listApprovals?: boolean;
  forgetApprovals?: boolean;
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
    .option('--lock <file>', 'pin the servers\u2019 tools and prompts in this lockfile (mcp.lock.json): new servers are pinned; a changed tool is asked about in the chat, and hidden with --print until `mcpkit trust approve`')
    .option('--record <file>', 'write the conversation (model requests and answers, tool calls, resource reads) to FILE as JSON lines')
    .option('--replay <file>', 'run a recorded conversation again from FILE (every message it recorded, or only --print PROMPT), with no model API and no servers')
    .option('--system <text>', 'a system prompt')
    .addOption(new Option('--max-tool-calls <n>', 'tool calls per message before the model must answer').argParser(positive).default(25))
    .option('--no-stream', 'ask the model for whole answers instead of streams')
    .option('--list-approvals', 'list the remembered "allow always" answers (of the servers given, else all) and exit')
    .option('--forget-approvals', 'forget the remembered "allow always" answers (of the servers given, else all) and exit')
    .addHelpText('after', `\nExamples:\n  mcpkit chat -- npx mcpkit-weather\n  mcpkit chat --provider openai --base-url http://127.0.0.1:11434/v1 --model llama3.2 --config .mcp.json\n  mcpkit chat --print "Weather in Paris?" --allow-tool get_weather -- npx mcpkit-weather\n\nKeys come from ANTHROPIC_API_KEY / OPENAI_API_KEY. In the chat: /tools lists the tools, /prompts the prompts (run one as /NAME key=value...),
@SERVER:URI attaches a resource, /exit (or Ctrl-D) ends;\nCtrl-C cancels the answer or tool calls in flight. "Allow always" is remembered in ~/.config/mcpkit/approvals.json\n(or $XDG_CONFIG_HOME) for that tool on that server (command, arguments and directory, or URL) until the tool changes.\n\nExit codes (--print): 0 the answer was printed; 2 usage (no key, no server, bad flags); 3 a server could not be\nstarted or the model API failed after retries; 130 interrupted.`)
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
  if (options.listApprovals || options.forgetApprovals) return approvalsOnly(options, ctx);
  if (options.replay !== undefined) return replay(options, ctx);
  if (interactive && !io.stdinIsTty) throw new CliError(ExitCode.Usage, 'mcpkit chat needs a terminal', 'use --print PROMPT for one non-interactive conversation');
  const provider = pickProvider(options, io.env);
  const configs = await servers(options, ctx);
  // Read once before any server starts, so a broken file is an error now rather than a warning per tool call.
  const store = interactive ? await approvalFile(io) : undefined;
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
  const desk = new SamplingDesk();
  let terminal: ChatTerminal | undefined;
  // Interactive: a pinned tool that drifted is asked about, on the chat's terminal, as soon as it is listed.
  const asker = { converse: <T>(exchange: () => Promise<T>) => terminal!.converse(exchange), ask: (q: string) => terminal!.ask(q) };
  const guard = options.lock ? await pinningGuard(options.lock, io, interactive ? asker : undefined) : undefined;
  const host = new McpHost({
    clientInfo: { name: 'mcpkit-chat', version: VERSION },
    clientOptions: agentClientOptions({ handlers }, desk),
    reconnect: false,
    ...(guard ? { guard } : {}),
  });
  // Made before the servers connect, so the guard can ask then; closed however the chat ends.
  terminal = interactive ? new ChatTerminal(io) : undefined;
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
    let agentSide: AgentSide = { provider, host, desk };
    if (options.record) {
      const file = options.record;
      writeFileSync(file, '');
      agentSide = { ...recordTranscript(provider, host, (line) => appendFileSync(file, line)), desk };
    }
    if (store && terminal) await repl(options, ctx, host, agentSide, handlers, asks, store, terminal);
    else await printOnce(options, ctx, agentSide, handlers);
  } finally {
    terminal?.close();
    await host.close();
  }
}

/** `--list-approvals` / `--forget-approvals`: no model, no servers started; the servers given only narrow it. */
async function approvalsOnly(options: ChatOptions, ctx: CommandContext): Promise<void> {
  if (options.listApprovals && options.forgetApprovals) throw new CliError(ExitCode.Usage, 'give --list-approvals or --forget-approvals, not both');
  if (options.print !== undefined || options.replay !== undefined) throw new CliError(ExitCode.Usage, '--list-approvals and --forget-approvals run no conversation: drop --print and --replay');
  const configs = options.config || ctx.stdio ? await servers(options, ctx) : undefined;
  await manageApprovals(options.listApprovals ? 'list' : 'forget', configs, ctx.io);
}

/**
 * `--replay FILE [--print PROMPT]`: the recorded answers and results, no model API, no servers. With `--print` one
 * message; without, every user message the transcript recorded, in order (a whole chat, typed or not).
 */
async function replay(options: ChatOptions, ctx: CommandContext): Promise<void> {
  if (options.config || ctx.stdio || options.record) throw new CliError(ExitCode.Usage, '--replay takes no servers and no --record: the transcript has the servers\u2019 answers');
  let text: string;
  try {
    text = readFileSync(options.replay!, 'utf8');
  } catch (error) {
    throw new CliError(ExitCode.Usage, `--replay ${options.replay}: ${(error as Error).message}`);
  }
  let played: ReturnType<typeof replayTranscript>;
  let messages: Array<string | ModelPart[]>;
  try {
    played = replayTranscript(text);
    messages = options.print !== undefined ? [options.print] : transcriptPrompts(text);
  } catch (error) {
    throw new CliError(ExitCode.Usage, `--replay ${options.replay}: ${(error as Error).message}`);
  }
  if (messages.length === 0) throw new CliError(ExitCode.Usage, `--replay ${options.replay}: the transcript has no message from the user`);
  await printOnce(options, ctx, played, {}, messages);
}

/** Runs `messages` (default: the `--print` prompt) through one agent, printing each answer on stdout. */
async function printOnce(options: ChatOptions, ctx: CommandContext, side: AgentSide, handlers: ClientHandlers, messages: Array<string | ModelPart[]> = [options.print!]): Promise<void> {
  const { io } = ctx;
  const agent = new Agent({
    host: side.host,
    provider: side.provider,
    ...(side.desk ? { samplingDesk: side.desk } : {}),
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
  for (const message of messages) {
    // A replayed chat says which message each answer is for.
    if (messages.length > 1) io.err(io.errColor.bold(`you> ${typeof message === 'string' ? message : message.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join(' ').slice(0, 200)}\n`));
    const turn = await agent.send(message, { signal: ctx.signal }).catch((error: unknown) => {
      throw modelFailure(error);
    });
    if (turn.stopReason === 'tool_limit') warn(io, `stopped after ${turn.toolCalls} tool calls (--max-tool-calls ${options.maxToolCalls})`);
    io.out(turn.text.endsWith('\n') ? turn.text : `${turn.text}\n`);
  }
}

