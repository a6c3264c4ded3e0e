import { TRPCClientError } from '@trpc/client';
import { callApi } from './api-call';
import type { MultipartApi, Plan } from './api';
import { DEFAULT_LIMITS, createMachine, transition, type Step } from './machine';
import type { Command, MachineEvent } from './machine-io';
import { HASH_WORKERS, md5Of } from './md5';
import { bytesOf, isTerminal, statusOf, type EngineStatus, type MachineState } from './part-state';
import { ProgressMeter, type MultipartProgress } from './progress';
import { putPart } from './put-part';

export type { EngineStatus } from './part-state';
type Completed = Awaited<ReturnType<MultipartApi['complete']>>;

export interface MultipartOptions {
  concurrency: number;
  /** Sign each part's Content-MD5 (the store verifies it); off where `upload.policy` says it does not. */
  contentMd5?: boolean;
  /** A plan from an earlier session: only the parts the store lacks are sent. */
  plan?: Plan | undefined;
  onPlan?: (plan: Plan) => void;
  onProgress: (progress: MultipartProgress) => void;
  onState: (state: EngineStatus) => void;
}

const interrupted = () => new DOMException('Upload cancelled', 'AbortError');

/**
 * Runs one file's multipart upload: the state machine (`transition`) decides, this carries out its
 * commands (hash in workers, sign, PUT, complete) and feeds back their answers, the buttons, the
 * network's online/offline events and a timer for the one deadline the machine asks for.
 */
export class MultipartUpload {
  private state!: MachineState;
  private readonly requests = new Map<number, XMLHttpRequest>();
  private readonly waiters = new Set<() => void>();
  private readonly meter: ProgressMeter;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown: EngineStatus | null = null;
  private result: Completed | undefined;
  private settle: { resolve: (r: Completed) => void; reject: (e: unknown) => void } | undefined;
  private aborting: Promise<void> = Promise.resolve();
  /** Events raised while one is being handled (an aborted request answers at once) wait their turn. */
  private readonly queue: MachineEvent[] = [];
  private dispatching = false;
  private readonly online = () => this.dispatch({ type: 'online' });
  private readonly offline = () => this.dispatch({ type: 'offline' });

  constructor(
    private readonly file: File,
    private readonly api: MultipartApi,
    private readonly options: MultipartOptions,
  ) {
    this.meter = new ProgressMeter(file.size);
  }

  run(): Promise<Completed> {
    const done = new Promise<Completed>((resolve, reject) => (this.settle = { resolve, reject }));
    window.addEventListener('online', this.online);
    window.addEventListener('offline', this.offline);
    const limits = { ...DEFAULT_LIMITS, concurrency: this.options.concurrency, hashWorkers: HASH_WORKERS, minBatch: HASH_WORKERS };
    this.take(createMachine(this.file.size, limits, navigator.onLine, this.options.plan, Date.now()));
    return done;
  }

  pause() {
    this.dispatch({ type: 'pause' });
  }

  resume() {
    this.dispatch({ type: 'resume' });
  }

  /** Stops, and aborts the multipart upload on the store so its parts are freed. */
  async cancel() {
    this.dispatch({ type: 'cancel' });
    await this.aborting;
  }

  private dispatch(event: MachineEvent) {
    this.queue.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.take(transition(this.state, next, Date.now()));
    } finally {
      this.dispatching = false;
    }
  }

  private take(step: Step) {
    this.state = step.state;
    for (const command of step.commands) this.execute(command);
    clearTimeout(this.timer);
    if (step.wakeAt !== null) this.timer = setTimeout(() => this.dispatch({ type: 'tick' }), Math.max(0, step.wakeAt - Date.now()));
    this.report();
    for (const wake of this.waiters) wake();
    if (isTerminal(this.state)) this.finish();
  }

  private execute(command: Command) {
    const hooks = { whenRunnable: () => this.whenRunnable(), hold: (until: number) => this.dispatch({ type: 'hold', until }) };
    const call = <T>(fn: () => Promise<T>, then: (value: T) => MachineEvent) =>
      void callApi(fn, hooks).then(
        (value) => this.dispatch(then(value)),
        (error: unknown) => this.dispatch({ type: 'callFailed', error }),
      );
    switch (command.type) {
      case 'start':
        return void callApi(() => this.api.start({ fileName: this.file.name, contentType: this.file.type, size: this.file.size }), hooks).then(
          (plan) => {
            this.dispatch({ type: 'started', ...plan });
            // Remembered for resuming only if it goes on (an upload cancelled meanwhile is aborted).
            if (this.state.phase === 'running') this.options.onPlan?.(plan);
          },
          (error: unknown) => this.dispatch({ type: 'callFailed', error }),
        );
      case 'list':
        return call(
          () => this.api.listParts({ key: command.key, uploadId: command.uploadId }),
          ({ parts }) => ({ type: 'listed', parts }),
        );
      case 'hash': {
        const { partNumber, ticket } = command;
        // The store would not check a digest (or refuses Content-MD5): nothing is hashed or signed.
        const digest = this.options.contentMd5 === false ? Promise.resolve('') : md5Of(this.file.slice(command.start, command.end));
        void digest.then(
          (digest) => this.dispatch({ type: 'hashed', partNumber, ticket, digest }),
          (error: unknown) => this.dispatch({ type: 'hashFailed', partNumber, ticket, error }),
        );
        return;
      }
      case 'sign': {
        const { ticket, key, uploadId, partNumbers, contentMd5 } = command;
        const digests = contentMd5.every(Boolean) ? contentMd5 : undefined;
        void callApi(() => this.api.signParts({ key, uploadId, partNumbers, contentMd5: digests }), hooks).then(
          (out) => this.dispatch({ type: 'signed', ticket, parts: out.parts, expiresAt: Date.parse(out.expiresAt) }),
          (error: unknown) => this.dispatch({ type: 'signFailed', ticket, error }),
        );
        return;
      }
      case 'put':
        return this.put(command);
      case 'abortPut':
        this.requests.get(command.ticket)?.abort();
        this.requests.delete(command.ticket);
        return;
      case 'complete':
        return call(
          () => this.api.complete({ key: command.key, uploadId: command.uploadId, parts: command.parts }),
          (result) => {
            this.result = result;
            return { type: 'completed' };
          },
        );
      case 'abortUpload':
        this.aborting = this.api.abort({ key: command.key, uploadId: command.uploadId }).then(
          () => undefined,
          () => undefined,
        );
        return;
    }
  }

  private put({ partNumber, ticket, url, start, end }: Extract<Command, { type: 'put' }>) {
    const onSent = (bytes: number) => this.dispatch({ type: 'progress', partNumber, ticket, bytes });
    void putPart(url, this.file.slice(start, end), onSent, (xhr) => this.requests.set(ticket, xhr)).then((result) => {
      this.requests.delete(ticket);
      if (result.ok) return this.dispatch({ type: 'uploaded', partNumber, ticket, etag: result.etag });
      // An expired URL is signed again, a digest the store disputed is hashed again, anything else waits.
      const reason = result.status === 403 && /expired/i.test(result.message) ? 'expired' : result.code === 'BadDigest' ? 'badDigest' : 'error';
      this.dispatch({ type: 'putFailed', partNumber, ticket, reason, message: result.message, jitter: Math.random() });
    });
  }

  /** Event-driven: resolves at the first state change that lets the upload send again. */
  private whenRunnable(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.state;
        if (isTerminal(s)) reject(interrupted());
        else if (s.paused || !s.online || Date.now() < s.holdUntil) return;
        else resolve();
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private report() {
    const status = statusOf(this.state, Date.now());
    if (status !== this.shown && !isTerminal(this.state)) this.options.onState((this.shown = status));
    const { acknowledged, inFlight, partsDone } = bytesOf(this.state);
    this.options.onProgress(this.meter.update(acknowledged, inFlight, partsDone, this.state.plan.partCount));
  }

  private finish() {
    clearTimeout(this.timer);
    window.removeEventListener('online', this.online);
    window.removeEventListener('offline', this.offline);
    const settle = this.settle;
    this.settle = undefined;
    if (!settle) return;
    const { phase, error } = this.state;
    if (phase === 'done') settle.resolve(this.result!);
    else if (phase === 'failed') settle.reject(error instanceof Error || error instanceof TRPCClientError ? error : new Error(String(error)));
    else void this.aborting.then(() => settle.reject(interrupted()));
  }
}
