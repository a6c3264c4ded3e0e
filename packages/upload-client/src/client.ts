import { checkAgainst } from './check';
import type { CompleteResult, RouteName } from './api';
import { codeOf, isAbort } from './api-error';
import { batchOf } from './batch';
import { Emitter } from './emitter';
import { SpeedMeter } from './meter';
import type { Control } from './multipart/run-multipart';
import type { MultipartModule, UploadClientOptions } from './options';
import { Queue } from './queue';
import { createResumeStore, differs, type ResumeRecord } from './resume-store';
import { runFile, type RunContext, type RunStart } from './run-file';
import { StoreError } from './transport/send-file';
import { newItem, SETTLED, type UploadEvents, type UploadItem, type UploadSnapshot } from './types';

export type UploadClient<TRoute extends string = RouteName, TResult = CompleteResult> = ReturnType<typeof createUploadClient<TRoute, TResult>>;

const loadMultipart = <TRoute extends string, TResult>(): Promise<MultipartModule<TRoute, TResult>> => import('./multipart/run-multipart');

/**
 * The upload queue, framework-agnostic: files are checked against the policy, then uploaded a few at
 * a time (a single signed PUT, or multipart from the threshold on) and verified. Subscribe to its
 * snapshot (`subscribe`/`getSnapshot`, as React's useSyncExternalStore wants) or to typed events.
 */
export function createUploadClient<TRoute extends string = RouteName, TResult = CompleteResult>(initial: UploadClientOptions<TRoute, TResult>) {
  let options = initial;
  const events = new Emitter<UploadEvents<TRoute, TResult>>();
  const queue = new Queue(options.concurrency ?? 3);
  const meter = new SpeedMeter(0, options.now);
  const resumeStore = options.resumeStore ?? createResumeStore(globalThis.localStorage);
  let items: Array<UploadItem<TRoute, TResult>> = [];
  /** The files of the current batch: it starts over once every file in it has settled. */
  let batchIds = new Set<string>();
  let taken = new Set<string>();
  let resumables = resumeStore.load();
  let snapshot: UploadSnapshot<TRoute, TResult> = { items, batch: batchOf([], meter), resumables };

  const publish = () => {
    const live = new Set(items.flatMap((item) => (item.plan && !SETTLED.has(item.status) ? [item.plan.key] : [])));
    const shown = resumables.filter((r) => !taken.has(r.key) && !live.has(r.key));
    snapshot = {
      items,
      batch: batchOf(
        items.filter((item) => batchIds.has(item.id)),
        meter,
      ),
      resumables: shown,
    };
    events.emit('change', snapshot);
  };
  const get = (id: string) => items.find((item) => item.id === id);
  const update = (id: string, patch: Partial<UploadItem<TRoute, TResult>>) => {
    const previous = get(id);
    if (!previous) return;
    const next = { ...previous, ...patch };
    items = items.map((item) => (item.id === id ? next : item));
    publish();
    if (next.status !== previous.status) events.emit('status', { item: next, previous: previous.status });
  };
  const policyOf = (route: TRoute | undefined) => (typeof options.policy === 'function' ? options.policy(route) : options.policy);
  const controls = new Map<string, Control>();
  const ctx: RunContext<TRoute, TResult> = {
    options,
    policyOf,
    resumeStore,
    loadMultipart: options.loadMultipart ?? loadMultipart<TRoute, TResult>,
    get,
    update,
    controls,
  };

  const refreshResumables = () => {
    resumables = resumeStore.load();
    publish();
  };
  const joinBatch = (id: string) => {
    if (items.every((item) => !batchIds.has(item.id) || SETTLED.has(item.status))) {
      batchIds = new Set();
      meter.reset(0);
    }
    batchIds.add(id);
  };

  function fail(id: string, error: unknown) {
    if (isAbort(error)) return update(id, { status: 'cancelled' });
    const code = codeOf(error) ?? (error instanceof StoreError ? error.code : undefined);
    if (code === 'UNAUTHORIZED') options.onUnauthorized?.();
    // Only a store or rate-limit hiccup is worth verifying again; a refused file must be re-uploaded.
    const retryVerify = code === 'SERVICE_UNAVAILABLE' || code === 'TOO_MANY_REQUESTS';
    const message = error instanceof Error ? error.message : 'Something went wrong.';
    update(id, { status: 'failed', error: message, errorCode: code, stagedKey: retryVerify ? get(id)?.stagedKey : undefined });
    const item = get(id);
    if (item) events.emit('failed', { item, error });
  }

  /**
   * A file's slot in the queue is held while it is signed and sent; once its bytes are stored the
   * slot goes to the next file and this one is verified beside it, so the link stays busy (a batch
   * of small files would otherwise wait for a verification between every two transfers).
   */
  function enqueue(id: string, start: RunStart) {
    joinBatch(id);
    update(id, { status: 'queued' });
    queue.push(id, () => (get(id)?.status === 'queued' ? new Promise<void>((stored) => void run(id, start, stored)) : Promise.resolve()));
  }

  async function run(id: string, start: RunStart, stored: () => void) {
    update(id, { status: 'requesting' });
    try {
      const verify = await runFile(ctx, id, start);
      stored();
      if (verify === null) return;
      const result = await verify();
      update(id, { status: 'done', result, loaded: get(id)?.file.size ?? 0, secondsLeft: 0, stagedKey: undefined });
      events.emit('done', { item: get(id)!, result });
    } catch (error) {
      fail(id, error);
    } finally {
      stored(); // the slot, if the run failed before its bytes were stored
      controls.delete(id);
      if (get(id)?.plan || start.continuePlan) refreshResumables();
    }
  }

  function cancel(id: string) {
    if (queue.remove(id)) return update(id, { status: 'cancelled' });
    void controls.get(id)?.cancel();
  }

  return {
    getSnapshot: () => snapshot,
    subscribe(listener: () => void): () => void {
      return events.on('change', listener);
    },
    on: events.on.bind(events) as Emitter<UploadEvents<TRoute, TResult>>['on'],

    /** Changes the policy, concurrency, `prepare` or callbacks; files on their way keep what they started with. */
    setOptions(patch: Partial<Pick<UploadClientOptions<TRoute, TResult>, 'policy' | 'concurrency' | 'prepare' | 'onUnauthorized'>>) {
      options = { ...options, ...patch };
      ctx.options = options;
      if (patch.concurrency !== undefined) queue.setConcurrency(patch.concurrency);
    },

    /** Queues files (for `route`); a file the policy refuses shows why at once. Returns their ids. */
    add(files: Iterable<File>, { route }: { route?: TRoute | undefined } = {}): string[] {
      const added = [...files].map((file) => {
        // Where a prepare step may change the file (a route that processes images), the processed file is checked instead, once it exists.
        const policy = policyOf(route);
        const violation = options.prepare && policy.image ? null : checkAgainst(policy, file);
        return newItem<TRoute, TResult>(file, route, violation ? 'refused' : 'queued', violation?.message);
      });
      items = [...items, ...added];
      publish();
      for (const item of added) if (item.status === 'queued') enqueue(item.id, {});
      return added.map((item) => item.id);
    },

    /** Continues an upload from an earlier page: the same file, checked, then only the missing parts. */
    async resumeFrom(record: ResumeRecord, file: File): Promise<string | null> {
      const problem = await differs(record, file);
      if (problem) return problem;
      taken = new Set(taken).add(record.key);
      const item = { ...newItem<TRoute, TResult>(file, record.route as TRoute | undefined, 'queued'), resumed: true, plan: record };
      items = [...items, item];
      enqueue(item.id, { continuePlan: true, prepared: true });
      return null;
    },

    /** Aborts an unfinished upload on the store and forgets it. */
    async discard(record: ResumeRecord): Promise<void> {
      await options.api.multipart.abort({ key: record.key, uploadId: record.uploadId }).catch(() => {});
      resumeStore.remove(record.key);
      refreshResumables();
    },

    cancel,
    /** Cancels every file still queued or on its way. */
    cancelAll() {
      for (const item of items) if (!SETTLED.has(item.status)) cancel(item.id);
    },
    pause: (id: string) => controls.get(id)?.pause(),
    resume: (id: string) => controls.get(id)?.resume(),

    /** Sends a failed or cancelled file again: only the verification when its bytes are stored, the missing parts of a failed multipart upload. */
    retry(target: string | UploadItem<TRoute, TResult>) {
      const item = get(typeof target === 'string' ? target : target.id);
      if (!item || (item.status !== 'failed' && item.status !== 'cancelled')) return;
      const continuePlan = item.status === 'failed' && !!item.plan;
      update(item.id, { loaded: item.stagedKey || continuePlan ? item.loaded : 0, error: undefined, errorCode: undefined, plan: continuePlan ? item.plan : undefined });
      enqueue(item.id, { stagedKey: item.stagedKey, continuePlan, prepared: item.file !== item.original });
    },
    /** Takes a file off the list (it is cancelled first if still on its way). */
    dismiss(id: string) {
      cancel(id);
      items = items.filter((item) => item.id !== id);
      publish();
    },
  };
}
