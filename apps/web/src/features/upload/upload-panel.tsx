import { defaultUploadPolicy, formatBytes } from '@app/api/policy';
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

  return (
    <section className="card">
      <DropZone
        accept={policy.allowedTypes.join(',')}
        onFiles={uploads.add}
        hint={`Images, MP4 video or PDF, up to ${formatBytes(policy.maxBytes)} each.`}
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
