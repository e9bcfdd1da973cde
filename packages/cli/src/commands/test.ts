/**
 * `mcpkit test SCENARIO.yaml [--junit FILE] [TARGET]`: runs a scenario's steps (list, call, read, get) against
 * a server and checks each result; a line per step, exit 0 when all pass, 1 when one fails, 2 for a bad file.
 * @module
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, ExitCode, usageError } from '../failure.js';
import type { Io } from '../output/io.js';
import { type Scenario, type StepReport, passed } from '../scenario/types.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions, withTargetSession } from '../session.js';
import { type Target, type TargetOptions, addTargetOptions, describeTarget, resolveTarget } from '../target.js';

const TEST_HELP = `
Scenario file (YAML; the full reference is docs/cli-test.md):
  name: everything smoke test          # optional; the JUnit suite name
  server:                              # optional when the command line names the server
    command: [node, dist/bin.js]       # a stdio server, run without a shell from the file's folder (or cwd:)
    env: { API_KEY: test }             # ... or url: http://127.0.0.1:3000/mcp (with headers:)
  timeout: 10000                       # per request, in ms (--timeout wins)
  steps:
    - list: tools                      # tools, resources, templates or prompts
      expect: { contains: [{ name: echo }] }
    - call: echo                       # a tool, with arguments
      arguments: { text: hi }
      expect: { equals: hi, isError: false }
    - read: demo://readme              # a resource
      expect: { matches: "^# " }
    - get: greeting                    # a prompt, with string arguments
      arguments: { name: Ada }
      expect: { contains: Ada }

Expectations: a string (equals, contains, matches) is checked against the step's text; any other value
against its data (a call's structuredContent, else its result; a read or get result; a list's items), deep for
equals and as a subset for contains; schema is a JSON Schema the data must satisfy; isError (call only).

A server given on the command line (-- COMMAND, --url, --config) replaces the file's.

Exit codes:
  0    every step passed
  1    a step failed (the lines above say which, and why)
  2    bad arguments or a bad scenario file (each problem as file:line:col)
  3    cannot connect to the server (every step is reported failed in the --junit file)`;

interface TestOptions extends ConnectionOptions {
  junit?: string;
}

function scenarioTarget(scenario: Scenario): Target | undefined {
  const server = scenario.server;
  if (!server) return undefined;
  if (server.kind === 'http') return { kind: 'http', url: server.url, headers: server.headers };
  return { kind: 'stdio', command: server.command, args: server.args, env: server.env, cwd: server.cwd, inheritEnv: true };
}

/**
 * The scenario runner, imported on first use: YAML and ajv (with its formats) cost every other command about a
 * fifth of a second of start-up when imported up front.
 */
const loadRunner = async () => {
  const [load, run, junit] = await Promise.all([import('../scenario/load.js'), import('../scenario/run.js'), import('../scenario/junit.js')]);
  return { ...load, ...run, ...junit };
};

function reportLine(io: Io, report: StepReport): string {
  const c = io.color;
  const time = c.dim(`(${report.ms} ms)`);
  if (passed(report)) return `${c.green('✓')} ${report.step.name} ${time}\n`;
  if (report.error) return `${c.red('✗')} ${report.step.name}: ${report.error.message.replace(/\n/g, '\n    ')} ${time}\n${report.error.hint ? `    ${c.dim(`hint: ${report.error.hint}`)}\n` : ''}`;
  let text = `${c.red('✗')} ${report.step.name}: ${report.mismatches.map((m) => `${m.kind}: ${m.message}`).join('; ')} ${time}\n`;
  for (const m of report.mismatches) {
    for (const line of m.details) text += `    ${line.startsWith('-') ? c.red(line) : line.startsWith('+') ? c.green(line) : line}\n`;
  }
  return text;
}

function writeJunit(junitXml: (typeof import('../scenario/junit.js'))['junitXml'], file: string | undefined, scenario: Scenario, reports: StepReport[], ms: number, timestamp: Date): void {
  if (file === undefined) return;
  try {
    writeFileSync(file, junitXml({ name: scenario.name, file: scenario.file, reports, ms, timestamp }));
  } catch (error) {
    throw usageError(`--junit ${file}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

async function test(ctx: CommandContext, file: string, options: TestOptions, command: Command): Promise<void> {
  const { io } = ctx;
  const { ScenarioError, loadScenario, runStep, junitXml } = await loadRunner();
  let scenario: Scenario;
  try {
    scenario = await loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(ExitCode.Usage, error.message, 'fix the scenario file (docs/cli-test.md describes its format)', { cause: error });
    throw error;
  }
  const fromCommandLine = ctx.stdio !== undefined || options.url !== undefined || options.config !== undefined;
  const target = fromCommandLine ? await resolveTarget(options as TargetOptions, ctx.stdio) : scenarioTarget(scenario);
  if (!target) throw usageError(`${file} names no server, and none was given`, 'add server: to the file, or give the server as `-- COMMAND ARGS...` or `--url URL`');
  const timeout = command.getOptionValueSource('timeout') === 'default' && scenario.timeout !== undefined ? scenario.timeout : options.timeout;
  const timestamp = new Date();
  const started = performance.now();
  const reports: StepReport[] = [];
  io.out(`${io.color.bold(scenario.name)}: ${scenario.steps.length} step${scenario.steps.length === 1 ? '' : 's'} against ${describeTarget(target)}\n`);
  try {
    await withTargetSession(ctx, target, { timeout, protocol: options.protocol }, async (session) => {
      for (const step of scenario.steps) {
        const report = await runStep(session, step);
        reports.push(report);
        io.out(reportLine(io, report));
      }
    });
  } catch (error) {
    // Could not connect (or lost the server between steps): what did not run fails with the same reason.
    if (error instanceof CliError && !ctx.signal.aborted) {
      const message = `not run: ${error.message}`;
      for (const step of scenario.steps.slice(reports.length)) reports.push({ step, ms: 0, mismatches: [], error: { message, hint: error.hint } });
      writeJunit(junitXml, options.junit, scenario, reports, Math.round(performance.now() - started), timestamp);
    }
    throw error;
  }
  const ms = Math.round(performance.now() - started);
  writeJunit(junitXml, options.junit, scenario, reports, ms, timestamp);
  const failed = reports.filter((r) => !passed(r)).length;
  const c = io.color;
  io.out(`${failed ? c.red(`${failed} failed`) : c.green('all passed')}: ${reports.length - failed} of ${reports.length} steps passed ${c.dim(`(${ms} ms)`)}\n`);
  if (failed) ctx.exitCode = ExitCode.ToolError;
}

export function testCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('test')
    .description('run a scenario file (YAML) of list, call, read and get steps against a server and check each result; JUnit XML for CI')
    .usage('[options] SCENARIO.yaml [TARGET]')
    .argument('<scenario>', 'the scenario file, e.g. tests/smoke.yaml')
    .option('--junit <file>', 'also write the results as JUnit XML to FILE');
  addTargetOptions(command);
  addConnectionOptions(command, { json: false });
  command.addHelpText('after', TEST_HELP).action((file: string, options: TestOptions, cmd: Command) => test(ctx, file, options, cmd));
}
