import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PutTarget } from './presign';

const run = promisify(execFile);

/**
 * `curl -T` of the file to a presigned URL with exactly the signed headers: the floor for any
 * uploader on this machine. `Expect:` is cleared so curl does not wait on a 100-continue.
 * Returns curl's own transfer time in ms (process start-up is not counted).
 */
export async function curlPut(path: string, target: PutTarget): Promise<number> {
  const headers = Object.entries(target.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const { stdout } = await run(
    'curl',
    ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-T', path, '-H', 'Expect:', ...headers, target.url],
    { timeout: 5 * 60_000 },
  );
  const [code, seconds] = stdout.trim().split(' ');
  if (code !== '200') throw new Error(`curl PUT: HTTP ${code}`);
  return Number(seconds) * 1000;
}
