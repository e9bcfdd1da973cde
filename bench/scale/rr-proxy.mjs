/**
 * A round-robin HTTP reverse proxy for the scale benchmark, in its own process so its CPU is its own: each
 * request goes to the next backend, bodies streamed both ways (SSE included), keep-alive to the backends.
 * Usage: `node bench/scale/rr-proxy.mjs PORT BACKEND_ORIGIN...`
 * @module
 */
import { Agent, createServer, request } from 'node:http';

const [port, ...origins] = process.argv.slice(2);
const backends = origins.map((o) => new URL(o));
const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
let next = 0;
createServer((req, res) => {
  const target = backends[next++ % backends.length];
  const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('backend failed')));
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}).listen(Number(port), '127.0.0.1');
