/**
 * Issue 13 on a terminal (a pseudo-terminal from util-linux `script`): the elicitation form, sampling typed by
 * the user, the progress bar redrawn in place and erased, and list descriptions wrapped to the width.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVERYTHING, ROOT, runInTerminal } from './testing/harness.js';

const URL_SERVER = ['node', join(ROOT, 'packages', 'cli', 'src', 'fixtures', 'url-elicitation-server.mjs')];

describe.each(['2026-07-28', '2025-11-25'])('on a terminal, protocol %s', (protocol) => {
  it('asks each field of an elicitation form with its type, then whether to send', async () => {
    const r = await runInTerminal(['call', 'elicit_info', '--protocol', protocol, '--', ...EVERYTHING], {
      answers: [
        ['name (string, required): ', '\r'],
        ['required', 'Ada\r'],
        ['age (integer ≥ 0, optional): ', 'old\r'],
        ['expected a whole number', '36\r'],
        ['Send {"name":"Ada","age":36}? [Y]es, [n]o = decline, [c]ancel: ', 'y\r'],
      ],
    });
    expect(r.code, r.output).toBe(0);
    const shown = r.output.replace(/\x1b\[\d*[GJK]/g, '');
    expect(shown).toContain('The server asks: Tell me about yourself\r\n(Enter keeps the default or skips an optional field; Ctrl-D declines, Ctrl-C cancels)\r\n');
    expect(shown).toContain('  name (string, required): \r\r\n    required\r\n  name (string, required): Ada\r\r\n');
    expect(shown).toContain('  age (integer ≥ 0, optional): old\r\r\n    expected a whole number\r\n  age (integer ≥ 0, optional): 36\r\r\n');
    expect(shown).toMatch(/Hello Ada\r\n$/);
  });

  it('the --timeout clock stops while the user answers, and the call goes on afterwards', async () => {
    // 4.5 s to type a name, with a 3 s timeout: in the session era the tool call is in flight all along. (The
    // timeout also bounds the server's start, which takes seconds on a busy machine: hence not shorter.)
    const r = await runInTerminal(['call', 'elicit_info', '--timeout', '3000', '--protocol', protocol, '--', ...EVERYTHING], {
      answers: [
        ['name (string, required): ', 'Ada\r', 4500],
        ['age (integer ≥ 0, optional): ', '\r'],
        ['[c]ancel: ', '\r'],
      ],
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Hello Ada\r\n$/);
  });

  it('a server that goes silent still times out on a terminal', async () => {
    const r = await runInTerminal(['call', 'long_running', '{"seconds": 15, "steps": 1}', '--timeout', '3000', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code, r.output).toBe(3);
    expect(r.output).toContain('Request tools/call long_running timed out after 3000 ms without an answer (--timeout 3000)');
  });

  it('Ctrl-D at a field declines: the tool hears it, and a decline the user chose is no failure', async () => {
    const r = await runInTerminal(['call', 'elicit_info', '--protocol', protocol, '--', ...EVERYTHING], { answers: [['name (string, required): ', '\x04']] });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/You chose to decline\r\n$/);
  });

  it('sampling: shows the request and sends what the user types', async () => {
    const r = await runInTerminal(['call', 'sample_llm', '{"prompt": "What is 2+2?", "maxTokens": 20}', '--protocol', protocol, '--', ...EVERYTHING], {
      answers: [
        ['> ', 'Four.\r'],
        ['> ', '\r'],
      ],
    });
    expect(r.code, r.output).toBe(0);
    const shown = r.output.replace(/\x1b\[\d*[GJK]/g, '');
    expect(shown).toContain('The server asks for an LLM completion (sampling/createMessage, up to 20 tokens); you are the LLM:\r\n  user: What is 2+2?\r\n');
    expect(shown).toMatch(/LLM said: Four\.\r\n$/);
  });

  it('URL-mode elicitation: prints the URL as text and asks to confirm', async () => {
    const r = await runInTerminal(['call', 'connect_account', '--protocol', protocol, '--', ...URL_SERVER], { answers: [['Open it and continue? ', 'y\r']] });
    expect(r.code, r.output).toBe(0);
    const shown = r.output.replace(/\x1b\[\d*[GJK]/g, '');
    expect(shown).toContain('The server asks you to open a URL: Sign in to connect your account\r\n  https://example.com/connect?session=abc\r\n(mcpkit does not open it; check where it points before you do)\r\n');
    expect(shown).toMatch(/action: accept\r\n$/);
  });

  it('draws progress as one bar redrawn in place, and erases it before the result', async () => {
    const r = await runInTerminal(['call', 'long_running', '{"seconds": 0.8, "steps": 4}', '--protocol', protocol, '--', ...EVERYTHING]);
    expect(r.code, r.output).toBe(0);
    // The connect spinner shows (and is erased) when the machine is slow to start the server.
    expect(r.output.replace(/^(\r\S connecting to [^\r]*\x1b\[K)+\r\x1b\[K/, '')).toBe(
      '\r[--------------------] 0/4 (0%) step 1 of 4\x1b[K' +
        '\r[#####---------------] 1/4 (25%) step 2 of 4\x1b[K' +
        '\r[##########----------] 2/4 (50%) step 3 of 4\x1b[K' +
        '\r[###############-----] 3/4 (75%) step 4 of 4\x1b[K' +
        '\r[####################] 4/4 (100%) done\x1b[K' +
        '\r\x1b[K' +
        'Long-running operation finished after 0.8s in 4 steps\r\n',
    );
  });
});

describe('list on a terminal', () => {
  it('wraps long descriptions to the width, under the description column', async () => {
    const r = await runInTerminal(['list', '--', ...EVERYTHING], { cols: 60 });
    expect(r.code, r.output).toBe(0);
    // The connect spinner shows (and is erased) when the machine is slow to start the server.
    const lines = r.output.replace(/^(\r\S connecting to [^\r]*\x1b\[K)+\r\x1b\[K/, '').split('\r\n');
    const column = lines[0]!.indexOf('DESCRIPTION');
    const at = lines.findIndex((l) => l.startsWith('long_running '));
    expect(lines[at]!.slice(column)).toBe('Runs for `seconds`,');
    expect(lines.slice(at + 1, at + 4)).toEqual(['reporting progress', 'each step;', 'cancellable'].map((l) => `${' '.repeat(column)}${l}`));
    expect(lines[at + 4]).toMatch(/^sample_llm /);
    expect(lines.every((l) => l.length <= 59)).toBe(true);
  });
});
