import { defineConfig } from 'tsup';

// Workspace packages are TypeScript source: bundle them; keep npm dependencies external.
export default defineConfig({
  entry: { server: 'src/server.ts', 's3-setup': 'src/cli/s3-setup.ts', 's3-sweep': 'src/cli/s3-sweep.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  noExternal: [/^@app\//],
  clean: true,
  sourcemap: true,
});
