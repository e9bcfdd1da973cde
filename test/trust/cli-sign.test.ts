/**
 * `mcpkit sign keygen|manifest|verify` as real processes (issue 9): make a key pair, sign the manifest of a live
 * server, verify it alone and against the server; a tampered manifest, another issuer, another key and a server
 * that changed since signing are refused (exit 1). Limits allow for a loaded machine; no timing is asserted.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../packages/cli/src/testing/harness.js';

const MUTABLE = ['node', join(ROOT, 'test', 'trust', 'fixtures', 'mutable-server.mjs')];
const SIGNED = join(ROOT, 'test', 'trust', 'fixtures', 'signed-server.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-cli-sign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keys = join(dir, 'keys');
const signedFile = join(dir, 'signed.json');
const ISSUER = '@example/dictionary-server';

interface Signed {
  manifest: { server: string; digest: string; tools: Array<{ name: string; digest: string }>; expiresAt: string };
  jws: string;
}

beforeAll(async () => {
  const keygen = await runCli(['sign', 'keygen', '--out', keys, '--json']);
  expect(keygen.code, keygen.stderr).toBe(0);
  const manifest = await runCli(['sign', 'manifest', '--key', join(keys, 'private.jwk'), '--issuer', ISSUER, '--expires', '7d', '--', ...MUTABLE]);
  expect(manifest.code, manifest.stderr).toBe(0);
  writeFileSync(signedFile, manifest.stdout);
}, 60_000);

describe('mcpkit sign', () => {
  it('keygen writes private.jwk (mode 0600), public.jwk and jwks.json, and refuses to overwrite the key', async () => {
    expect(statSync(join(keys, 'private.jwk')).mode & 0o777).toBe(0o600);
    const priv = JSON.parse(readFileSync(join(keys, 'private.jwk'), 'utf8')) as Record<string, string>;
    const jwks = JSON.parse(readFileSync(join(keys, 'jwks.json'), 'utf8')) as { keys: Array<Record<string, string>> };
    expect(priv).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', d: expect.any(String) });
    expect(jwks.keys[0]).toMatchObject({ kid: priv.kid, x: priv.x });
    expect(jwks.keys[0]!.d).toBeUndefined();
    expect((await runCli(['sign', 'keygen', '--out', keys])).code).toBe(2);
  }, 60_000);

  it('manifest prints {manifest, jws}: the digests of the live server, a detached JWS', () => {
    const signed = JSON.parse(readFileSync(signedFile, 'utf8')) as Signed;
    expect(signed.manifest).toMatchObject({ server: ISSUER, tools: [{ name: 'lookup', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }] });
    expect(signed.jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
    expect(Date.parse(signed.manifest.expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
  });

  it('verify: valid alone and against the live server (exit 0)', async () => {
    const alone = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--manifest', signedFile]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout).toContain('signature valid: EdDSA key');
    const live = await runCli(['sign', 'verify', '--jwks', join(keys, 'public.jwk'), '--issuer', ISSUER, '--manifest', signedFile, '--json', '--', ...MUTABLE]);
    expect(live.code, live.stderr).toBe(0);
    expect(JSON.parse(live.stdout)).toMatchObject({ ok: true, checkedLive: true, mismatches: [] });
  }, 60_000);

  it('a tampered manifest, another issuer or another key: refused (exit 1)', async () => {
    const signed = JSON.parse(readFileSync(signedFile, 'utf8')) as Signed;
    const tampered = join(dir, 'tampered.json');
    writeFileSync(tampered, JSON.stringify({ ...signed, manifest: { ...signed.manifest, tools: [{ name: 'lookup', digest: 'f'.repeat(64) }] } }));
    const bad = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--manifest', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('manifest refused (bad-signature)');
    const issuer = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', 'someone-else', '--manifest', signedFile]);
    expect(issuer.code).toBe(1);
    expect(issuer.stderr).toContain('issuer-mismatch');
    const other = join(dir, 'other');
    expect((await runCli(['sign', 'keygen', '--alg', 'ES256', '--out', other])).code).toBe(0);
    const wrongKey = await runCli(['sign', 'verify', '--jwks', join(other, 'jwks.json'), '--issuer', ISSUER, '--manifest', signedFile]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('unknown-key');
  }, 60_000);

  it('a server that changed since it was signed: the signature is valid, the server does not match (exit 1)', async () => {
    const r = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--manifest', signedFile, '-e', 'MUTABLE_DESCRIPTION=changed', '--', ...MUTABLE]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('tool lookup: signed');
    expect(r.stderr).toContain('does not serve what its manifest lists');
  }, 60_000);

  it('an ES256 key signs and verifies too', async () => {
    const es = join(dir, 'es');
    expect((await runCli(['sign', 'keygen', '--alg', 'ES256', '--out', es])).code).toBe(0);
    const m = await runCli(['sign', 'manifest', '--key', join(es, 'private.jwk'), '--issuer', ISSUER, '--', ...MUTABLE]);
    expect(m.code, m.stderr).toBe(0);
    const file = join(dir, 'es-signed.json');
    writeFileSync(file, m.stdout);
    const v = await runCli(['sign', 'verify', '--jwks', join(es, 'jwks.json'), '--issuer', ISSUER, '--manifest', file]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toContain('ES256');
  }, 60_000);

  it('sign verify TARGET with no --manifest asks the server for its own (mcpkit/manifest); one that publishes none is refused', async () => {
    const signed = ['node', SIGNED, join(keys, 'private.jwk'), ISSUER];
    const ok = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--', ...signed]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('(from the server (mcpkit/manifest))');
    const none = await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--', ...MUTABLE]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('manifest refused (absent)');
    expect((await runCli(['sign', 'verify', '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER])).code).toBe(2);
  }, 60_000);
});

describe('mcpkit scan and signed manifests', () => {
  const signed = () => ['node', SIGNED, join(keys, 'private.jwk'), ISSUER];
  const scanJson = async (args: string[]) => {
    const r = await runCli(['scan', '--json', ...args, '--', ...signed()], { cwd: dir });
    return { code: r.code, stderr: r.stderr, out: JSON.parse(r.stdout) as { findings: Array<{ rule: string }>; servers: Array<{ tier: string; manifest: string }> } };
  };

  it('without a pinned signer a published manifest is "self-signed" and does not raise the tier', async () => {
    const r = await scanJson([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.out.servers[0]).toMatchObject({ manifest: 'self-signed', tier: 'unverified' });
  }, 60_000);

  it('--jwks/--issuer of the right key: "verified"; of another key: MCP-M001 (high), tier untrusted, exit 1', async () => {
    const good = await scanJson(['--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER]);
    expect(good.code, good.stderr).toBe(0);
    expect(good.out.servers[0]).toMatchObject({ manifest: 'verified', tier: 'verified' });
    const other = join(dir, 'scan-other');
    expect((await runCli(['sign', 'keygen', '--out', other])).code).toBe(0);
    const bad = await scanJson(['--jwks', join(other, 'jwks.json'), '--issuer', ISSUER]);
    expect(bad.code).toBe(1);
    expect(bad.out.servers[0]).toMatchObject({ manifest: 'invalid', tier: 'untrusted' });
    expect(bad.out.findings.map((f) => f.rule)).toContain('MCP-M001');
  }, 60_000);

  it("lock --jwks/--issuer pins the signer, which scan uses when no --jwks is given; a pinned signer and no manifest is MCP-M001", async () => {
    const lockfile = join(dir, 'signed.lock.json');
    expect((await runCli(['lock', '--lockfile', lockfile, '--', ...signed()])).code).toBe(0);
    // The definitions are already pinned; pinning the signer is a change of its own.
    const pin = await runCli(['lock', '--lockfile', lockfile, '--jwks', join(keys, 'jwks.json'), '--issuer', ISSUER, '--', ...signed()]);
    expect(pin.code, pin.stderr).toBe(0);
    expect(pin.stdout).toContain(`signer: ${ISSUER} (1 key)`);
    const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { servers: Record<string, { signer?: { issuer: string; keys: Array<{ d?: string }> } }> };
    expect(lock.servers['signed-notes']!.signer).toMatchObject({ issuer: ISSUER, keys: [expect.objectContaining({ kty: 'OKP' })] });
    expect(lock.servers['signed-notes']!.signer!.keys[0]!.d).toBeUndefined();
    const pinned = await scanJson(['--lockfile', lockfile]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.out.servers[0]).toMatchObject({ manifest: 'verified', tier: 'verified' });
    // The same name served by a server that publishes no manifest: the pinned signer makes that a finding.
    const impostor = await runCli(['scan', '--json', '--lockfile', lockfile, '--name', 'signed-notes', '--', ...MUTABLE], { cwd: dir });
    expect(impostor.code).toBe(1);
    expect((JSON.parse(impostor.stdout) as { findings: Array<{ rule: string }> }).findings.map((f) => f.rule)).toContain('MCP-M001');
  }, 60_000);
});
