import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs beside Vite; the browser talks to one origin either way.
const api = `http://127.0.0.1:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEB_PORT ?? 5173),
    strictPort: true,
    proxy: { '/trpc': api, '/healthz': api },
  },
  preview: { host: '127.0.0.1', port: 4173, proxy: { '/trpc': api } },
  build: { target: 'es2022', sourcemap: true },
});
