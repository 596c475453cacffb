import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer is one static bundle, loaded by Electron from disk (file://) or served by
// `intake serve` over loopback. Relative asset paths make both work.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // zod ships /* @__PURE__ */ comments where Rollup cannot use them; harmless, and not ours.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
