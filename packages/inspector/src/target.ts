/**
 * The one server an inspector talks to, fixed at launch from the command line or a config file the user named;
 * no request can change it.
 * @module
 */
import type { HttpAuthProvider } from '@mcpkit/client';

export type InspectorTarget =
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string | undefined;
      /** Whether the server gets this process's whole environment (a typed command) or only `env` and a safe few. */
      inheritEnv: boolean;
    }
  | {
      kind: 'http' | 'sse';
      url: string;
      headers: Record<string, string>;
      /** OAuth tokens for the server (e.g. those `mcpkit login` stored), refreshed by the transport. */
      auth?: HttpAuthProvider | undefined;
    };

/** How the target is shown: the command line, or the URL without credentials or query. */
export function describeTarget(target: InspectorTarget): string {
  if (target.kind === 'stdio') return [target.command, ...target.args].map((s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : JSON.stringify(s))).join(' ');
  const url = new URL(target.url);
  url.username = '';
  url.password = '';
  url.search = '';
  return url.href;
}
