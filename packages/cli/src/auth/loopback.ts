/**
 * The redirect end of `mcpkit login`: a one-shot HTTP listener on 127.0.0.1 at a random port (RFC 8252 §7.3), and
 * opening the authorization URL in the user's browser.
 * @module
 */
import { spawn } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError } from '@mcpkit/protocol';

const PAGE = (title: string, text: string): string =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><body style="font-family: sans-serif; margin: 3em"><h1>${title}</h1><p>${text}</p></body>`;

/** A listener waiting for the authorization server to send the browser back. */
export interface LoopbackRedirect {
  /** `http://127.0.0.1:PORT/callback`. */
  readonly redirectUrl: string;
  /** Resolves with the full URL the browser was sent to, once a request carrying `state` arrives. */
  wait(state: string, signal: AbortSignal): Promise<string>;
  close(): Promise<void>;
}

/** Starts listening on 127.0.0.1 (never on other interfaces: the code must not leave the machine). */
export async function startLoopbackRedirect(): Promise<LoopbackRedirect> {
  const waiting = new Map<string, (url: string) => void>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const deliver = url.pathname === '/callback' ? waiting.get(url.searchParams.get('state') ?? '') : undefined;
    if (!deliver) {
      // Not the browser coming back from this login (a stale tab, a stray request): nothing is taken from it.
      res.writeHead(url.pathname === '/callback' ? 400 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE('mcpkit', 'This is not the login mcpkit is waiting for.'));
      return;
    }
    const refused = url.searchParams.get('error');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(refused ? PAGE('Login refused', 'The authorization server refused the login; mcpkit shows why in the terminal.') : PAGE('Logged in', 'You can close this tab and go back to the terminal.'));
    deliver(url.href);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    redirectUrl: `http://127.0.0.1:${port}/callback`,
    wait(state, signal) {
      return new Promise((resolve, reject) => {
        const stop = () => {
          waiting.delete(state);
          reject(new CancelledError('the login was interrupted', { cause: signal.reason }));
        };
        if (signal.aborted) return stop();
        signal.addEventListener('abort', stop, { once: true });
        waiting.set(state, (url) => {
          waiting.delete(state);
          signal.removeEventListener('abort', stop);
          resolve(url);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Opens `url` in the default browser, without a shell. Resolves false when no opener could be started (the caller
 * has printed the URL anyway).
 */
export function openBrowser(url: string): Promise<boolean> {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
