import type { StoreCapabilities, StoreChecksum, UploadMethod } from '@app/api';
import { checkAddressing, checkClock, checkCredentials } from './checks/basics';
import { checkConditionalWrite, checkLifecycle, checkOwnershipControls, checkPublicAccessBlock, denyCopyStatement } from './checks/bucket-config';
import { checkChecksums, checkContentMd5 } from './checks/checksums';
import { checkCors, checkForeignOrigin } from './checks/cors';
import { checkAnonymous } from './checks/anonymous';
import { checkMultipart } from './checks/multipart';
import { checkPostPolicy } from './checks/post-policy';
import { checkSignedPut } from './checks/signed-put';
import { checkUnsignedAcl, checkUnsignedCopySource, checkUnsignedDisposition } from './checks/unsigned-headers';
import { Probe, type DoctorTarget } from './probe';
import { CHECK_IDS, CHECKS, result, type CheckId, type CheckResult } from './types';

export interface DoctorReport {
  checks: CheckResult[];
  /** What the product should use on this store. */
  capabilities: StoreCapabilities;
  /** Failed checks that make the product unsafe (the production server refuses to start). */
  unsafe: CheckId[];
  /** Failed checks that make uploads fail. */
  broken: CheckId[];
  /** 0 when nothing unsafe or broken was found. */
  exitCode: 0 | 1;
  /** Keys the cleanup could not remove (normally none). */
  leftovers: string[];
}

export interface DoctorOptions {
  /** Added to this machine's clock (tests play a skewed clock). */
  clockOffsetMs?: number;
}

const failed = (error: unknown) => `probe failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 300);

/** Probes the bucket with throwaway keys under `staging/.doctor/<run>/`, removed afterwards. */
export async function runDoctor(target: DoctorTarget, { clockOffsetMs = 0 }: DoctorOptions = {}): Promise<DoctorReport> {
  const probe = new Probe(target, clockOffsetMs);
  const rows = new Map<CheckId, CheckResult>();
  const run = async (ids: CheckId[], fn: () => Promise<CheckResult | CheckResult[]>) => {
    try {
      for (const row of [await fn()].flat()) rows.set(row.id, row);
    } catch (error) {
      for (const id of ids)
        if (!rows.has(id)) rows.set(id, result(id, 'fail', failed(error), 'run pnpm s3:doctor again; if it persists, the store does not support this'));
    }
  };
  let leftovers: string[];
  try {
    await run(['credentials'], () => checkCredentials(probe));
    if (rows.get('credentials')?.status === 'pass') {
      // Independent probes on their own keys: in parallel, so the start of a production server waits
      // for the slowest chain of round trips, not for their sum.
      const acl = run(['unsigned-acl'], () => checkUnsignedAcl(probe));
      const aclNeutral = () => rows.get('unsigned-acl')?.status === 'pass';
      await Promise.all([
        run(['clock'], () => checkClock(probe)),
        run(['addressing'], () => checkAddressing(probe)),
        run(['signed-put', 'put-type', 'put-length', 'put-expiry'], () => checkSignedPut(probe)),
        run(['cors'], () => checkCors(probe)),
        run(['cors-foreign'], () => checkForeignOrigin(probe)),
        run(['anonymous'], () => checkAnonymous(probe)),
        run(['content-md5'], () => checkContentMd5(probe)),
        run(['checksum-crc32', 'checksum-sha256'], () => checkChecksums(probe)),
        acl.then(() => run(['public-access-block'], () => checkPublicAccessBlock(probe, aclNeutral()))),
        acl.then(() => run(['ownership-controls'], () => checkOwnershipControls(probe, aclNeutral()))),
        run(['unsigned-copy-source'], async () => {
          const row = await checkUnsignedCopySource(probe);
          const sid = await denyCopyStatement(probe);
          return sid ? { ...row, seen: `${row.seen}; bucket policy statement "${sid}"` } : row;
        }),
        run(['unsigned-disposition'], () => checkUnsignedDisposition(probe)),
        run(['post-policy'], () => checkPostPolicy(probe)),
        run(['multipart'], () => checkMultipart(probe)),
        run(['conditional-write'], () => checkConditionalWrite(probe)),
        run(['lifecycle'], () => checkLifecycle(probe)),
      ]);
    }
  } finally {
    leftovers = await probe.cleanup();
  }
  const checks = CHECK_IDS.map((id) => rows.get(id) ?? result(id, 'na', 'skipped: the bucket did not answer'));
  return summarize(checks, leftovers);
}

export function summarize(checks: CheckResult[], leftovers: string[] = []): DoctorReport {
  const failedIds = (impact: 'unsafe' | 'broken') => checks.filter((c) => c.status === 'fail' && CHECKS[c.id].impact === impact).map((c) => c.id);
  const unsafe = failedIds('unsafe');
  const broken = failedIds('broken');
  return { checks, capabilities: capabilitiesOf(checks), unsafe, broken, exitCode: unsafe.length || broken.length ? 1 : 0, leftovers };
}

/** The digest the SPA should send, and the methods the server should sign, on this store. */
export function capabilitiesOf(checks: CheckResult[]): StoreCapabilities {
  const passed = (id: CheckId) => checks.some((c) => c.id === id && c.status === 'pass');
  const checksum: StoreChecksum = passed('content-md5') ? 'content-md5' : passed('checksum-crc32') ? 'crc32' : passed('checksum-sha256') ? 'sha256' : 'none';
  const uploadMethods: UploadMethod[] = passed('post-policy') ? ['PUT', 'POST'] : ['PUT'];
  return { checksum, uploadMethods };
}
