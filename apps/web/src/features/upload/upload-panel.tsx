import { defaultUploadPolicy, describeTypes, formatBytes } from '@app/api/policy';
import { warmUpMultipart } from '@app/upload-client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc';
import { useVerifiedInMyFiles } from '../files/use-verified-files';
import { BatchBar } from './batch-bar';
import { DropZone } from './drop-zone';
import { FileRow, type RowActions } from './file-row';
import { LiveStatus } from './live-status';
import { ResumeList } from './resume-list';
import { RoutePicker } from './route-picker';
import { routePolicy, type RouteName } from './route-policy';
import { usePaste } from './use-paste';
import { useRowFocus } from './use-row-focus';
import { useUploads } from './use-uploads';

/** Pick, drop or paste files; each is checked against the server's policy, then uploaded straight to the store. */
export function UploadPanel({ onUnauthorized }: { onUnauthorized: () => void }) {
  // The shared default applies until the server's own numbers arrive.
  const fallback = trpc.upload.policy.useQuery().data ?? defaultUploadPolicy;
  const routes = trpc.upload.routes.useQuery().data;
  const [route, setRoute] = useState<RouteName>('default');
  const policyOf = useCallback((name: RouteName | undefined) => (routes ? routePolicy(routes, name ?? 'default') : fallback), [routes, fallback]);
  const policy = policyOf(route);
  const uploads = useUploads(policyOf, { onUnauthorized });
  const add = useCallback((files: File[]) => uploads.add(files, { route }), [uploads, route]);
  const choices = useMemo(() => (routes ? Object.values(routes.routes) : []), [routes]);
  const { batch, cancelAll } = uploads;
  const panel = useRef<HTMLElement>(null);
  const focus = useRowFocus(
    uploads.items.map((item) => item.id),
    useCallback(() => panel.current?.querySelector<HTMLElement>('input[type=file]'), []),
  );
  usePaste(add);
  const { cancel, pause, resume, retry, dismiss } = uploads;
  const { retrying, removing } = focus;
  const rowActions = useMemo<RowActions>(
    () => ({
      cancel,
      pause,
      resume,
      retry: (item) => {
        retrying(item.id);
        retry(item);
      },
      dismiss: (id) => {
        removing(id);
        dismiss(id);
      },
    }),
    [cancel, pause, resume, retry, dismiss, retrying, removing],
  );

  useVerifiedInMyFiles(uploads.items, batch.active > 0);

  // Once the page is idle, load the multipart code and start its hashing worker: the first large
  // file then starts at once, and none of it weighs on the first paint.
  useEffect(() => {
    const warm = () => void warmUpMultipart();
    const handle = window.requestIdleCallback ? window.requestIdleCallback(warm, { timeout: 2000 }) : window.setTimeout(warm, 500);
    return () => (window.cancelIdleCallback ? window.cancelIdleCallback(handle) : window.clearTimeout(handle));
  }, []);

  return (
    <section className="card" ref={panel} aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload</h2>
      <RoutePicker routes={choices} selected={route} onSelect={(name) => setRoute(name as RouteName)} />
      <DropZone accept={policy.allowedTypes.join(',')} onFiles={add} hint={`${describeTypes(policy.allowedTypes)}, up to ${formatBytes(policy.maxBytes)} each.`} />
      <LiveStatus items={uploads.items} />
      <ResumeList records={uploads.resumables} onResume={uploads.resumeFrom} onDiscard={(r) => void uploads.discard(r)} />
      <BatchBar batch={batch} active={batch.active > 0} onCancelAll={cancelAll} />
      {uploads.items.length > 0 && (
        <ul className="file-list" aria-label="Uploads">
          {uploads.items.map((item) => (
            <FileRow key={item.id} ref={focus.refFor(item.id)} item={item} actions={rowActions} />
          ))}
        </ul>
      )}
    </section>
  );
}
