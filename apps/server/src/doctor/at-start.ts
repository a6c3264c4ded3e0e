import { defaultStoreCapabilities, type StoreCapabilities } from '@app/api';
import type { Config } from '../env';
import { summaryLine } from './format';
import type { DoctorTarget } from './probe';
import { runDoctor, type DoctorReport } from './run';
import { CHECKS, type CheckId } from './types';

/** The store lacks a safety layer the operator did not accept: the production server must not start. */
export class UnsafeStoreError extends Error {
  override name = 'UnsafeStoreError';
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The message naming each missing layer, what was seen, and how to look closer or accept it. */
export function unsafeMessage(report: DoctorReport, ids: CheckId[]): string {
  const lines = ids.map((id) => {
    const row = report.checks.find((c) => c.id === id)!;
    return `  ${id} (${CHECKS[id].title}): ${row.seen}${row.advice ? ` → ${row.advice}` : ''}`;
  });
  return [
    'The store is missing safety layers the product relies on:',
    ...lines,
    'Run `pnpm s3:doctor` for the full table. To start anyway and accept these risks, set',
    `S3_ACCEPT_UNSAFE_STORE=${ids.join(',')}`,
  ].join('\n');
}

/**
 * Probes the store once per process and keeps the answer (no file: every instance measures its own
 * store and credentials). `block` waits and throws `UnsafeStoreError` on an unsafe store; `background`
 * serves the defaults until the probe ends; `off` never probes.
 */
export async function probeStoreAtStart(target: DoctorTarget, { mode, acceptUnsafe }: Config['storeProbe'], log: Log): Promise<() => StoreCapabilities> {
  let capabilities = defaultStoreCapabilities;
  const probe = async () => {
    const report = await runDoctor(target);
    capabilities = report.capabilities;
    const refused = report.unsafe.filter((id) => !acceptUnsafe.includes(id));
    log[report.exitCode ? 'warn' : 'info']({ capabilities, unsafe: report.unsafe, broken: report.broken }, summaryLine(report));
    return { report, refused };
  };
  if (mode === 'block') {
    const { report, refused } = await probe();
    if (refused.length) throw new UnsafeStoreError(unsafeMessage(report, refused));
  } else if (mode === 'background') {
    probe().catch((error: unknown) => log.warn({ err: error }, 'store probe failed; serving the default capabilities'));
  }
  return () => capabilities;
}
