import { execFileSync } from 'node:child_process';

/**
 * vitest global setup: compiles engine/kernels/wat/*.wat (scripts/build-kernels.mjs) so that the
 * tests, which import the TypeScript sources, find engine/kernels/wat/binaries.generated.ts.
 */
export default function buildKernels(): void {
  execFileSync(process.execPath, ['scripts/build-kernels.mjs'], { stdio: 'inherit' });
}
