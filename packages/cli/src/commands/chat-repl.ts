/**
 * The interactive side of `mcpkit chat`: one readline for the chat prompt and every question (tool approvals,
 * sampling, elicitation forms), prompts as `/commands`, Ctrl-C cancelling the answer in flight.
 * @module
 */
import type { ClientHandlers } from '@mcpkit/client';
import {
  Agent,
  type AgentEvent,
  type AgentHost,
  type ApprovalAnswer,
  type ApprovalRequest,
  type ApprovalStore,
  type McpHost,
  type ModelPart,
  type ModelProvider,
  type SamplingApprovalRequest,
  type SamplingDesk,
  ToolApprovals,
  promptArguments,
  promptParts,
} from '@mcpkit/host';
import { HttpError } from '@mcpkit/protocol';
import { CliError, ExitCode } from '../failure.js';
import { askForm } from '../interact/elicit-form.js';
import type { Answer, TerminalSession } from '../interact/terminal.js';
import { type Io, note, warn } from '../output/io.js';
import type { CommandContext } from '../session.js';
import type { ChatOptions } from './chat.js';
import type { ChatTerminal } from './chat-terminal.js';

/** What the Agent talks to: the model and the host, or their recording or replaying wrappers. */
export interface AgentSide {
  provider: ModelProvider;
  host: AgentHost;
  desk?: SamplingDesk;
}

/** One line on stderr for a tool call, its result, or a retry of the model API. */
export function describeEvent(io: Io, event: AgentEvent): void {
  const c = io.errColor;
  if (event.type === 'tool_call') io.err(c.dim(`\u2192 ${event.name} ${JSON.stringify(event.arguments ?? {}).slice(0, 200)}\n`));
  else if (event.type === 'tool_result') io.err(c.dim(`  ${event.isError ? (event.ran ? 'error' : 'not run') : 'done'}${event.truncated ? ' (truncated)' : ''}: ${event.content.split('\n')[0]!.slice(0, 160)}\n`));
  else if (event.type === 'retry') io.err(c.dim(`  model API answered ${event.status || 'nothing'}; retrying in ${Math.round(event.delayMs)} ms\n`));
}

/** A model API failure as a CLI failure (exit 3) that says where to look. */
export function modelFailure(error: unknown): unknown {
  if (error instanceof HttpError) {
    return new CliError(ExitCode.Connect, `the model API failed: ${error.message}`, 'check --provider, --base-url, --model and the API key (ANTHROPIC_API_KEY / OPENAI_API_KEY)', { cause: error });
  }
  return error;
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

/** One block of a sampling message, for the approval question. */
function samplingBlock(b: Record<string, unknown>): string {
  if (b.type === 'text') return String(b.text);
  if (b.type === 'image') return `[image ${String(b.mimeType)}]`;
  if (b.type === 'tool_use') return `[tool_use ${String(b.name)} ${JSON.stringify(b.input ?? {}).slice(0, 100)}]`;
  if (b.type === 'tool_result') return `[tool_result for ${String(b.toolUseId)}]`;
  return `[${String(b.type)}]`;
}

/** The interactive chat: a prompt, streamed answers, approvals asked on the same terminal. */
export async function repl(
  options: ChatOptions,
  ctx: CommandContext,
  host: McpHost,
  agentSide: AgentSide,
  handlers: ClientHandlers,
  asks: { elicitation?: NonNullable<ClientHandlers['elicitation']> },
  store: ApprovalStore,
  terminal: ChatTerminal,
): Promise<void> {
  const { provider } = agentSide;
  const { io } = ctx;
  const c = io.errColor;
  const { lines, spinner, ask, converse } = terminal;
  let turn: AbortController | undefined;
  lines.onInterrupt = () => {
    if (!turn) return lines.rl.close();
    spinner.clear();
    io.err(c.yellow('\n(cancelled)\n'));
    turn.abort(new Error('interrupted'));
    lines.cancelQuestion();
  };
  ctx.signal.addEventListener('abort', () => lines.onInterrupt(), { once: true });
  const askTool = (r: ApprovalRequest): Promise<ApprovalAnswer> => converse(async () => {
    io.err(`${c.yellow('?')} ${c.bold(r.name)} on server ${JSON.stringify(r.server)} wants to run with ${JSON.stringify(r.arguments).slice(0, 400)}\n`);
    if (r.why === 'destructive') io.err(c.red('  the server marks this tool destructive: asked every time\n'));
    if (r.why === 'changed') io.err(c.yellow('  you allowed this tool always, but the server has changed it since: asked again\n'));
    const always = r.why === 'destructive' ? '' : '  [a] allow always (this tool on this server)';
    const answer = ((await ask(`  [y] allow once${always}  [N] deny: `)) ?? '').trim().toLowerCase();
    return answer === 'y' || answer === 'yes' ? 'once' : (answer === 'a' || answer === 'always') && always ? 'always' : 'deny';
  });
  // askForm only calls ask(); this terminal is the chat's own readline, so the form and the chat share stdin.
  const formTerminal = {
    ask: async (query: string): Promise<Answer> => {
      const line = await ask(query);
      return line === undefined ? { end: turn?.signal.aborted ? 'interrupt' : 'eof' } : { line };
    },
  } as unknown as TerminalSession;
  // A whole form is one exchange: two servers asking at once get their forms one after the other, not interleaved.
  asks.elicitation = (params, requestCtx) => converse(async () => {
    // Queued behind another question while its call was cancelled: nobody wants the answer any more.
    if (requestCtx.signal.aborted) return { action: 'cancel' };
    if (params.mode !== 'url') return askForm(formTerminal, params.message, params.requestedSchema as never, c);
    io.err(`${c.bold('The server asks you to open a URL:')} ${params.message}\n  ${params.url}\n${c.dim('(mcpkit does not open it; check where it points before you do)')}\n`);
    const answer = ((await ask('Open it and continue? [y]es, [n]o = decline, [c]ancel: ')) ?? 'c').trim().toLowerCase();
    return { action: answer === 'y' || answer === 'yes' ? 'accept' : answer === 'n' || answer === 'no' ? 'decline' : 'cancel' };
  });
  const askSampling = (r: SamplingApprovalRequest): Promise<boolean> => converse(async () => {
    io.err(`${c.yellow('?')} server ${JSON.stringify(r.server)} asks the model (sampling, up to ${r.params.maxTokens} tokens):\n`);
    if (r.params.systemPrompt) io.err(`  system: ${r.params.systemPrompt.slice(0, 400)}\n`);
    for (const m of r.params.messages) {
      const blocks = Array.isArray(m.content) ? m.content : [m.content];
      io.err(`  ${m.role}: ${blocks.map(samplingBlock).join(' ').slice(0, 400)}\n`);
    }
    const tools = (r.params.tools ?? []).map((t) => t.name);
    if (tools.length) io.err(`  tools the model may ask for (the server runs them): ${tools.join(', ').slice(0, 400)}\n`);
    const answer = ((await ask('  send it to the model? [y/N]: ')) ?? '').trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  });
  let midLine = false;
  const agent = new Agent({
    host: agentSide.host,
    ...(agentSide.desk ? { samplingDesk: agentSide.desk } : {}),
    provider,
    handlers,
    approvals: new ToolApprovals({
      ask: askTool,
      allowTools: options.allowTool,
      autoApproveReadOnly: options.autoApproveReadOnly === true,
      store,
      onStoreError: (error) => {
        spinner.hide();
        warn(io, `remembered approvals: ${(error as Error).message}`);
        spinner.show();
      },
    }),
    approveSampling: askSampling,
    maxToolCallsPerTurn: options.maxToolCalls,
    onEvent: (e) => {
      spinner.hide();
      if (e.type === 'text') {
        io.out(e.delta);
        midLine = !e.delta.endsWith('\n');
      } else if (e.type === 'tool_call' || e.type === 'tool_result' || e.type === 'retry') {
        // A tool line after streamed text starts on a line of its own.
        if (midLine) io.out('\n');
        midLine = false;
        describeEvent(io, e);
      }
      if (e.type === 'tool_call') spinner.called(e.id, e.name);
      else if (e.type === 'tool_result') spinner.finished(e.id);
      else spinner.show();
    },
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
        midLine = false;
        if (result.stopReason === 'tool_limit') warn(io, `stopped after ${result.toolCalls} tool calls (--max-tool-calls)`);
      } catch (error) {
        if (turn.signal.aborted) continue;
        const failure = modelFailure(error);
        io.err(`${c.red('mcpkit:')} ${(failure as Error).message}\n`);
      } finally {
        spinner.clear();
        turn = undefined;
      }
    }
  } finally {
    terminal.close();
  }
}
