import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles .vue files, for the renderer tests that mount components (happy-dom).
  plugins: [vue()],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/db/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Hosts created by tests measure no split calibration in the background (tests that check it say so).
    env: { INITSCOPE_AUTO_CALIBRATE: '0' },
    // Compiles the .wat kernels into engine/kernels/wat/binaries.generated.ts (build output).
    globalSetup: ['test/build-kernels.setup.ts'],
  },
});
