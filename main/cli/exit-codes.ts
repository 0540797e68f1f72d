import type { RunEventType } from '../../contract/index.js';

/** Process exit codes of `initscope train` (documented in the README). */
export const EXIT = {
  completed: 0,
  failure: 1,
  invalidInput: 2,
  diverged: 3,
  cancelled: 130,
} as const;

/** Exit code for the event that ended a run. */
export function exitCodeFor(terminal: RunEventType): number {
  switch (terminal) {
    case 'finished':
      return EXIT.completed;
    case 'diverged':
      return EXIT.diverged;
    case 'cancelled':
      return EXIT.cancelled;
    default:
      return EXIT.failure;
  }
}
