import { defineStore } from 'pinia';
import { ref } from 'vue';
import { InitScopeError, type AppInfo } from '../../../contract/index.js';
import { useHost } from '../host.js';

/** A problem to show in the banner: the host's error code and message. */
export interface HostProblem {
  code: string;
  message: string;
  unreachable: boolean;
}

/** Facts about the host (app/info) and the last host error shown to the user. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const problem = ref<HostProblem | null>(null);

  async function loadInfo(): Promise<void> {
    try {
      info.value = await useHost().client.call('app/info', {});
    } catch (error) {
      report(error);
    }
  }

  /** Shows an error from a host call in the banner. */
  function report(error: unknown): void {
    if (error instanceof InitScopeError) {
      const details = error.details as { reason?: unknown } | undefined;
      problem.value = { code: error.code, message: error.message, unreachable: details?.reason === 'unreachable' };
    } else {
      problem.value = { code: 'internal', message: error instanceof Error ? error.message : String(error), unreachable: false };
    }
  }

  function dismiss(): void {
    problem.value = null;
  }

  return { info, problem, loadInfo, report, dismiss };
});
