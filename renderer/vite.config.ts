// Builds the renderer (Vue 3) into dist/renderer. Runs in Node under Vite; the renderer itself never does.
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
/** Host the dev server forwards `/api` to (`INITSCOPE_DEV_HOST=http://127.0.0.1:PORT npx vite --config …`). */
const devHost = process.env.INITSCOPE_DEV_HOST ?? 'http://127.0.0.1:5183';

export default defineConfig({
  root,
  // Relative asset URLs so the same build loads from file:// (Electron) and from the loopback host.
  base: './',
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `vite --config renderer/vite.config.ts` during development: forward the API to a running host.
    proxy: {
      '/api/events': { target: devHost.replace(/^http/, 'ws'), ws: true },
      '/api': devHost,
    },
  },
});
