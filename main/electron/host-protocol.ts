import { z } from 'zod';
import { METHOD_NAMES } from '../../contract/index.js';

/**
 * Messages between Electron's main process and the host utility process (services, store, import,
 * engine pool). Contract payloads, results and events ride inside unchanged: the host parses payloads
 * with the method schemas (dispatch) and the renderer parses results and events, so only the envelope
 * is checked here.
 */
export const MainToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), dataDir: z.string().min(1), nativeBinding: z.string().min(1).optional() }).strict(),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.enum(METHOD_NAMES), payload: z.unknown() }).strict(),
  z.object({ type: z.literal('activeWork'), id: z.number().int() }).strict(),
  /** A path the user chose in the native open dialog: the host registers it and answers its source handle. */
  z.object({ type: z.literal('registerSource'), id: z.number().int(), path: z.string().min(1) }).strict(),
  /** Exported files (by sha256) to write to a path the user chose in the native save dialog; several as one zip. */
  z
    .object({
      type: z.literal('saveExport'),
      id: z.number().int(),
      sha256s: z.array(z.string()).min(1).max(32),
      zipName: z.string().nullable(),
      path: z.string().min(1),
    })
    .strict(),
  z.object({ type: z.literal('shutdown'), id: z.number().int() }).strict(),
]);
export type MainToHost = z.infer<typeof MainToHost>;

export const HostToMain = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('startFailed'), message: z.string() }).strict(),
  z.object({ type: z.literal('result'), id: z.number().int(), result: z.unknown() }).strict(),
  z.object({ type: z.literal('activeWork'), id: z.number().int(), count: z.number().int().min(0) }).strict(),
  z.object({ type: z.literal('sourceRegistered'), id: z.number().int(), source: z.string().min(1) }).strict(),
  /** `error` null: written; else why not (unknown or changed file, disk error). */
  z.object({ type: z.literal('exportSaved'), id: z.number().int(), error: z.string().nullable() }).strict(),
  z.object({ type: z.literal('closed'), id: z.number().int() }).strict(),
  z.object({ type: z.literal('event'), event: z.unknown() }).strict(),
]);
export type HostToMain = z.infer<typeof HostToMain>;
