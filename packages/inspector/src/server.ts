/**
 * `startInspector()`: the inspector's local HTTP server. Every request passes the Host and Origin allow-lists;
 * the UI's static assets are the only routes served without the token; everything else is denied by default.
 * @module
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { type ApiContext, HttpProblem, handleApi, sendJson } from './api.js';
import { type ConnectionOptions, InspectorConnection } from './connection.js';
import { EventHub } from './event-hub.js';
import { GatewayAdminClient } from './gateway-admin.js';
import { OAUTH_CALLBACK_PATH } from './oauth-sign-in.js';
import { allowedHosts, allowedOrigins, bearerOf, checkBindHost, createToken, originProblem, tokenMatches } from './security.js';
import { isStaticAsset, serveStaticAsset } from './static-assets.js';
import type { InspectorTarget } from './target.js';

export interface InspectorOptions extends ConnectionOptions {
  /** The server to inspect: fixed here, never taken from a request. */
  target: InspectorTarget;
  /** Default 127.0.0.1. Anything but loopback needs `unsafeBind`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Allow a wildcard or public bind address; the token still guards the API. */
  unsafeBind?: boolean;
  /** Connect as soon as the server listens. Default true. */
  connect?: boolean;
  /** An mcpkit gateway admin key (for an http target): enables the gateway panes (audit log, keys, trust). */
  gatewayAdminKey?: string | undefined;
}

export interface InspectorHandle {
  /** The page's address with the token in its fragment: the one link to give the user. */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly connection: InspectorConnection;
  close(): Promise<void>;
}

/**
 * What every response carries. The CSP allows only the page's own scripts and styles, images and audio from
 * `data:` (tool results), and no framing, so that server data can never become script in the page.
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The page the browser lands on after authorizing: fixed text only, nothing taken from the request. */
const CALLBACK_PAGE = (title: string, text: string): string => `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`;

/**
 * Starts the inspector for one target and begins connecting to it.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a non-loopback bind without `unsafeBind`, or a
 * gateway admin key with a stdio target.
 * @example
 * const inspector = await startInspector({ target: { kind: 'http', url: 'http://127.0.0.1:3000/mcp', headers: {} }, clientInfo: { name: 'me', version: '1' } });
 * console.log(inspector.url);
 */
export async function startInspector(options: InspectorOptions): Promise<InspectorHandle> {
  const host = options.host ?? '127.0.0.1';
  checkBindHost(host, options.unsafeBind === true);
  const token = createToken();
  const hub = new EventHub();
  const connection = new InspectorConnection(options.target, hub, options);
  if (options.gatewayAdminKey !== undefined && options.target.kind === 'stdio') throw new InvalidArgumentError('a gateway admin key needs --url (the gateway)');
  const gateway = options.gatewayAdminKey === undefined ? undefined : new GatewayAdminClient(options.target.kind === 'stdio' ? '' : options.target.url, options.gatewayAdminKey);
  const ctx: ApiContext = { connection, hub, streams: new Set(), oauthRedirectUrl: '', gateway };
  let hosts = new Set<string>();
  let origins = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const problem = originProblem({ host: req.headers.host, origin: req.headers.origin }, hosts, origins);
    if (problem) return sendJson(res, 403, { error: { message: problem } });
    const url = new URL(req.url ?? '/', 'http://inspector.invalid');
    const method = req.method ?? 'GET';
    if (isStaticAsset(method, url.pathname)) return serveStaticAsset(url.pathname, res, method === 'HEAD');
    // The authorization server sends the browser back here without the token (it cannot know it): the redirect is
    // used only when its state is the one a running sign-in waits for, and the page says nothing else.
    if (method === 'GET' && url.pathname === OAUTH_CALLBACK_PATH) {
      const taken = connection.deliverOAuthCallback(url);
      res.writeHead(taken ? 200 : 400, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end(taken ? CALLBACK_PAGE('Signed in', 'The inspector has the answer; close this tab and go back to it.') : CALLBACK_PAGE('Not expected', 'No sign-in in the inspector is waiting for this.'));
    }
    if (!tokenMatches(token, bearerOf(req.headers.authorization))) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="mcpkit-inspector"');
      return sendJson(res, 401, { error: { message: 'the inspector token is missing or wrong: open the URL mcpkit inspect printed' } });
    }
    if (!url.pathname.startsWith('/api/')) return sendJson(res, 404, { error: { message: 'not found' } });
    try {
      await handleApi(req, res, url, ctx);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpProblem) return sendJson(res, error.status, { error: { message: error.message } });
      // A bug: said so without internals (the token is never in a message).
      console.error('[mcpkit inspect] internal error:', error instanceof Error ? error.message : String(error));
      sendJson(res, 500, { error: { message: 'internal error in the inspector' } });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // tool calls and the event stream may run long
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  origins = allowedOrigins(hosts);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shownHost}:${port}`;
  // A loopback redirect (RFC 8252 §7.3) to the inspector itself; its port is this launch's.
  ctx.oauthRedirectUrl = `${host === 'localhost' ? `http://127.0.0.1:${port}` : origin}${OAUTH_CALLBACK_PATH}`;
  if (options.connect !== false) void connection.connect();
  return {
    // In the fragment, the token is never sent in a request line, a Referer or a server log.
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    connection,
    async close() {
      for (const res of ctx.streams) res.end();
      await connection.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
