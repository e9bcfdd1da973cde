/**
 * Test harness: one headless Chromium (Debian's package, driven by playwright-core) per suite, pages that fail the
 * test on any page error or console error, and `mcpkit inspect` processes stopped after each test. Without
 * /usr/bin/chromium a suite is skipped with a warning, unless CI is set, when that is an error.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type InspectProcess, REPO, startInspect } from './inspect-process.js';

const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing: CI needs it for the inspector's browser tests (apt-get install -y chromium)`);
  console.warn(`[mcpkit] no ${CHROMIUM}: skipping the inspector's browser tests (apt-get install -y chromium to run them)`);
}
const SHOTS = process.env.MCPKIT_INSPECTOR_SCREENSHOTS ? join(REPO, 'docs', 'inspector') : undefined;

export interface BrowserSuite {
  context(): BrowserContext;
  /** Something to stop after the test. */
  track(r: { stop(): Promise<unknown> }): void;
  /** Starts `mcpkit inspect ARGS…` and opens its page; waits for `connected` unless told not to. */
  open(args: string[], options?: { connected?: boolean; env?: Record<string, string> }): Promise<{ page: Page; inspect: InspectProcess }>;
  /** Writes docs/inspector/NAME.png when MCPKIT_INSPECTOR_SCREENSHOTS is set. */
  shot(page: Page, name: string): Promise<void>;
}

/** Registers the suite's hooks (call inside `describe`). */
export function browserSuite(): BrowserSuite {
  let context: BrowserContext;
  let profile: string;
  const running: { stop(): Promise<unknown> }[] = [];
  let problems: string[] = [];
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'mcpkit-inspector-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 820 },
      timeout: 20_000,
    });
    context.setDefaultTimeout(10_000);
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterEach(async () => {
    // Pages first: a page still open when its inspector stops logs the refused reconnect of its event stream as a
    // console error, which would land on the next test on a slow machine.
    for (const page of context.pages()) await page.close();
    const seen = problems;
    problems = [];
    for (const r of running.splice(0)) await r.stop();
    expect(seen).toEqual([]);
  });
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return {
    context: () => context,
    track: (r) => void running.push(r),
    async open(args, { connected = true, env = {} } = {}) {
      const inspect = await startInspect(args, 15_000, env);
      running.push(inspect);
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      await page.goto(inspect.url);
      if (connected) await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('connected');
      return { page, inspect };
    },
    async shot(page, name) {
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
    },
  };
}

/** Opens the tools tab, picks the tool, fills the fields and presses call. */
export async function callTool(page: Page, name: string, fields: Record<string, string> = {}): Promise<void> {
  await page.getByTestId('tab-tools').click();
  await page.getByTestId('tool-item').filter({ hasText: new RegExp(`^${name}$`) }).click();
  for (const [field, value] of Object.entries(fields)) await page.getByTestId(`field-${field}`).fill(value);
  await page.getByTestId('tool-call').click();
}
