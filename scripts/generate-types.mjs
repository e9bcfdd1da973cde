#!/usr/bin/env node
// Writes packages/protocol/src/generated/ from ../shared/mcp-spec (`npm run generate:types`); see generate-types-lib.mjs.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { OUT_DIR, ROOT, generateAll } from './generate-types-lib.mjs';

const files = await generateAll();
mkdirSync(OUT_DIR, { recursive: true });
// Drop revision files the spec folder no longer has; tests and anything else in the folder stay.
for (const name of readdirSync(OUT_DIR)) {
  if (/^\d{4}-\d{2}-\d{2}\.ts$/.test(name) && !files.has(name)) {
    rmSync(join(OUT_DIR, name));
    console.log(`removed ${relative(ROOT, join(OUT_DIR, name))}`);
  }
}
for (const [name, text] of files) {
  writeFileSync(join(OUT_DIR, name), text);
  console.log(`wrote ${relative(ROOT, join(OUT_DIR, name))} (${Buffer.byteLength(text)} bytes)`);
}
