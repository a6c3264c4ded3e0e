import type { MultipartApi, Plan } from '../api';
import { aborted } from '../api-error';
import { execute, type Executor } from './execute';
import { DEFAULT_LIMITS, createMachine, transition, type Step } from './machine';
import type { MachineEvent } from './machine-io';
import { bytesOf, isTerminal, statusOf, type EngineStatus, type MachineState } from './part-state';
import { ProgressMeter, type MultipartProgress } from './progress';

export type { EngineStatus } from './part-state';

export interface MultipartOptions<TRoute extends string> {
  concurrency: number;
  route?: TRoute | undefined;
  /** Hashing workers at once (also the smallest signing batch). */
  hashWorkers: number;
  /** Base64 MD5 of a slice, signed as Content-MD5; null where `upload.policy` says the store checks none. */
  md5Of: ((blob: Blob) => Promise<string>) | null;
  /** A plan from an earlier session: only the parts the store lacks are sent. */
  plan?: Plan | undefined;
  onPlan?: (plan: Plan) => void;
  onProgress: (progress: MultipartProgress) => void;
  onState: (state: EngineStatus) => void;
}

/**
 * Runs one file's multipart upload: the state machine (`transition`) decides, `execute` carries out
 * its commands (hash in workers, sign, PUT, complete) and feeds back their answers, the buttons, the
 * network's online/offline events and a timer for the one deadline the machine asks for.
 */
export class MultipartUpload<TRoute extends string, TResult> {
  private state!: MachineState;
  private readonly waiters = new Set<() => void>();
  private readonly meter: ProgressMeter;
  private readonly executor: Executor<TRoute, TResult>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shown: EngineStatus | null = null;
  private result: TResult | undefined;
  private settle: { resolve: (r: TResult) => void; reject: (e: unknown) => void } | undefined;
  private aborting: Promise<void> = Promise.resolve();
  /** Events raised while one is being handled (an aborted request answers at once) wait their turn. */
  private readonly queue: MachineEvent[] = [];
  private dispatching = false;
  private readonly online = () => this.dispatch({ type: 'online' });
  private readonly offline = () => this.dispatch({ type: 'offline' });

  constructor(
    private readonly file: File,
    api: MultipartApi<TRoute, TResult>,
    private readonly options: MultipartOptions<TRoute>,
  ) {
    this.meter = new ProgressMeter(file.size);
    this.executor = {
      file,
      route: options.route,
      api,
      md5Of: options.md5Of,
      hooks: { whenRunnable: () => this.whenRunnable(), hold: (until: number) => this.dispatch({ type: 'hold', until }) },
      dispatch: (event) => this.dispatch(event),
      // Remembered for resuming only if it goes on (an upload cancelled meanwhile is aborted).
      started: (plan) => this.state.phase === 'running' && this.options.onPlan?.(plan),
      completed: (result) => (this.result = result),
      requests: new Map(),
      aborting: (done) => (this.aborting = done),
    };
  }

  run(): Promise<TResult> {
    const done = new Promise<TResult>((resolve, reject) => (this.settle = { resolve, reject }));
    window.addEventListener('online', this.online);
    window.addEventListener('offline', this.offline);
    const { concurrency, hashWorkers } = this.options;
    const limits = { ...DEFAULT_LIMITS, concurrency, hashWorkers, minBatch: hashWorkers };
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
    for (const command of step.commands) execute(this.executor, command);
    clearTimeout(this.timer);
    if (step.wakeAt !== null) this.timer = setTimeout(() => this.dispatch({ type: 'tick' }), Math.max(0, step.wakeAt - Date.now()));
    this.report();
    for (const wake of this.waiters) wake();
    if (isTerminal(this.state)) this.finish();
  }

  /** Event-driven: resolves at the first state change that lets the upload send again. */
  private whenRunnable(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const s = this.state;
        if (isTerminal(s)) reject(aborted());
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
    else if (phase === 'failed') settle.reject(error instanceof Error ? error : new Error(String(error)));
    else void this.aborting.then(() => settle.reject(aborted()));
  }
}
