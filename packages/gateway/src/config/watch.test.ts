// Hot reload against a real file: edits, saves by rename, broken files, SIGHUP, close.
import { EventEmitter } from 'node:events';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayConfigError } from './errors.js';
import type { GatewayConfig } from './types.js';
import { watchGatewayConfig, type GatewayConfigWatcher, type SignalSource } from './watch.js';

let dir: string;
let file: string;
let watcher: GatewayConfigWatcher | undefined;
let changes: GatewayConfig[];
let errors: unknown[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpkit-watch-'));
  file = join(dir, 'mcp.yaml');
  writeFileSync(file, 'listen: {port: 1000}\n');
  changes = [];
  errors = [];
});
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function start(signals: SignalSource | false = false): GatewayConfigWatcher {
  watcher = watchGatewayConfig(file, { env: {}, debounceMs: 30, signals, onChange: (c) => changes.push(c), onError: (e) => errors.push(e) });
  return watcher;
}

async function until(what: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error(`timed out; changes=${changes.length} errors=${errors.map(String).join(' | ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 200));

describe('watchGatewayConfig', () => {
  it('reloads when the file changes', async () => {
    start();
    await settle();
    writeFileSync(file, 'listen: {port: 2000}\n');
    await until(() => changes.length === 1);
    expect(changes[0]!.listen.port).toBe(2000);
    expect(errors).toEqual([]);
  });

  it('reloads when an editor saves by writing a new file and renaming it over the old one', async () => {
    start();
    await settle();
    writeFileSync(join(dir, '.mcp.yaml.swp'), 'listen: {port: 3000}\n');
    renameSync(join(dir, '.mcp.yaml.swp'), file);
    await until(() => changes.length === 1);
    expect(changes[0]!.listen.port).toBe(3000);
    // The watch survives the replacement.
    writeFileSync(file, 'listen: {port: 3001}\n');
    await until(() => changes.length === 2);
    expect(changes[1]!.listen.port).toBe(3001);
  });

  it('reports a broken file and keeps the previous config; a fixed file is taken again', async () => {
    start();
    await settle();
    writeFileSync(file, 'listen: {port: nope}\n');
    await until(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(GatewayConfigError);
    expect(String((errors[0] as Error).message)).toContain('mcp.yaml:1:16: listen.port: must be a whole number');
    expect(changes).toEqual([]);
    writeFileSync(file, 'listen: {port: 4000}\n');
    await until(() => changes.length === 1);
    expect(changes[0]!.listen.port).toBe(4000);
  });

  it('does not report a rewrite with the same text as a change', async () => {
    start();
    await settle();
    writeFileSync(file, 'listen: {port: 1000}\n');
    writeFileSync(join(dir, 'unrelated.txt'), 'x');
    await settle();
    expect(changes).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('reloads on SIGHUP, even when the text is unchanged', async () => {
    const signals = new EventEmitter();
    start(signals as SignalSource);
    await settle();
    signals.emit('SIGHUP');
    await until(() => changes.length === 1);
    expect(changes[0]!.listen.port).toBe(1000);
    watcher!.close();
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('listens to SIGHUP on process by default and lets go of it on close', async () => {
    const before = process.listenerCount('SIGHUP');
    watcher = watchGatewayConfig(file, { env: {}, onChange: (c) => changes.push(c), onError: (e) => errors.push(e) });
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    process.emit('SIGHUP');
    await until(() => changes.length === 1);
    watcher.close();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });

  it('calls nothing after close', async () => {
    start().close();
    writeFileSync(file, 'listen: {port: 5000}\n');
    await settle();
    expect(changes).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('passes an error thrown by onChange to onError', async () => {
    watcher = watchGatewayConfig(file, {
      env: {},
      signals: false,
      onChange: () => {
        throw new Error('cannot apply');
      },
      onError: (e) => errors.push(e),
    });
    await watcher.reload();
    expect(errors.map(String)).toEqual(['Error: cannot apply']);
  });
});
