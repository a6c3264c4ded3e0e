#!/usr/bin/env node
// `pnpm dev`: a local Ceph RGW (unless S3_ENDPOINT is set), the bucket and its CORS rule, the store
// doctor's one-line summary, then the API server (tsx watch) and the SPA (Vite), with development
// defaults for everything unset.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = { ...process.env };
const webPort = env.WEB_PORT ?? '5173';
const webUrl = `http://127.0.0.1:${webPort}`;
let startedS3 = false;

if (!existsSync(join(root, 'node_modules/.modules.yaml'))) {
  console.log('dev: installing dependencies (pnpm install) ...');
  execFileSync('pnpm', ['install', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' });
}

if (!env.S3_ENDPOINT) {
  env.S3_DATA_DIR ??= join(tmpdir(), 'typed-s3-uploads-dev');
  env.S3_PERSIST ??= '1'; // uploads survive a restart of `pnpm dev`
  console.log(`dev: starting local Ceph RGW (data in ${env.S3_DATA_DIR}) ...`);
  const out = execFileSync('bash', [join(root, 'scripts/local-s3/ceph-rgw-start.sh')], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  env.AWS_ACCESS_KEY_ID = env.S3_ACCESS_KEY;
  env.AWS_SECRET_ACCESS_KEY = env.S3_SECRET_KEY;
  startedS3 = true;
}

env.S3_BUCKET ??= 'uploads';
env.S3_REGION ??= env.AWS_REGION ?? 'us-east-1';
env.WEB_ORIGINS ??= `${webUrl},http://localhost:${webPort}`;
env.AUTH_DEV_SIGN_IN ??= 'true';
env.UPLOAD_MAX_BYTES ??= String(2 * 1024 ** 3); // large enough to try multipart uploads
env.AUTH_JWT_SECRET ??= 'dev-only-secret-change-me-in-production-0123456789';
env.NODE_ENV ??= 'development';

execFileSync('pnpm', ['--silent', '--filter', '@app/server', 's3:setup'], { env, stdio: 'inherit', cwd: root });
// What the store enforces, in one line; a finding never stops development (the server adapts).
const doctor = spawnSync('pnpm', ['--silent', '--filter', '@app/server', 's3:doctor', '--summary'], { env, cwd: root, encoding: 'utf8' });
console.log(doctor.stdout.trim() || `s3:doctor did not run: ${doctor.stderr.trim().split('\n').pop()}`);

// Each in its own process group, so stopping reaches pnpm's grandchildren (tsx, vite) too.
const run = (filter) => spawn('pnpm', ['--filter', filter, 'dev'], { env: { ...env, WEB_PORT: webPort }, stdio: 'inherit', cwd: root, detached: true });
const children = [run('@app/server'), run('@app/web')];
setTimeout(() => console.log(`\n  Uploads are running: open ${webUrl}  (Ctrl-C stops everything)\n`), 2500);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (startedS3) {
    try {
      execFileSync('bash', [join(root, 'scripts/local-s3/ceph-rgw-stop.sh')], { env, stdio: 'inherit' });
    } catch {
      // The daemons may already be gone; the next start cleans up.
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const child of children) child.on('exit', (code) => stop(code ?? 1));
