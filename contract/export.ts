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

/**
 * Browser mode: `GET DOWNLOAD_PATH?sha256=<64 hex>` sends an exported file as an attachment (token
 * required like every request). Only files the host wrote under its data folder's `exports/` and
 * recorded as artifacts are served, and only while their bytes still match the recorded sha256.
 */
export const DOWNLOAD_PATH = '/api/download';

/** Fewest and most runs a comparison report holds. */
export const COMPARE_MIN_RUNS = 2;
export const COMPARE_MAX_RUNS = 8;

/** `runs/compareReport` request: the ids of 2–8 ended runs, no repeats, in the order the report shows them. */
export const CompareReportRequest = z
  .object({
    runIds: z
      .array(z.string().min(1).max(100))
      .min(COMPARE_MIN_RUNS, `a comparison needs ${COMPARE_MIN_RUNS} to ${COMPARE_MAX_RUNS} runs`)
      .max(COMPARE_MAX_RUNS, `a comparison needs ${COMPARE_MIN_RUNS} to ${COMPARE_MAX_RUNS} runs`),
  })
  .strict();
export type CompareReportRequest = z.infer<typeof CompareReportRequest>;

/**
 * The result of a comparison report: the runs compared (request order), the folder written (under the
 * data folder's `exports/comparisons/`), its files (`report.html`, `metrics.csv`) and the configuration
 * paths that differ between the runs (e.g. `network.layers.0.kernelInitializer.name`), and the same said
 * per seed group: their count and one line per semantic change.
 */
export const CompareReportResult = z.object({
  runIds: z.array(z.string()),
  dir: z.string(),
  files: z.array(ExportedFile),
  differingPaths: z.array(z.string()),
  /** Number of seed groups (runs differing only in seed pooled). */
  groups: z.number().int().min(1),
  /** What differs between the groups, one English line per semantic change (see `semanticDiff`). */
  differences: z.array(z.string()),
});
export type CompareReportResult = z.infer<typeof CompareReportResult>;

/**
 * The result of `sweeps/export`: the CSV of every run of a sweep (grid place, status, flattened
 * configuration, final metrics), written under the data folder's `exports/sweeps/<sweepId>/`.
 */
export const SweepExportResult = z.object({
  sweepId: z.string(),
  /** Rows written (one per run of the sweep). */
  runs: z.number().int().min(0),
  dir: z.string(),
  files: z.array(ExportedFile),
});
export type SweepExportResult = z.infer<typeof SweepExportResult>;
