/**
 * Hot reload of `mcp.yaml`: on a change in its folder (debounced; editors that save by rename included) and on
 * SIGHUP. Only a fully valid config reaches `onChange`; a broken one goes to `onError` and changes nothing.
 * @module
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadGatewayConfig, type LoadGatewayConfigOptions } from './load.js';
import { readConfigText } from './parse.js';
import type { GatewayConfig } from './types.js';

/** Where SIGHUP comes from; `process` by default, a stand-in in tests. */
export interface SignalSource {
  on(signal: 'SIGHUP', listener: () => void): unknown;
  off(signal: 'SIGHUP', listener: () => void): unknown;
}

export interface WatchGatewayConfigOptions extends LoadGatewayConfigOptions {
  /** A new, valid configuration. If it throws, the error goes to `onError`. */
  onChange(config: GatewayConfig): void;
  /** A reload failed (`GatewayConfigError` for a broken file); the previous configuration stays in force. */
  onError(error: unknown): void;
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  debounceMs?: number;
  /** Reload on SIGHUP from this source; `false` for none. Default `process`. */
  signals?: SignalSource | false;
}

export interface GatewayConfigWatcher {
  /** Reloads now, as SIGHUP does (even when the file text is unchanged: a `${file:}` may have changed). */
  reload(): Promise<void>;
  /** Stops watching; no callback is called afterwards. */
  close(): void;
}

/**
 * Watches a configuration file. Load it first with {@link loadGatewayConfig}: the watcher reports changes only.
 * @example
 * let config = await loadGatewayConfig('mcp.yaml');
 * const watcher = watchGatewayConfig('mcp.yaml', {
 *   onChange: (next) => { config = next; },
 *   onError: (error) => console.error(String(error)),
 * });
 */
export function watchGatewayConfig(path: string, options: WatchGatewayConfigOptions): GatewayConfigWatcher {
  const absolute = resolve(path);
  const readText = options.readFile ?? readConfigText;
  const signals = options.signals === undefined ? process : options.signals;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastText: string | undefined;
  let running: Promise<void> | undefined;
  let again: { force: boolean } | undefined;

  void Promise.resolve(readText(absolute)).then(
    (text) => (lastText ??= text),
    () => undefined,
  );

  const report = (error: unknown) => {
    if (!closed) options.onError(error);
  };

  async function reloadOnce(force: boolean): Promise<void> {
    let text: string | undefined;
    try {
      text = await readText(absolute);
    } catch {
      // Let the loader say it: it names the file and the cause.
    }
    // Editors write more than once per save, and other files in the folder change too: unchanged text is no news.
    if (!force && text !== undefined && text === lastText) return;
    try {
      // Validate the very text that was compared, not whatever the file holds a moment later.
      const readFile = text === undefined ? readText : (p: string) => (p === absolute ? text : readText(p));
      const config = await loadGatewayConfig(path, options.env ? { env: options.env, readFile } : { readFile });
      if (closed) return;
      lastText = text;
      options.onChange(config);
    } catch (error) {
      report(error);
    }
  }

  function reload(force: boolean): Promise<void> {
    // One reload at a time; what arrives meanwhile folds into a single run after it.
    if (running) {
      again = { force: force || (again?.force ?? false) };
      return running;
    }
    running = reloadOnce(force).finally(() => {
      running = undefined;
      const next = again;
      again = undefined;
      if (next && !closed) void reload(next.force);
    });
    return running;
  }

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(false), options.debounceMs ?? 100);
  };
  const onSighup = () => void reload(true);

  // The folder, not the file: a save by rename replaces the file the watch would be attached to.
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(absolute), { persistent: false }, schedule);
    watcher.on('error', report);
  } catch (error) {
    queueMicrotask(() => report(error));
  }
  if (signals) signals.on('SIGHUP', onSighup);

  return {
    reload: () => reload(true),
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      if (signals) signals.off('SIGHUP', onSighup);
    },
  };
}
