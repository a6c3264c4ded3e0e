import type { MultipartApi, Plan } from '../api';
import { callApi, type CallHooks } from '../api-call';
import { putPart } from '../transport/put-part';
import type { Command, MachineEvent } from './machine-io';

/** What a command needs from the engine that runs it. */
export interface Executor<TRoute extends string, TResult> {
  file: File;
  route: TRoute | undefined;
  api: MultipartApi<TRoute, TResult>;
  hooks: CallHooks;
  /** Base64 MD5 of a slice; null when the store checks no digest (nothing is hashed or signed). */
  md5Of: ((blob: Blob) => Promise<string>) | null;
  dispatch: (event: MachineEvent) => void;
  /** The answer of `start`, once the machine has taken it. */
  started: (plan: Plan) => void;
  completed: (result: TResult) => void;
  requests: Map<number, XMLHttpRequest>;
  aborting: (done: Promise<void>) => void;
}

/**
 * Why the store refused a part: an expired URL is signed again, a digest it disputed is hashed
 * again, an upload it no longer has fails at once, anything else waits and is retried.
 */
function failureOf(result: { status: number; code: string; message: string }): 'expired' | 'badDigest' | 'gone' | 'error' {
  if (result.status === 403 && /expired/i.test(result.message)) return 'expired';
  if (result.code === 'BadDigest') return 'badDigest';
  if (result.code === 'NoSuchUpload') return 'gone';
  return 'error';
}

/** Carries out one of the machine's commands; every answer comes back as an event. */
export function execute<TRoute extends string, TResult>(x: Executor<TRoute, TResult>, command: Command): void {
  const { api, file, hooks, dispatch } = x;
  const failed = (error: unknown) => dispatch({ type: 'callFailed', error });
  switch (command.type) {
    case 'start':
      return void callApi(() => api.start({ fileName: file.name, contentType: file.type, size: file.size, route: x.route }), hooks).then(
        ({ key, uploadId, partSize, partCount, planToken }) => {
          dispatch({ type: 'started', key, uploadId, partSize, partCount, planToken });
          x.started({ key, uploadId, partSize, partCount, planToken });
        },
        failed,
      );
    case 'list':
      return void callApi(() => api.listParts({ key: command.key, uploadId: command.uploadId }), hooks).then(({ parts }) => dispatch({ type: 'listed', parts }), failed);
    case 'hash': {
      const { partNumber, ticket } = command;
      const digest = x.md5Of ? x.md5Of(file.slice(command.start, command.end)) : Promise.resolve('');
      void digest.then(
        (digest) => dispatch({ type: 'hashed', partNumber, ticket, digest }),
        (error: unknown) => dispatch({ type: 'hashFailed', partNumber, ticket, error }),
      );
      return;
    }
    case 'sign': {
      const { ticket, key, uploadId, planToken, partNumbers, contentMd5 } = command;
      const digests = contentMd5.every(Boolean) ? contentMd5 : undefined;
      void callApi(() => api.signParts({ key, uploadId, partNumbers, contentMd5: digests, planToken }), hooks).then(
        (out) => dispatch({ type: 'signed', ticket, parts: out.parts, expiresAt: Date.parse(out.expiresAt) }),
        (error: unknown) => dispatch({ type: 'signFailed', ticket, error }),
      );
      return;
    }
    case 'put': {
      const { partNumber, ticket, url, start, end } = command;
      const onSent = (bytes: number) => dispatch({ type: 'progress', partNumber, ticket, bytes });
      void putPart(url, file.slice(start, end), onSent, (xhr) => x.requests.set(ticket, xhr)).then((result) => {
        x.requests.delete(ticket);
        if (result.ok) return dispatch({ type: 'uploaded', partNumber, ticket, etag: result.etag });
        dispatch({ type: 'putFailed', partNumber, ticket, reason: failureOf(result), message: result.message, jitter: Math.random() });
      });
      return;
    }
    case 'abortPut':
      x.requests.get(command.ticket)?.abort();
      x.requests.delete(command.ticket);
      return;
    case 'complete':
      return void callApi(() => api.complete({ key: command.key, uploadId: command.uploadId, parts: command.parts }), hooks).then((result) => {
        x.completed(result);
        dispatch({ type: 'completed' });
      }, failed);
    case 'abortUpload':
      x.aborting(
        api.abort({ key: command.key, uploadId: command.uploadId }).then(
          () => undefined,
          () => undefined,
        ),
      );
      return;
  }
}
