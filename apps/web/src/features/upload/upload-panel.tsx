import { defaultUploadPolicy, describeTypes, formatBytes } from '@app/api/policy';
import { warmUpMultipart } from '@app/upload-client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { trpc } from '../../lib/trpc';
import { MY_FILES_KEY } from '../files/files-api';
import { BatchBar } from './batch-bar';
import { DropZone } from './drop-zone';
import { FileRow } from './file-row';
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

  // A newly verified file belongs in My files at once.
  const queryClient = useQueryClient();
  useEffect(() => {
    if (batch.done > 0) void queryClient.invalidateQueries({ queryKey: MY_FILES_KEY });
  }, [batch.done, queryClient]);

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
            <FileRow
              key={item.id}
              ref={focus.refFor(item.id)}
              item={item}
              onCancel={() => uploads.cancel(item.id)}
              onPause={() => uploads.pause(item.id)}
              onResume={() => uploads.resume(item.id)}
              onRetry={() => {
                focus.retrying(item.id);
                uploads.retry(item);
              }}
              onDismiss={() => {
                focus.removing(item.id);
                uploads.dismiss(item.id);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
