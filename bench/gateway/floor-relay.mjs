/**
 * The floor under the gateway rows: the least a Node relay in front of the echo server can do per call, with
 * none of the gateway's work (no MCP server or client, no auth, scopes, limits, audit, metrics). 2026-07-28
 * requests only (each carries its own `_meta`, so no session to manage): the tool name loses its `echo__`
 * prefix, the request goes to the upstream, the answer comes back with the caller's id.
 * Usage: `node bench/gateway/floor-relay.mjs PORT stdio CMD ARGS…` or `node bench/gateway/floor-relay.mjs PORT http URL`
 * @module
 */
import { spawn } from 'node:child_process';
import { Agent, createServer, request } from 'node:http';

const [port, mode, ...rest] = process.argv.slice(2);
const unprefix = (name) => (typeof name === 'string' && name.startsWith('echo__') ? name.slice(6) : name);

function reply(res, status, text) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

let forward;
if (mode === 'stdio') {
  const child = spawn(rest[0], rest.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let nextId = 1;
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const message = JSON.parse(line);
      const done = waiting.get(message.id);
      if (done) {
        waiting.delete(message.id);
        done(message);
      }
    }
  });
  forward = (message, _headers, res) => {
    const callerId = message.id;
    message.id = nextId++;
    waiting.set(message.id, (answer) => {
      answer.id = callerId;
      reply(res, 200, JSON.stringify(answer));
    });
    child.stdin.write(`${JSON.stringify(message)}\n`);
  };
} else {
  const upstream = new URL(rest[0]);
  const agent = new Agent({ keepAlive: true, scheduling: 'lifo' });
  forward = (message, headers, res) => {
    const body = JSON.stringify(message);
    const out = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(body) };
    for (const h of ['mcp-protocol-version', 'mcp-method']) if (headers[h]) out[h] = headers[h];
    if (headers['mcp-name']) out['mcp-name'] = unprefix(headers['mcp-name']);
    const req = request({ host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: 'POST', headers: out, agent }, (answer) => {
      let text = '';
      answer.setEncoding('utf8');
      answer.on('data', (c) => (text += c));
      answer.on('end', () => reply(res, answer.statusCode ?? 502, JSON.stringify(JSON.parse(text))));
    });
    req.on('error', () => reply(res, 502, '{}'));
    req.end(body);
  };
}

createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    const message = JSON.parse(text);
    if (message.params?.name) message.params.name = unprefix(message.params.name);
    forward(message, req.headers, res);
  });
}).listen(Number(port), '127.0.0.1');
