import type { ErrorCode, WireError } from './errors.js';
import type { MethodName } from './method-names.js';

/** The result of one call as every transport carries it (HTTP body, IPC reply). */
export type WireResult = { ok: true; value: unknown } | { ok: false; error: WireError };

/** Browser mode: `POST ${API_PREFIX}runs/start` with the JSON request as body. */
export const API_PREFIX = '/api/';
/** Browser mode: WebSocket path on which the host pushes one JSON {@link RunEvent} per text frame. */
export const EVENTS_PATH = '/api/events';
/** Browser mode: cookie that carries the access token after the first visit with `?token=`. */
export const TOKEN_COOKIE = 'initscope_token';

/** HTTP status for each error code. */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
  internal: 500,
};

/** Electron: the API the preload exposes on `window[BRIDGE_KEY]`; one function per contract method. */
export interface BridgeApi {
  readonly invoke: { readonly [M in MethodName]: (payload: unknown) => Promise<WireResult> };
  /** Listens to raw host events (run and sweep events, see host-event.ts) pushed by the host; returns an unsubscribe function. */
  onEvent(listener: (raw: unknown) => void): () => void;
  /**
   * Opens the native open dialog (desktop only) for a dataset file or an image folder; resolves to a
   * source handle for the chosen path (what `datasets/preview` and `datasets/import` take) and its base
   * name for display, or null when the user cancels. The page never sees or names a path.
   */
  pickPath(options: PickPathOptions): Promise<PickedSource | null>;
  /**
   * Opens the native save dialog (desktop only) for files the host exported (named by sha256, as the
   * export results list them): one file is saved as itself, several as one zip named `zipName`.
   * Resolves to the saved file's base name, or null when the user cancels. The page never names a path.
   */
  saveExport(options: SaveExportOptions): Promise<SavedExport | null>;
}

/** What the save dialog saves: exported files (1–32) and, for several, the zip's name. */
export interface SaveExportOptions {
  files: { sha256: string; name: string }[];
  zipName?: string;
}

/** Where the save dialog put the export: the chosen file's base name. */
export interface SavedExport {
  name: string;
}

/** What the native open dialog gives the page: an opaque handle and the chosen file's base name. */
export interface PickedSource {
  source: string;
  name: string;
}

/** What the native open dialog asks for. */
export interface PickPathOptions {
  kind: 'file' | 'folder';
}
export const BRIDGE_KEY = 'initscope';
