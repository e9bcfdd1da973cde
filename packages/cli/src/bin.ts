#!/usr/bin/env node
/**
 * The `mcpkit` executable.
 * @module
 */
import { main } from './main.js';

const controller = new AbortController();
// Ctrl-C aborts what is in flight, so the command can close its server (a stdio child runs in its own process
// group and does not get the terminal's SIGINT); a second Ctrl-C exits at once.
process.once('SIGINT', () => {
  controller.abort(new Error('interrupted'));
  process.once('SIGINT', () => process.exit(130));
});

// A reader that stops early (`mcpkit list --json | head`) closes the pipe; that needs no stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw error;
});

const code = await main(process.argv.slice(2), { signal: controller.signal });
// Exit explicitly: an idle HTTP keep-alive socket must not hold the command open. Flush stdout and stderr first,
// since they may be pipes that are still writing.
let pending = 2;
const done = (): void => {
  if (--pending === 0) process.exit(code);
};
process.stdout.write('', done);
process.stderr.write('', done);
