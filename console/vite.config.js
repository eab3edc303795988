// The console is served by ordo-server at /console/; `npm run dev` proxies the API to a
// running server (ORDO_URL, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: { chunkSizeWarningLimit: 4000, sourcemap: false },
  server: { proxy: { '/engine-rest': process.env.ORDO_URL || 'http://127.0.0.1:8080' } },
});
