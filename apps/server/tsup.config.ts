import { defineConfig } from 'tsup';

// Workspace packages are TypeScript source: bundle them; keep npm dependencies external. Every npm
// package the workspace packages import must also be a dependency of this app (file-type, zod...),
// or it would be bundled into ESM and break on CommonJS internals.
export default defineConfig({
  entry: { server: 'src/server.ts', 's3-setup': 'src/cli/s3-setup.ts', 's3-sweep': 'src/cli/s3-sweep.ts', 's3-doctor': 'src/cli/s3-doctor.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  noExternal: [/^@app\//],
  clean: true,
  sourcemap: true,
});
