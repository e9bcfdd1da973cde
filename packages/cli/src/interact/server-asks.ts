/**
 * What the server asks of mcpkit while a command runs: elicitation (form and URL mode) and sampling are put to
 * the user when stdin is a terminal and refused otherwise (never waiting on a pipe); roots come from `--root`.
 * A refusal ends the command with exit 5 in either era, whatever the server made of it.
 * @module
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ClientHandlers } from '@mcpkit/client';
import { type CreateMessageParams, type CreateMessageResult, type ElicitParams, type ElicitResult, ProtocolError, type Root } from '@mcpkit/protocol';
import { CliError, ExitCode, usageError } from '../failure.js';
import type { Io } from '../output/io.js';
import { askForm } from './elicit-form.js';
import type { RequestClock } from './request-clock.js';
import { type TerminalSession, withTerminal } from './terminal.js';

/** JSON-RPC code for a sampling request the user turned down (spec 2025-11-25 client/sampling#error-handling). */
const USER_REJECTED = -1;

/**
 * The roots `--root DIR` names, as absolute `file://` URIs.
 * @throws CliError (exit 2) for a path that does not exist.
 */
export function rootsFrom(paths: readonly string[], cwd = process.cwd()): Root[] {
  return paths.map((path) => {
    const absolute = resolve(cwd, path);
    try {
      statSync(absolute);
    } catch {
      throw usageError(`--root ${JSON.stringify(path)}: no such file or directory (${absolute})`);
    }
    return { uri: pathToFileURL(absolute).href, name: basename(absolute) || absolute };
  });
}

function contentText(content: unknown): string {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks
    .map((b: { type?: unknown; text?: unknown; mimeType?: unknown }) => (b?.type === 'text' && typeof b.text === 'string' ? b.text : `[${String(b?.type)}${b?.mimeType ? ` ${String(b.mimeType)}` : ''}]`))
    .join('\n');
}

/** The asks of one command, and the first one mcpkit had to refuse. */
export class ServerAsks {
  readonly #io: Io;
  readonly #roots: Root[];
  #refusal: CliError | undefined;
  /** Called before anything is asked on the terminal (e.g. to erase a progress bar). */
  beforePrompt: () => void = () => undefined;

  constructor(io: Io, roots: Root[]) {
    this.#io = io;
    this.#roots = roots;
  }

  /** The clocks of the requests in flight, stopped while the user is asked something. */
  readonly #clocks = new Set<RequestClock>();

  track(clock: RequestClock): RequestClock {
    this.#clocks.add(clock);
    return clock;
  }

  untrack(clock: RequestClock): void {
    clock.stop();
    this.#clocks.delete(clock);
  }

  /** Runs `body` (which asks on the terminal) with the progress bar erased and every request clock stopped. */
  async #asking<T>(body: (terminal: TerminalSession) => Promise<T>): Promise<T> {
    this.beforePrompt();
    const clocks = [...this.#clocks];
    for (const c of clocks) c.pause();
    try {
      return await withTerminal(body);
    } finally {
      for (const c of clocks) c.resume();
    }
  }

  /** The refusal, if there was one: what the command fails with once its output is printed. */
  get refusal(): CliError | undefined {
    return this.#refusal;
  }

  /** @throws CliError (exit 5) when mcpkit refused something the server asked. */
  throwIfRefused(): void {
    if (this.#refusal) throw this.#refusal;
  }

  #refuse(what: string, why: string, hint: string): CliError {
    this.#refusal ??= new CliError(ExitCode.NeedsInput, `the server asked for ${what}, and mcpkit declined: ${why}`, hint);
    return this.#refusal;
  }

  #noTerminal(what: string): CliError {
    return this.#refuse(what, 'stdin is not a terminal, so there is no one to ask', 'run the command in a terminal to answer the server');
  }

  readonly handlers: ClientHandlers = {
    elicitation: (params) => this.#elicit(params),
    sampling: (params) => this.#sample(params),
    roots: () => this.#roots,
  };

  async #elicit(params: ElicitParams): Promise<ElicitResult> {
    const what = params.mode === 'url' ? `input at a URL (elicitation/create: ${JSON.stringify(params.message)})` : `input (elicitation/create: ${JSON.stringify(params.message)})`;
    // Declining is an answer the server's tool can act on, in either era; the command still fails afterwards.
    if (!this.#io.stdinIsTty) {
      this.#noTerminal(what);
      return { action: 'decline' };
    }
    const color = this.#io.errColor;
    return this.#asking(async (terminal) => {
      if (params.mode !== 'url') return askForm(terminal, params.message, params.requestedSchema as never, color);
      this.#io.err(`${color.bold('The server asks you to open a URL:')} ${params.message}\n  ${params.url}\n${color.dim('(mcpkit does not open it; check where it points before you do)')}\n`);
      for (;;) {
        const answer = await terminal.ask('Open it and continue? [y]es, [n]o = decline, [c]ancel: ');
        if ('end' in answer) return { action: answer.end === 'eof' ? 'decline' : 'cancel' };
        const choice = answer.line.trim().toLowerCase();
        if (choice === 'y' || choice === 'yes') return { action: 'accept' };
        if (choice === 'n' || choice === 'no') return { action: 'decline' };
        if (choice === 'c' || choice === 'cancel') return { action: 'cancel' };
      }
    });
  }

  async #sample(params: CreateMessageParams): Promise<CreateMessageResult> {
    const what = 'an LLM completion (sampling/createMessage)';
    // A sampling request has no "decline" result: the server is told with an error, and the command fails.
    if (!this.#io.stdinIsTty) throw this.#rejected(this.#noTerminal(what));
    const color = this.#io.errColor;
    const reply = await this.#asking(async (terminal) => {
      let text = `${color.bold('The server asks for an LLM completion')} ${color.dim(`(sampling/createMessage, up to ${params.maxTokens} tokens)`)}; you are the LLM:\n`;
      if (params.systemPrompt) text += `  ${color.bold('system:')} ${params.systemPrompt}\n`;
      for (const m of params.messages) text += `  ${color.bold(`${m.role}:`)} ${contentText(m.content).replace(/\n/g, '\n    ')}\n`;
      this.#io.err(`${text}${color.dim('Type the reply; an empty line ends it, an empty reply declines (Ctrl-C too).')}\n`);
      const lines: string[] = [];
      for (;;) {
        const answer = await terminal.ask('> ');
        if ('end' in answer) return answer.end === 'eof' ? lines.join('\n') : '';
        if (answer.line === '') return lines.join('\n');
        lines.push(answer.line);
      }
    });
    if (reply.trim() === '') throw this.#rejected(this.#refuse(what, 'you declined it', 'answer with some text to let the tool go on'));
    return { role: 'assistant', content: { type: 'text', text: reply }, model: 'mcpkit-cli-user', stopReason: 'endTurn' };
  }

  /** The error the server is sent (session era); in the stateless era it ends the request here. */
  #rejected(refusal: CliError): ProtocolError {
    return new ProtocolError(USER_REJECTED, 'User rejected sampling request', undefined, { cause: refusal });
  }
}
