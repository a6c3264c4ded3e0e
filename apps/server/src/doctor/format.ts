import type { DoctorReport } from './run';
import type { Status } from './types';

const MARK: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', na: '–' };

/** One line per check: mark, what was checked, what was seen, what to do. */
export function formatTable(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.title.length));
  const lines = report.checks.map((c) => {
    const advice = c.advice && c.status !== 'pass' ? ` → ${c.advice}` : '';
    return `${MARK[c.status]} ${c.title.padEnd(width)}  ${c.seen}${advice}`;
  });
  return [...lines, '', summaryLine(report)].join('\n');
}

/** e.g. `s3:doctor: 18 ✓ 1 ! 3 – 0 ✗; checksum content-md5, uploads PUT+POST`. */
export function summaryLine(report: DoctorReport): string {
  const count = (s: Status) => report.checks.filter((c) => c.status === s).length;
  const { checksum, uploadMethods } = report.capabilities;
  const problems = [
    report.unsafe.length ? `UNSAFE: ${report.unsafe.join(', ')}` : '',
    report.broken.length ? `broken: ${report.broken.join(', ')}` : '',
    report.leftovers.length ? `${report.leftovers.length} probe objects left behind` : '',
  ].filter(Boolean);
  return (
    `s3:doctor: ${count('pass')} ✓ ${count('warn')} ! ${count('na')} – ${count('fail')} ✗; ` +
    `checksum ${checksum}, uploads ${uploadMethods.join('+')}` +
    (problems.length ? `; ${problems.join('; ')}` : '')
  );
}
