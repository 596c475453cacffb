import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one static bundle, loaded by Electron from disk (file://) or served by
// `intake serve` over loopback. Relative asset paths make both work.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 2000 },
});
