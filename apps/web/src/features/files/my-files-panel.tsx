import { useMemo } from 'react';
import { trpc } from '../../lib/trpc';
import type { FilesApi } from './files-api';
import { MyFiles } from './my-files';

/** My files over the app's tRPC client; the page loads this chunk lazily, after the upload panel. */
export default function MyFilesPanel() {
  const client = trpc.useUtils().client;
  const api = useMemo<FilesApi>(() => ({ list: (input) => client.files.list.query(input), delete: (input) => client.files.delete.mutate(input) }), [client]);
  return <MyFiles api={api} />;
}
