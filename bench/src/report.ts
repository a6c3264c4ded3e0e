import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Row } from './stats';

export interface Section {
  id: string;
  title: string;
  rows: Row[];
  notes: string[];
  seconds: number;
  /** Set when the section could not finish; its rows are whatever was measured before. */
  error?: string;
}

export interface Report {
  startedAt: string;
  wallSeconds: number;
  machine: { cpus: number; cpuModel: string; node: string };
  options: Record<string, unknown>;
  /** Source lines, tests excluded: the bench must stay no larger than what it measures. */
  codeSize: { bench: number; product: number };
  sections: Section[];
}

/** Thousands separators for big figures, more decimals for small ones. */
export function fmt(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const verdict = (row: Row) => (row.target ? (row.pass === undefined ? 'n/a' : row.pass ? 'PASS' : 'MISS') : '');

const HEAD = ['metric', 'min', 'median', 'max', 'unit', 'baseline (median)', 'ratio med [min–max]', 'target', 'result'];

function cells(row: Row): string[] {
  const baseline = row.baseline ? `${row.baseline.metric}: ${fmt(row.baseline.stats.median)}` : '';
  const ratio = row.ratio ? `${fmt(row.ratio.median)}× [${fmt(row.ratio.min)}–${fmt(row.ratio.max)}]` : '';
  const s = row.stats;
  return [row.note ? `${row.metric} (${row.note})` : row.metric, fmt(s.min), fmt(s.median), fmt(s.max), row.unit, baseline, ratio, row.target?.label ?? '', verdict(row)];
}

export function renderText(report: Report): string {
  const out: string[] = [];
  for (const section of report.sections) {
    out.push('', `== ${section.title} (${fmt(section.seconds)} s)`);
    const table = [HEAD, ...section.rows.map(cells)];
    const widths = HEAD.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table)
      out.push(
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      );
    for (const note of section.notes) out.push(`  - ${note}`);
    if (section.error) out.push(`  ! section failed: ${section.error}`);
  }
  out.push('', codeLine(report), summaryLine(report));
  return out.join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const out = [
    '# Benchmark results',
    '',
    `${report.startedAt}, ${m.cpus} × ${m.cpuModel}, Node ${m.node}, wall ${fmt(report.wallSeconds)} s. ` + `Options: \`${JSON.stringify(report.options)}\`.`,
    '',
    codeLine(report),
  ];
  for (const section of report.sections) {
    out.push('', `## ${section.title}`, '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => ' --- ').join('|')}|`);
    for (const row of section.rows) out.push(`| ${cells(row).map(esc).join(' | ')} |`);
    if (section.notes.length || section.error) out.push('');
    for (const note of section.notes) out.push(`- ${note}`);
    if (section.error) out.push(`- **Section failed:** ${section.error}`);
  }
  out.push('', summaryLine(report), '');
  return out.join('\n');
}

const codeLine = ({ codeSize: c }: Report) => `Code size (lines, tests excluded): bench/src ${fmt(c.bench)}, product (apps/*/src + packages/*/src) ${fmt(c.product)}.`;

export function summaryLine(report: Report): string {
  const judged = report.sections.flatMap((s) => s.rows.filter((r) => r.target));
  const pass = judged.filter((r) => r.pass === true).length;
  const miss = judged.filter((r) => r.pass === false).map((r) => r.metric);
  const unjudged = judged.filter((r) => r.pass === undefined).map((r) => r.metric);
  const failed = report.sections.filter((s) => s.error).map((s) => s.id);
  return (
    `Targets: ${pass} PASS, ${miss.length} MISS${miss.length ? ` (${miss.join('; ')})` : ''}` +
    `${unjudged.length ? `, ${unjudged.length} not measured (${unjudged.join('; ')})` : ''}` +
    `${failed.length ? `; sections failed: ${failed.join(', ')}` : ''}. Wall time ${fmt(report.wallSeconds)} s.`
  );
}

export function machine(): Report['machine'] {
  const all = cpus();
  return { cpus: all.length, cpuModel: all[0]?.model.trim() ?? 'unknown', node: process.versions.node };
}

/** Writes latest.json and latest.md; timings are reported, never asserted. */
export function writeReport(dir: string, report: Report): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const md = join(dir, 'latest.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, renderMarkdown(report));
  return { json, md };
}
