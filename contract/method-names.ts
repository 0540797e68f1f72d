/**
 * Every method of the host API, namespaced by domain. This plain list (no zod) is what the sandboxed
 * preload imports; `methods.ts` must define a schema pair for each name (checked by the compiler).
 */
export const METHOD_NAMES = [
  'app/info',
  'datasets/list',
  'datasets/preview',
  'datasets/import',
  'datasets/delete',
  'datasets/cancelImport',
  'datasets/releaseSource',
  'runs/start',
  'runs/cancel',
  'runs/list',
  'runs/get',
  'runs/rename',
  'runs/tag',
  'runs/setNotes',
  'runs/delete',
  'runs/reproduce',
  'runs/reproduction',
  'runs/metrics',
  'runs/stepLosses',
  'runs/layerStats',
  'runs/signalProp',
  'runs/boundary',
  'runs/export',
  'runs/compareReport',
  'engine/preview',
  'lab/phase',
  'lab/jacobian',
  'lab/coordCheck',
  'sweeps/plan',
  'sweeps/start',
  'sweeps/list',
  'sweeps/get',
  'sweeps/cancel',
  'sweeps/resume',
  'sweeps/summary',
  'sweeps/export',
  'sweeps/analysis',
] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
/** The sweep methods (`sweeps/…`). */
export type SweepMethodName = Extract<MethodName, `sweeps/${string}`>;

/** The one channel on which the host pushes {@link RunEvent}s to clients. */
export const EVENT_CHANNEL = 'events';

/** Electron: prefix of every InitScope IPC channel. */
export const IPC_PREFIX = 'initscope:';

/** Electron: the IPC channel of one contract method, e.g. `initscope:runs/start`. */
export function ipcChannelOf(method: MethodName): string {
  return `${IPC_PREFIX}${method}`;
}

/** Electron: the IPC channel of the native open dialog (`BridgeApi.pickPath`). */
export const PICK_PATH_IPC_CHANNEL = `${IPC_PREFIX}dialog/pickPath`;

/** Electron: the IPC channel of the native save dialog for exported files (`BridgeApi.saveExport`). */
export const SAVE_EXPORT_IPC_CHANNEL = `${IPC_PREFIX}dialog/saveExport`;

/** Electron: the IPC channel on which the host pushes run events to the window: `initscope:events`. */
export const EVENTS_IPC_CHANNEL = `${IPC_PREFIX}${EVENT_CHANNEL}`;
