import { checkAgainst } from './check';
import { aborted } from './api-error';
import { sleep } from './backoff';
import { SpeedMeter } from './meter';
import type { Control } from './multipart/run-multipart';
import type { ClientPolicy, MultipartModule, UploadClientOptions } from './options';
import type { ResumeStore } from './resume-store';
import { runSingle, type Verify } from './run-single';
import { xhrUpload } from './transport/xhr-upload';
import type { UploadItem } from './types';

/** What one file's run needs from the client. */
export interface RunContext<TRoute extends string, TResult> {
  options: UploadClientOptions<TRoute, TResult>;
  policyOf: (route: TRoute | undefined) => ClientPolicy;
  resumeStore: ResumeStore;
  loadMultipart: () => Promise<MultipartModule<TRoute, TResult>>;
  get: (id: string) => UploadItem<TRoute, TResult> | undefined;
  update: (id: string, patch: Partial<UploadItem<TRoute, TResult>>) => void;
  controls: Map<string, Control>;
}

/** How a run starts: fresh, only the verification again, or continuing a multipart plan. */
export interface RunStart {
  stagedKey?: string | undefined;
  continuePlan?: boolean;
  /** The file is already the one to send (a retry after `prepare` ran). */
  prepared?: boolean;
}

/**
 * One file's run while it holds its slot in the queue: `prepare`, the policy check of what will be
 * signed, then a single PUT/POST or, from the threshold on (or to continue a plan), multipart.
 * Resolves with the verification still to run (a multipart upload's is done already), or null when
 * the processed file was refused.
 */
export async function runFile<TRoute extends string, TResult>(ctx: RunContext<TRoute, TResult>, id: string, start: RunStart): Promise<Verify<TResult> | null> {
  const { options } = ctx;
  const item = ctx.get(id);
  if (!item) throw aborted();
  const controller = new AbortController();
  const { signal } = controller;
  // Until the engine is known, cancel aborts the signal (prepare, signing, a single PUT).
  ctx.controls.set(id, { pause: () => {}, resume: () => {}, cancel: async () => controller.abort() });
  const update = (patch: Partial<UploadItem<TRoute, TResult>>) => !signal.aborted && ctx.update(id, patch);
  const policy = ctx.policyOf(item.route);
  let file = item.file;
  if (options.prepare && !start.prepared) {
    file = await options.prepare(item.original, { route: item.route, policy, signal });
    if (signal.aborted) throw aborted();
    update({ file });
  }
  const violation = checkAgainst(policy, file);
  if (violation) {
    update({ status: 'refused', error: violation.message });
    return null;
  }

  const plan = start.continuePlan ? item.plan : undefined;
  if (!plan && (policy.multipartThresholdBytes === null || file.size < policy.multipartThresholdBytes)) {
    const meter = new SpeedMeter(file.size, options.now);
    return runSingle(options.api, file, {
      route: item.route,
      stagedKey: start.stagedKey,
      signal,
      update: (patch) => update(patch.loaded === undefined ? patch : { ...patch, ...meter.update(patch.loaded) }),
      send: options.send ?? xhrUpload,
      sleep: options.sleep ?? sleep,
      attempts: options.attempts ?? 3,
      random: options.random,
    });
  }
  const { runMultipart } = await ctx.loadMultipart();
  if (signal.aborted) throw aborted();
  // Multipart completes inside its run: a large file's verification is short next to its transfer.
  const result = await runMultipart(options.api.multipart, file, {
    route: item.route,
    plan,
    concurrency: policy.multipartConcurrency,
    contentMd5: (policy.checksum ?? 'content-md5') === 'content-md5',
    resumeStore: ctx.resumeStore,
    update,
    onEngine: (engine) => ctx.controls.set(id, engine),
  });
  return async () => result;
}
