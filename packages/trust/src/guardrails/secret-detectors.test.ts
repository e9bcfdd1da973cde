import { describe, expect, it } from 'vitest';
import { SECRET_DETECTORS, type SecretKind } from './secret-detectors.js';

// Test secrets are assembled at run time so secret scanners reading this file see no literal key.
const j = (...parts: string[]) => parts.join('');
const PEM_BODY = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZH\n';
const SAMPLES: Record<SecretKind, string> = {
  'aws-access-key-id': j('AKIA', 'IOSFODNN7EXAMPLE'),
  'aws-secret-access-key': j('aws_secret_access_key = ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
  'gcp-service-account-key': j('{"type": "service_account", "private_key": "-----BEGIN ', 'PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----\\n"}'),
  'private-key': j('-----BEGIN RSA ', 'PRIVATE KEY-----\n', PEM_BODY, '-----END RSA PRIVATE KEY-----'),
  'github-token': j('ghp', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  'gitlab-token': j('glpat', '-', 'xY12ab34CD56ef78GH90'),
  'slack-token': j('xoxb', '-', '123456789012-1234567890123-abcdefABCDEF'),
  'slack-webhook': j('https://hooks.slack.com/services/', 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'),
  'stripe-live-key': j('sk_', 'live_', '4eC39HqLyjWDarjtT1zdp7dc'),
  'stripe-test-key': j('sk_', 'test_', '4eC39HqLyjWDarjtT1zdp7dc'),
  'llm-api-key': j('sk-', 'ant-api03-', 'abcdefghijklmnopqrstuvwxyz012345'),
  'google-api-key': j('AIza', 'SyA1234567890abcdefghijklmnopqrstuv'),
  jwt: j('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', '.', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'),
  'connection-string-password': j('postgres://app:', 's3cr3t-pass', '@db.internal:5432/app'),
  'password-assignment': j('password', '=', 'hunter2hunter2'),
};

function kindsIn(text: string): SecretKind[] {
  return SECRET_DETECTORS.filter((d) => d.find(text).length > 0).map((d) => d.kind);
}

describe('secret detectors', () => {
  for (const [kind, sample] of Object.entries(SAMPLES) as [SecretKind, string][]) {
    it(`finds ${kind}`, () => {
      expect(kindsIn(`some output ${sample} more output`)).toContain(kind);
    });
  }

  it('redacts only the password of a connection string', () => {
    const text = SAMPLES['connection-string-password'];
    const d = SECRET_DETECTORS.find((x) => x.kind === 'connection-string-password')!;
    const [span] = d.find(text);
    expect(text.slice(span!.start, span!.end)).toBe('s3cr3t-pass');
  });

  it('covers a PEM block from BEGIN to END, and a cut-off one to the end of its body', () => {
    const d = SECRET_DETECTORS.find((x) => x.kind === 'private-key')!;
    const whole = `before\n${SAMPLES['private-key']}\nafter`;
    const [span] = d.find(whole);
    expect(whole.slice(span!.start, span!.end)).toBe(SAMPLES['private-key']);
    const cut = j('-----BEGIN ', 'PRIVATE KEY-----\n', PEM_BODY);
    expect(d.find(`x ${cut}`)[0]!.end).toBe(cut.length + 2);
  });

  it('tells a GCP service-account key from a plain PEM key', () => {
    expect(kindsIn(SAMPLES['gcp-service-account-key'])).toContain('gcp-service-account-key');
    expect(kindsIn(SAMPLES['gcp-service-account-key'])).not.toContain('private-key');
  });

  it('leaves placeholders and ordinary text alone', () => {
    for (const text of [
      'password=********',
      'password: <your password>',
      'api_key=${API_KEY}',
      'apiKey: process.env.API_KEY',
      'postgres://user:@localhost/db',
      'The quick brown fox jumps over the lazy dog.',
      'token count: 12345, eyJ is how base64 JSON starts',
      'AKIA is the prefix of AWS access key ids',
    ]) {
      expect(kindsIn(text), text).toEqual([]);
    }
  });
});
