import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/, which services/console serves; everything is bundled (no CDN at run time).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022' },
});
