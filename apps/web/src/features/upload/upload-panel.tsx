import { defaultUploadPolicy, describeTypes, formatBytes } from '@app/api/policy';
import { warmUpMultipart } from '@app/upload-client';
import { useEffect } from 'react';
import { trpc } from '../../lib/trpc';
import { DropZone } from './drop-zone';
import { FileRow } from './file-row';
import { ResumeList } from './resume-list';
import { useUploads } from './use-uploads';

/** Pick or drop files; each is checked against the server's policy, then uploaded straight to the store. */
export function UploadPanel({ onUnauthorized }: { onUnauthorized: () => void }) {
  // The shared default applies until the server's own numbers arrive.
  const policy = trpc.upload.policy.useQuery().data ?? defaultUploadPolicy;
  const uploads = useUploads(policy, { onUnauthorized });

  // Once the page is idle, load the multipart code and start its hashing worker: the first large
  // file then starts at once, and none of it weighs on the first paint.
  useEffect(() => {
    const warm = () => void warmUpMultipart();
    const handle = window.requestIdleCallback ? window.requestIdleCallback(warm, { timeout: 2000 }) : window.setTimeout(warm, 500);
    return () => (window.cancelIdleCallback ? window.cancelIdleCallback(handle) : window.clearTimeout(handle));
  }, []);

  return (
    <section className="card">
      <DropZone
        accept={policy.allowedTypes.join(',')}
        onFiles={uploads.add}
        hint={`${describeTypes(policy.allowedTypes)}, up to ${formatBytes(policy.maxBytes)} each.`}
      />
      <ResumeList records={uploads.resumables} onResume={uploads.resumeFrom} onDiscard={(r) => void uploads.discard(r)} />
      <ul className="file-list">
        {uploads.items.map((item) => (
          <FileRow
            key={item.id}
            item={item}
            onCancel={() => uploads.cancel(item.id)}
            onPause={() => uploads.pause(item.id)}
            onResume={() => uploads.resume(item.id)}
            onRetry={() => uploads.retry(item)}
            onDismiss={() => uploads.dismiss(item.id)}
          />
        ))}
      </ul>
    </section>
  );
}
