/**
 * `mcpkit sign keygen|manifest|verify`: make a signing key pair, sign the manifest of a server's digests (a detached
 * JWS), and verify a signed manifest, optionally against what the live server serves.
 * @module
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { type ManifestAlgorithm, MANIFEST_ALGORITHMS, createManifest, digestServer, generateSigningKey, matchManifest, signManifest, verifyManifest } from '@mcpkit/trust';
import { CliError, ExitCode, usageError } from '../failure.js';
import { printJson } from '../output/io.js';
import type { CommandContext, ConnectionOptions } from '../session.js';
import { TRUST_TARGETS_HELP, addTrustTargetOptions, verdictAction } from '../trust/options.js';
import { readJson, readKeys } from '../trust/keys.js';
import { listServer } from '../trust/snapshot.js';
import { type TrustTargetOptions, resolveTargets } from '../trust/targets.js';

type Jwk = Record<string, unknown> & { kty?: string; crv?: string; kid?: string; alg?: string; d?: string };

function algOf(jwk: Jwk, path: string): ManifestAlgorithm {
  if (jwk.alg !== undefined) {
    if (!(MANIFEST_ALGORITHMS as readonly string[]).includes(jwk.alg)) throw usageError(`${path}: alg ${jwk.alg} is not one of ${MANIFEST_ALGORITHMS.join(', ')}`);
    return jwk.alg as ManifestAlgorithm;
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  throw usageError(`${path}: not an Ed25519 or P-256 key`, 'make one with `mcpkit sign keygen`');
}

async function keygen(ctx: CommandContext, options: { alg: ManifestAlgorithm; out: string; force?: boolean; json?: boolean }): Promise<void> {
  const key = await generateSigningKey(options.alg);
  await mkdir(options.out, { recursive: true });
  const privatePath = join(options.out, 'private.jwk');
  try {
    // Created with 0600 (and never over an existing key unless --force): the private key is readable by its owner only.
    await writeFile(privatePath, `${JSON.stringify(key.privateJwk, null, 2)}\n`, { mode: 0o600, flag: options.force ? 'w' : 'wx' });
    await chmod(privatePath, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw usageError(`${privatePath} exists`, 'use another --out, or --force to replace the key');
    throw error;
  }
  await writeFile(join(options.out, 'public.jwk'), `${JSON.stringify(key.publicJwk, null, 2)}\n`);
  await writeFile(join(options.out, 'jwks.json'), `${JSON.stringify({ keys: [key.publicJwk] }, null, 2)}\n`);
  const paths = { private: privatePath, public: join(options.out, 'public.jwk'), jwks: join(options.out, 'jwks.json') };
  if (options.json) return printJson(ctx.io, { kid: key.kid, alg: options.alg, ...paths });
  ctx.io.out(`${options.alg} key ${key.kid}\n  private (keep it secret, mode 0600): ${paths.private}\n  public: ${paths.public}\n  JWKS to publish or pin: ${paths.jwks}\n`);
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * A manifest's lifetime, `30d`-style. Not the gateway's parseDuration: that one bounds durations to what a timer
 * can wait (about 24.8 days), and manifests commonly live for months.
 */
function parseValidity(text: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!match) throw usageError(`--expires ${JSON.stringify(text)} is not a duration`, 'write it like 90m, 12h, 30d or 52w');
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms <= 0) throw usageError('--expires must be longer than zero');
  return ms;
}

interface ManifestOptions extends ConnectionOptions, TrustTargetOptions {
  key: string;
  issuer: string;
  expires: string;
  out?: string;
}

async function manifest(ctx: CommandContext, options: ManifestOptions): Promise<void> {
  const jwk = (await readJson(options.key, 'private key')) as Jwk;
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.d !== 'string') throw usageError(`${options.key}: not a private JWK (no "d")`, 'give the private.jwk of `mcpkit sign keygen`');
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw usageError(`${options.key}: the key has no "kid"`, 'keys from `mcpkit sign keygen` have one');
  const validMs = parseValidity(options.expires);
  const set = await resolveTargets(options, ctx.stdio, ctx.io);
  if (set.targets.length !== 1) throw usageError(`--config defines ${set.targets.length} servers; sign one at a time with --server NAME`);
  const { snapshot } = await listServer(ctx, set.targets[0]!, options);
  const signed = createManifest(await digestServer(snapshot), { issuer: options.issuer, expiresAt: new Date(Date.now() + validMs) });
  const jws = await signManifest(signed, jwk as Parameters<typeof signManifest>[1], { kid: jwk.kid, alg: algOf(jwk, options.key) });
  const document = `${JSON.stringify({ manifest: signed, jws }, null, 2)}\n`;
  if (options.out !== undefined) {
    await writeFile(options.out, document);
    ctx.io.err(`wrote the signed manifest of ${snapshot.name} (${snapshot.tools.length} tools) to ${options.out}\n`);
  } else ctx.io.out(document);
}

interface VerifyOptions extends ConnectionOptions, TrustTargetOptions {
  jwks: string;
  issuer: string;
  manifest?: string;
}

async function verify(ctx: CommandContext, options: VerifyOptions): Promise<void> {
  const live = ctx.stdio !== undefined || options.url !== undefined || options.config !== undefined;
  if (!live && options.manifest === undefined) throw usageError('nothing to verify', 'give --manifest FILE (what `mcpkit sign manifest` printed), a TARGET that publishes mcpkit/manifest, or both');
  const keys = await readKeys(options.jwks);
  let doc: { manifest?: unknown; jws?: unknown } | undefined;
  if (options.manifest !== undefined) {
    doc = (await readJson(options.manifest, 'signed manifest')) as { manifest?: unknown; jws?: unknown };
    if (typeof doc !== 'object' || doc === null || typeof doc.jws !== 'string') throw usageError(`${options.manifest}: expected {"manifest": …, "jws": "…"} as \`mcpkit sign manifest\` prints`);
  }
  let digests: Awaited<ReturnType<typeof digestServer>> | undefined;
  if (live) {
    const set = await resolveTargets(options, ctx.stdio, ctx.io);
    if (set.targets.length !== 1) throw usageError(`--config defines ${set.targets.length} servers; verify one at a time with --server NAME`);
    const listed = await listServer(ctx, set.targets[0]!, { timeout: options.timeout, protocol: options.protocol, manifest: options.manifest === undefined });
    digests = await digestServer(listed.snapshot);
    if (doc === undefined) {
      // No file: the manifest the server publishes itself (mcpkit/manifest), verified against --jwks, never its own keys.
      if (listed.manifest === undefined || 'absent' in listed.manifest) {
        const why = listed.manifest !== undefined && 'absent' in listed.manifest ? listed.manifest.absent : 'no manifest';
        if (options.json) printJson(ctx.io, { ok: false, code: 'absent', reason: why });
        throw new CliError(ExitCode.ToolError, `manifest refused (absent): ${why}`);
      }
      doc = listed.manifest.published;
    }
  }
  const result = await verifyManifest(doc!.manifest, typeof doc!.jws === 'string' ? doc!.jws : '', { keys, expectedIssuer: options.issuer });
  if (!result.ok) {
    if (options.json) printJson(ctx.io, { ok: false, code: result.code, reason: result.reason });
    throw new CliError(ExitCode.ToolError, `manifest refused (${result.code}): ${result.reason}`);
  }
  const mismatches = digests === undefined ? [] : matchManifest(result.manifest, digests);
  const source = options.manifest ?? 'the server (mcpkit/manifest)';
  if (options.json) printJson(ctx.io, { ok: mismatches.length === 0, kid: result.kid, alg: result.alg, manifest: result.manifest, source, checkedLive: live, mismatches });
  else {
    ctx.io.out(`signature valid: ${result.alg} key ${result.kid}, issuer ${result.manifest.server}, expires ${result.manifest.expiresAt} (from ${source})\n`);
    if (live) ctx.io.out(mismatches.length === 0 ? 'the server serves exactly what the manifest lists\n' : `${mismatches.map((m) => `  ${m.kind}${m.name !== undefined ? ` ${m.name}` : ''}: signed ${m.signed ?? '(absent)'}, served ${m.served ?? '(absent)'}`).join('\n')}\n`);
  }
  if (mismatches.length > 0) throw new CliError(ExitCode.ToolError, `the server does not serve what its manifest lists (${mismatches.length} difference${mismatches.length === 1 ? '' : 's'})`);
}

const SIGN_EXIT_CODES_HELP = `Exit codes:
  0    done; for verify: the signature is valid (and the live server matches the manifest)
  1    verify: the manifest is refused (bad signature, unknown key, wrong issuer, expired) or the server differs from it
  2    usage error  3  a server could not be reached  4  protocol error  70  a bug in mcpkit (never 1)  130  interrupted`;

export function signCommand(program: Command, ctx: CommandContext): void {
  const sign = program.command('sign').description('signing keys and signed manifests of server definitions (detached JWS, EdDSA or ES256)');
  sign
    .command('keygen')
    .description('make a key pair: DIR/private.jwk (mode 0600), DIR/public.jwk and DIR/jwks.json')
    .addOption(new Option('--alg <alg>', 'the signature algorithm').choices(MANIFEST_ALGORITHMS).default('EdDSA'))
    .requiredOption('--out <dir>', 'the folder to write the keys to')
    .option('--force', 'replace an existing private.jwk')
    .option('--json', 'print the kid and paths as JSON')
    .addHelpText('after', `\n${SIGN_EXIT_CODES_HELP}\n`)
    .action((options: { alg: ManifestAlgorithm; out: string; force?: boolean; json?: boolean }) => keygen(ctx, options));
  const manifestCmd = sign
    .command('manifest')
    .description("connect to a server, digest what it defines, and print {manifest, jws}: its manifest signed with your key")
    .usage('--key private.jwk --issuer ID [--expires 30d] TARGET')
    .requiredOption('--key <file>', 'the private JWK (from `mcpkit sign keygen`)')
    .requiredOption('--issuer <id>', "the server's canonical identity: its URL, or its package name")
    .option('--expires <duration>', 'how long the manifest is valid, e.g. 30d, 12h', '30d')
    .option('--out <file>', 'write the signed manifest to FILE instead of stdout');
  addTrustTargetOptions(manifestCmd, { json: false });
  manifestCmd.addHelpText('after', `\n${TRUST_TARGETS_HELP}\n\n${SIGN_EXIT_CODES_HELP}\n`).action((options: ManifestOptions) => manifest(ctx, options));
  const verifyCmd = sign
    .command('verify')
    .description('verify a signed manifest (a file, or the one a TARGET publishes with mcpkit/manifest); with a TARGET, also that it serves exactly what the manifest lists')
    .usage('--jwks FILE --issuer ID (--manifest FILE | TARGET | both)')
    .requiredOption('--jwks <file>', 'the public keys: a JWKS ({"keys": [...]}) or one public JWK')
    .requiredOption('--issuer <id>', 'the identity the manifest must be bound to')
    .option('--manifest <file>', 'the {manifest, jws} document `mcpkit sign manifest` printed (default: ask the TARGET for its own)');
  addTrustTargetOptions(verifyCmd);
  verifyCmd.addHelpText('after', `\n${TRUST_TARGETS_HELP}\n\n${SIGN_EXIT_CODES_HELP}\n`).action(verdictAction((options: VerifyOptions) => verify(ctx, options)));
}
