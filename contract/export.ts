import { z } from 'zod';

/** What `runs/export` writes: a TensorFlow.js layers model, an ONNX model, or an HTML report with CSV. */
export const ExportFormat = z.enum(['tfjs', 'onnx', 'report']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** One written file: its absolute path, size in bytes and sha256 (64 hex digits), as recorded in the store. */
export const ExportedFile = z.object({
  name: z.string(),
  path: z.string(),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

/** The result of an export: the folder written (under the data folder's `exports/`) and its files. */
export const RunExportResult = z.object({
  runId: z.string(),
  format: ExportFormat,
  dir: z.string(),
  files: z.array(ExportedFile),
});
export type RunExportResult = z.infer<typeof RunExportResult>;
