/**
 * mcpkit-weather end to end: the built binary driven by mcpkit's client over stdio (and once over HTTP).
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHttpClientTransport } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

async function connect(): Promise<Client> {
  const client = new Client({ name: 'weather-tests', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN], stderr: 'capture' }));
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool(name, args as never)) as unknown as ToolResult;
}

const text = (r: ToolResult) => r.content[0]?.text ?? '';

function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('mcpkit-weather (stdio)', () => {
  let client: Client;
  beforeAll(async () => {
    client = await connect();
  });
  afterAll(() => client.close());

  it('lists its tools with output schemas', async () => {
    const tools = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_forecast', 'get_weather']);
    for (const tool of tools) expect(tool.outputSchema).toMatchObject({ type: 'object' });
  });

  it('gives the current weather with structured content', async () => {
    const result = await call(client, 'get_weather', { city: 'Paris' });
    expect(result.isError).toBeFalsy();
    const w = result.structuredContent as Record<string, unknown>;
    expect(w).toMatchObject({ city: 'Paris', country: 'FR' });
    expect(typeof w.temperatureC).toBe('number');
    expect(w.humidityPercent).toBeGreaterThanOrEqual(0);
    expect(w.humidityPercent).toBeLessThanOrEqual(100);
    expect(text(result)).toMatch(/^Paris, FR: /);
  });

  it('finds a city regardless of case, accents and a trailing country', async () => {
    for (const city of ['sao paulo', 'SÃO PAULO', 'São Paulo, Brazil']) {
      const result = await call(client, 'get_weather', { city });
      expect(result.structuredContent?.city, city).toBe('São Paulo');
    }
  });

  it('forecasts 1 to 7 days, consistent with the current weather', async () => {
    const result = await call(client, 'get_forecast', { city: 'Tokyo', days: 7 });
    const f = result.structuredContent as { city: string; days: Array<{ day: number; highC: number; lowC: number }> };
    expect(f.city).toBe('Tokyo');
    expect(f.days.map((d) => d.day)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const d of f.days) expect(d.highC).toBeGreaterThanOrEqual(d.lowC);
    const now = (await call(client, 'get_weather', { city: 'Tokyo' })).structuredContent as { temperatureC: number };
    expect(now.temperatureC).toBeGreaterThanOrEqual(f.days[0]!.lowC);
    expect(now.temperatureC).toBeLessThanOrEqual(f.days[0]!.highC);
    const one = await call(client, 'get_forecast', { city: 'Tokyo', days: 1 });
    expect((one.structuredContent as typeof f).days).toEqual(f.days.slice(0, 1));
    expect(text(one).split('\n')).toHaveLength(2);
  });

  it.each([0, 8, -1, 2.5])('refuses days = %s with an error naming the field', async (days) => {
    const result = await call(client, 'get_forecast', { city: 'Oslo', days });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/days/);
    expect(text(result)).toContain('Invalid arguments for tool get_forecast');
  });

  it('refuses a missing city with an error naming the field', async () => {
    const result = await call(client, 'get_forecast', { days: 2 });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/city/);
  });

  it('answers an unknown city with the closest known ones', async () => {
    const typo = await call(client, 'get_weather', { city: 'Londn' });
    expect(typo.isError).toBe(true);
    expect(text(typo)).toBe('Unknown city "Londn". Did you mean London?');
    const part = await call(client, 'get_forecast', { city: 'York', days: 3 });
    expect(text(part)).toContain('Did you mean New York?');
    const nothing = await call(client, 'get_weather', { city: 'Atlantis' });
    expect(text(nothing)).toContain('Known cities: Amsterdam, Bangkok');
  });

  it('lists the known cities as a resource', async () => {
    const resource = await client.readResource('weather://cities');
    const item = resource.contents[0] as { mimeType: string; text: string };
    expect(item.mimeType).toBe('application/json');
    const cities = JSON.parse(item.text) as Array<{ name: string; country: string }>;
    expect(cities).toHaveLength(20);
    expect(cities).toContainEqual(expect.objectContaining({ name: 'Reykjavík', country: 'IS' }));
  });

  it('offers a trip-planning prompt, with completions and validated arguments', async () => {
    const prompt = await client.getPrompt('plan_trip', { city: 'reykjavik', days: '3' });
    expect(JSON.stringify(prompt.messages[0])).toContain('3-day trip to Reykjavík, IS');
    const cities = await client.complete({ type: 'ref/prompt', name: 'plan_trip' }, { name: 'city', value: 'S' });
    expect(cities.values).toEqual(['São Paulo', 'Singapore', 'Sydney']);
    await expect(client.getPrompt('plan_trip', { city: 'Oslo', days: '9' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('days') });
  });
});

describe('mcpkit-weather determinism', () => {
  it('gives the same answers in two separate processes', async () => {
    const ask = async () => {
      const client = await connect();
      try {
        const answers: unknown[] = [];
        for (const city of ['London', 'Cairo', 'Singapore', 'Reykjavík']) {
          answers.push(await call(client, 'get_weather', { city }));
          answers.push(await call(client, 'get_forecast', { city, days: 7 }));
        }
        return answers;
      } finally {
        await client.close();
      }
    };
    const [first, second] = [await ask(), await ask()];
    expect(second).toEqual(first);
  });

  it('varies between cities and days', async () => {
    const client = await connect();
    try {
      const highs = new Set<number>();
      for (const city of ['London', 'Cairo', 'Oslo']) {
        const f = (await call(client, 'get_forecast', { city, days: 7 })).structuredContent as { days: Array<{ highC: number }> };
        for (const d of f.days) highs.add(d.highC);
      }
      expect(highs.size).toBeGreaterThan(10);
    } finally {
      await client.close();
    }
  });
});

describe('mcpkit-weather over Streamable HTTP', () => {
  it('prints its URL and serves the tools', async () => {
    const child = spawn(process.execPath, [BIN, '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          seen += chunk;
          const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(seen);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${seen}`)));
      });
      const client = new Client({ name: 'weather-tests', version: '1.0.0' });
      await client.connect(new StreamableHttpClientTransport(url));
      try {
        const result = await call(client, 'get_forecast', { city: 'Lima', days: 2 });
        expect((result.structuredContent as { days: unknown[] }).days).toHaveLength(2);
        const bad = await call(client, 'get_forecast', { city: 'Lima', days: 10 });
        expect(text(bad)).toMatch(/days/);
      } finally {
        await client.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('mcpkit-weather command line', () => {
  it.each([
    [['--http'], '--http needs a port number'],
    [['--http', '70000'], '--http needs a port number'],
    [['extra'], 'unknown argument "extra"'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { code, stdout, stderr } = await runToExit(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: mcpkit-weather');
  });
});
