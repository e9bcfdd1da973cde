// docs/gateway-config.md is renderConfigReference()'s output for the published schema, kept equal here.
// After changing the schema: MCPKIT_UPDATE_DOCS=1 npx vitest run packages/gateway/src/config/reference.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderConfigReference } from './reference.js';
import { gatewayConfigSchema } from './schema.js';

const DOC = new URL('../../../../docs/gateway-config.md', import.meta.url);

describe('renderConfigReference', () => {
  const markdown = renderConfigReference(gatewayConfigSchema());

  it('is what docs/gateway-config.md says', () => {
    if (process.env.MCPKIT_UPDATE_DOCS === '1') writeFileSync(DOC, markdown);
    expect(readFileSync(DOC, 'utf8'), 'docs/gateway-config.md is stale: run with MCPKIT_UPDATE_DOCS=1').toBe(markdown);
  });

  it('has a section per top-level field and a row per nested field, with defaults and required marks', () => {
    for (const field of ['listen', 'servers', 'keys', 'scopes', 'rateLimits', 'concurrency', 'audit', 'store', 'storage', 'sessions', 'oauth', 'routes', 'anonymous', 'logLevel', 'metrics']) {
      expect(markdown).toContain(`\n## \`${field}\`\n`);
    }
    expect(markdown).toContain('| `listen.port` | whole number | `8080` | The TCP port (0 picks a free one). |');
    expect(markdown).toContain('| `servers.<server-name>.command` | string | required | (stdio server) ');
    expect(markdown).toContain('| `servers.<server-name>.url` | URL | required | (HTTP server) ');
    expect(markdown).toContain('| `keys[].key` | secret reference | — |');
    expect(markdown).toContain('| `rateLimits[].per` | principal \\| server \\| tool | required |');
    expect(markdown).not.toContain('$schema');
  });

  it('renders any schema of the same dialect', () => {
    const small = renderConfigReference({
      description: 'A test.',
      properties: { a: { type: 'object', description: 'Section A.', properties: { b: { type: 'integer', default: 3, description: 'B | b.' } } } },
    });
    expect(small).toContain('## `a`\n\nSection A.\n\nType: mapping.\n\n| Field | Type | Default | Description |\n| --- | --- | --- | --- |\n| `a.b` | whole number | `3` | B \\| b. |\n');
  });
});
