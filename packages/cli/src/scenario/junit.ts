/**
 * The JUnit XML report `mcpkit test --junit FILE` writes for CI: one testsuite per scenario, one testcase per
 * step, a failure element (message and details) for each step that did not pass.
 * @module
 */
import { type StepReport, passed } from './types.js';

/** Characters XML 1.0 does not allow at all, even escaped. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text safe in an XML attribute or element. */
export function xmlEscape(text: string): string {
  return text.replace(FORBIDDEN, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** The failure's one-line message and its details, for a step that did not pass. */
export function failureText(report: StepReport): { type: string; message: string; details: string } {
  if (report.error) return { type: 'error', message: report.error.message.split('\n')[0]!, details: [report.error.message, report.error.hint ?? ''].filter(Boolean).join('\n') };
  const first = report.mismatches[0]!;
  return {
    type: first.kind,
    message: report.mismatches.map((m) => `${m.kind}: ${m.message}`).join('; '),
    details: report.mismatches.map((m) => [`${m.kind}: ${m.message}`, ...m.details].join('\n')).join('\n\n'),
  };
}

/** The whole document. */
export function junitXml(suite: { name: string; file: string; reports: StepReport[]; ms: number; timestamp: Date }): string {
  // A request that failed is a failed step too (type="error"): for the server under test, not a fault of the run.
  const failures = suite.reports.filter((r) => !passed(r)).length;
  const errors = 0;
  const tests = suite.reports.length;
  const cases = suite.reports.map((r) => {
    const open = `    <testcase name="${xmlEscape(r.step.name)}" classname="${xmlEscape(suite.name)}" file="${xmlEscape(suite.file)}" line="${r.step.line}" time="${seconds(r.ms)}"`;
    if (passed(r)) return `${open}/>`;
    const f = failureText(r);
    return `${open}>\n      <failure message="${xmlEscape(f.message)}" type="${xmlEscape(f.type)}">${xmlEscape(f.details)}</failure>\n    </testcase>`;
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="mcpkit test" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(suite.ms)}">\n` +
    `  <testsuite name="${xmlEscape(suite.name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(suite.ms)}" timestamp="${suite.timestamp.toISOString().replace(/\.\d+Z$/, '')}">\n` +
    `${cases.join('\n')}${cases.length ? '\n' : ''}` +
    `  </testsuite>\n</testsuites>\n`
  );
}
