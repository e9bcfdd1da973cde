/**
 * The prebuilt UI (`dist/ui`, made by Vite at build time): the only files served without the token.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

const UI_DIR = new URL('./ui/', import.meta.url);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The unauthenticated routes, all of them: the page and its hashed assets. Everything else needs the token.
 * Exported so that a test can hold the list to this.
 */
export function isStaticAsset(method: string, path: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return path === '/' || path === '/index.html' || /^\/assets\/[\w-]+(\.[\w-]+)*\.(js|css|svg|png|woff2)$/.test(path);
}

/** Sends one of the assets {@link isStaticAsset} accepts; 404 when the file is missing, 503 when the UI was not built. */
export async function serveStaticAsset(path: string, res: ServerResponse, head: boolean): Promise<void> {
  const file = path === '/' ? 'index.html' : path.slice(1);
  let body: Buffer;
  try {
    body = await readFile(new URL(file, UI_DIR));
  } catch {
    const missingUi = file === 'index.html';
    res.writeHead(missingUi ? 503 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(missingUi ? 'The inspector UI is not built: run `npm run build` in the mcpkit checkout.\n' : 'Not found\n');
    return;
  }
  const ext = /\.[a-z0-9]+$/.exec(file)?.[0] ?? '';
  res.writeHead(200, {
    'Content-Type': ext === '.html' ? 'text/html; charset=utf-8' : (TYPES[ext] ?? 'application/octet-stream'),
    'Content-Length': body.length,
    // Hashed asset names change with their content; the page itself must always be fresh.
    'Cache-Control': ext === '.html' ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  res.end(head ? undefined : body);
}
