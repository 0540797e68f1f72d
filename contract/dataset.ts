import { z } from 'zod';
import { strictObject } from './strict.js';

/**
 * Datasets that ship with the app: seeded 2-D two-class sets (spiral, circle, xor, gaussian), a
 * K-class spiral (multiSpiral), 2-D regression sets (plane, multiGaussian: numClasses 0) and real
 * handwritten digits from the `mnist` package (mnist: [784] in [0, 1], 10 classes).
 */
export const BUILTIN_DATASET_NAMES = ['spiral', 'circle', 'xor', 'gaussian', 'multiSpiral', 'plane', 'multiGaussian', 'mnist'] as const;
/** The seeded 2-D two-class built-ins (input [2], classes {0, 1}). */
export const TWO_CLASS_2D_DATASET_NAMES = ['spiral', 'circle', 'xor', 'gaussian'] as const;
/** The built-in regression sets: the label is a real-valued target, numClasses is 0. */
export const REGRESSION_DATASET_NAMES = ['plane', 'multiGaussian'] as const;
export const BuiltinDatasetName = z.enum(BUILTIN_DATASET_NAMES);
export type BuiltinDatasetName = z.infer<typeof BuiltinDatasetName>;

/**
 * Browser mode: `POST ${'/api/upload'}?name=<relative file name>[&source=<handle>]` with the raw file as
 * body stores it in a fresh folder under the data folder's `uploads/` (or, with `source`, in that earlier
 * upload's folder) and answers `{ ok: true, value: { source, entry } }` ({@link UploadResult}); the client
 * then passes `source` (and `entry`: which file, none for an image folder) to `datasets/preview` and
 * `datasets/import`. The page never names a host path.
 */
export const UPLOAD_PATH = '/api/upload';

/** Most classes a dataset may have; a label or a count of label categories beyond it is refused. */
export const MAX_CLASSES = 10_000;

/**
 * An opaque capability for a file or folder the host may read: made by an upload (browser mode), by the
 * native open dialog (desktop) or by the CLI for a path on its command line. The page cannot forge one.
 */
export const SourceHandle = z.string().regex(/^src_[0-9a-f]{32}$/, 'must be a source handle from an upload or the file dialog');
export type SourceHandle = z.infer<typeof SourceHandle>;

/** A file inside an uploaded folder, by the relative name it was uploaded under (`x.npy`, `cat/01.png`). */
export const SourceEntry = z.string().min(1).max(401);

/** What an upload answers: the upload's handle and the file's name inside it. */
export const UploadResult = z.object({ source: SourceHandle, entry: SourceEntry });
export type UploadResult = z.infer<typeof UploadResult>;

/** A built-in generator with its parameters. */
export const BuiltinDatasetRef = strictObject({
  builtin: BuiltinDatasetName,
  /** Number of samples to generate (mnist: digits taken, at most the ~10,000 the package ships). */
  samples: z.number().int().min(10).max(1_000_000).default(1000),
  /** Noise amplitude in input units (standard deviation of added Gaussian noise; ignored by mnist). */
  noise: z.number().min(0).max(10).default(0.1),
  /** Generator seed; independent from the training seed. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(7),
  /** multiSpiral only: number of classes (arms); default 3. */
  classes: z.number().int().min(2).max(10).optional(),
});
export type BuiltinDatasetRef = z.infer<typeof BuiltinDatasetRef>;

/** Id of an imported (stored) dataset: `ds_` + 16 hex digits of its content hash. */
export const DatasetId = z.string().regex(/^ds_[0-9a-f]{16}$/, 'must be a dataset id like ds_0123456789abcdef');

/** An imported dataset, by id (see `datasets/list`). */
export const StoredDatasetRef = strictObject({ id: DatasetId });
export type StoredDatasetRef = z.infer<typeof StoredDatasetRef>;

/** A dataset reference inside an experiment: a built-in generator, or an imported dataset by id. */
export type DatasetRef = BuiltinDatasetRef | StoredDatasetRef;

/** True for a reference to an imported dataset (`{ id }`). */
export function isStoredDatasetRef(ref: DatasetRef): ref is StoredDatasetRef {
  return 'id' in ref && typeof ref.id === 'string';
}

/**
 * Parses a {@link DatasetRef}: an object with an `id` key is a stored reference, anything else a
 * built-in one. (A plain z.union would report "Invalid input" at `dataset` instead of naming the bad
 * field, e.g. `dataset.builtin`.)
 */
export const DatasetRef = z.unknown().transform((value, ctx) => {
  const stored = typeof value === 'object' && value !== null && 'id' in value;
  const result = (stored ? StoredDatasetRef : BuiltinDatasetRef).safeParse(value);
  if (result.success) return result.data as DatasetRef;
  for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
  return z.NEVER;
}) as unknown as z.ZodType<DatasetRef, z.input<typeof BuiltinDatasetRef> | z.input<typeof StoredDatasetRef>>;

/** Samples per split of a stored dataset (train/validation/test are disjoint). */
export const DatasetCounts = z.object({
  train: z.number().int().min(0),
  validation: z.number().int().min(0),
  test: z.number().int().min(0),
});
export type DatasetCounts = z.infer<typeof DatasetCounts>;

/** How imported features are scaled when a run loads them. */
export const NORMALIZATION_KINDS = ['none', 'unit', 'standardize'] as const;
/**
 * none: as stored; unit: to [0, 1] (uint8 ÷ 255, other types by the training split's min and max);
 * standardize: (x − mean) / std per feature, with mean and std from the training split only.
 */
export const NormalizationKind = z.enum(NORMALIZATION_KINDS);
export type NormalizationKind = z.infer<typeof NormalizationKind>;

/** File formats the importer reads. */
export const DATASET_FORMATS = ['idx', 'csv', 'images', 'npy'] as const;
export const DatasetFormat = z.enum(DATASET_FORMATS);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/**
 * The recorded seeded split of a stored dataset: fractions of all samples. Where the test part comes
 * from its own file(s) (an MNIST folder's t10k pair, `testPath`), `test` is 0 and `validation` is a
 * fraction of the training file's samples.
 */
export const SplitSpec = z.object({
  validation: z.number().min(0).max(0.9).default(0.2),
  test: z.number().min(0).max(0.9).default(0),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
});
export type SplitSpec = z.infer<typeof SplitSpec>;

/** What the UI needs to know about a dataset. `inputShape` excludes the batch dimension. */
export const DatasetInfo = z.object({
  name: z.string(),
  builtin: z.boolean(),
  inputShape: z.array(z.number().int().positive()),
  /** Classes of a classification set; 0 for regression. */
  numClasses: z.number().int().min(0),
  description: z.string(),
  defaultSamples: z.number().int().positive(),
  /** Stored (imported) datasets only: the id experiments reference. */
  id: DatasetId.optional(),
  /** Stored datasets: the format it was imported from. */
  format: DatasetFormat.optional(),
  /** Stored datasets: samples per split. */
  counts: DatasetCounts.optional(),
  /** Stored datasets: samples per class, index = class. */
  classCounts: z.array(z.number().int().min(0)).optional(),
  /** Class names (categorical CSV labels, image sub-folders), index = class. */
  classNames: z.array(z.string()).optional(),
  /** Height and width of image datasets (the input is flattened to [h·w]). */
  imageShape: z.array(z.number().int().positive()).optional(),
  /** Stored datasets: `uint8` or `float32` features on disk. */
  featureDtype: z.enum(['uint8', 'float32']).optional(),
  normalization: NormalizationKind.optional(),
  split: SplitSpec.optional(),
  /** Stored datasets: SHA-256 (hex) of the stored file. */
  contentHash: z.string().optional(),
  /** Stored datasets: base name of the imported file or folder. */
  source: z.string().optional(),
  /** Stored datasets whose test part came from its own file: that file's base name (e.g. t10k-images-idx3-ubyte.gz). */
  testSource: z.string().optional(),
  createdAt: z.string().optional(),
});
export type DatasetInfo = z.infer<typeof DatasetInfo>;

/**
 * The importer's options on the host, naming files by path (the CLI's arguments, or what a source
 * handle resolves to). Clients send {@link DatasetSourceOptions} instead. Omitted fields are inferred or
 * take their defaults.
 */
export const DatasetImportOptions = z
  .object({
    /** File or folder on the host's disk (the CLI's path, or what a source handle resolves to). */
    path: z.string().min(1).max(4096),
    format: DatasetFormat.optional(),
    name: z.string().min(1).max(200).optional(),
    /** IDX / NPY: the labels file (default: inferred from the images file's name, e.g. …-labels-idx1-ubyte). */
    labelsPath: z.string().min(1).max(4096).optional(),
    /**
     * A separate test file in the same format (CSV with the same columns, NPY/NPZ, IDX images): stored as
     * the dataset's test part, evaluated once at the end of every run. Then `split.test` must be 0 and
     * `split.validation` is a fraction of `path`'s samples. (An MNIST-format folder brings its own: t10k.)
     */
    testPath: z.string().min(1).max(4096).optional(),
    /** IDX / NPY: the test file's labels file (default: inferred from `testPath` like `labelsPath`). */
    testLabelsPath: z.string().min(1).max(4096).optional(),
    /** CSV: the label column (header name or 0-based index; default `label`/`class`/`target`/`y`, else the last). NPZ: the labels array. */
    label: z.string().min(1).max(200).optional(),
    /** CSV: feature columns (header names); default every other column. */
    features: z.array(z.string().min(1).max(200)).max(100_000).optional(),
    /** Number of classes (labels must lie in [0, classes)); default: largest label + 1. */
    classes: z.number().int().min(1).max(MAX_CLASSES).optional(),
    /** Image folders: [height, width] every image is resized to (default: the first image's size). */
    imageShape: z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)]).optional(),
    normalization: NormalizationKind.default('unit'),
    split: SplitSpec.default({ validation: 0.2, test: 0, seed: 1 }),
  })
  .strict();
export type DatasetImportOptions = z.infer<typeof DatasetImportOptions>;

/**
 * The import options as clients send them (`datasets/preview`, `datasets/import`): the file is named by
 * a {@link SourceHandle} (plus an `entry` inside an uploaded folder), never by a path, so the page can
 * only read what the user uploaded or chose in the native dialog. Trusted shells (the CLI) turn their
 * paths into handles on the host (HostServices.registerSource).
 */
export const DatasetSourceOptions = DatasetImportOptions.omit({ path: true, labelsPath: true, testPath: true, testLabelsPath: true })
  .extend({
    source: SourceHandle,
    /** The file inside an uploaded folder (default: the folder itself, for image folders and MNIST-format folders). */
    entry: SourceEntry.optional(),
    /** IDX / NPY: the labels file's handle (default: the labels file next to the features file). */
    labelsSource: SourceHandle.optional(),
    /** IDX / NPY: the labels file inside `labelsSource`'s (or `source`'s) uploaded folder. */
    labelsEntry: SourceEntry.optional(),
    /** A separate test file's handle (the host's `testPath`; see {@link DatasetImportOptions}). */
    testSource: SourceHandle.optional(),
    /** The test file inside `testSource`'s (or, without `testSource`, `source`'s) uploaded folder. */
    testEntry: SourceEntry.optional(),
    /** IDX / NPY: the test file's labels file handle (default: the labels file next to the test file). */
    testLabelsSource: SourceHandle.optional(),
    /** IDX / NPY: the test labels file inside `testLabelsSource`'s (or `testSource`'s, else `source`'s) uploaded folder. */
    testLabelsEntry: SourceEntry.optional(),
  })
  .strict();
export type DatasetSourceOptions = z.infer<typeof DatasetSourceOptions>;

/**
 * Id of one running import, chosen by the client (`datasets/import`'s `importId`) so it can follow the
 * import's progress events and cancel it (`datasets/cancelImport`).
 */
export const ImportId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');

/** `datasets/import`'s request: the import options and, optionally, the client's id for this import. */
export const DatasetImportRequest = DatasetSourceOptions.extend({ importId: ImportId.optional() }).strict();
export type DatasetImportRequest = z.infer<typeof DatasetImportRequest>;

/**
 * Phases of an import on the host: `reading` the file(s) from disk (bytes), `decoding` rows, images or
 * samples, `writing` the stored dataset file (bytes: hashing, then writing).
 */
export const DATASET_IMPORT_PHASES = ['reading', 'decoding', 'writing'] as const;
export const DatasetImportPhase = z.enum(DATASET_IMPORT_PHASES);
export type DatasetImportPhase = z.infer<typeof DatasetImportPhase>;

/** What an import progress count counts. */
export const DATASET_IMPORT_UNITS = ['bytes', 'rows', 'images', 'samples'] as const;
export const DatasetImportUnit = z.enum(DATASET_IMPORT_UNITS);
export type DatasetImportUnit = z.infer<typeof DatasetImportUnit>;

/**
 * Progress of a running import, pushed on the host's event channel (a member of `HostEvent`): `done` of
 * `total` `unit`s of the current `phase`. Within a phase `done` only grows; each phase ends with
 * `done === total`.
 */
export const DatasetImportEvent = z.object({
  type: z.literal('datasetImportProgress'),
  importId: ImportId,
  phase: DatasetImportPhase,
  unit: DatasetImportUnit,
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});
export type DatasetImportEvent = z.infer<typeof DatasetImportEvent>;

/** Details of the error a cancelled import rejects with (code `conflict`). */
export interface ImportCancelledDetails {
  cancelled: true;
  importId: string;
}

/** True if `error` is the rejection of a cancelled import (its details say `cancelled: true`). */
export function isImportCancelledError(error: unknown): boolean {
  const details = (error as { details?: unknown } | null)?.details;
  return typeof details === 'object' && details !== null && (details as { cancelled?: unknown }).cancelled === true;
}

/**
 * Table sources: header cells that look like numbers rather than column names (e.g. the `150,4,…` count
 * line that starts scikit-learn's iris.csv), a sign that the first line is not a header. A warning only.
 */
const NumericHeader = z.array(z.string()).optional();

/**
 * The outcome of `datasets/import`: the dataset, whether an identical one was already stored, and the
 * warning about a numeric-looking header.
 */
export const DatasetImportResult = z.object({ dataset: DatasetInfo, existing: z.boolean(), numericHeader: NumericHeader });
export type DatasetImportResult = z.infer<typeof DatasetImportResult>;

/** What a user sees before importing: shape, class counts and a few samples. */
export const DatasetPreview = z.object({
  format: DatasetFormat,
  samples: z.number().int().min(0),
  inputShape: z.array(z.number().int().positive()),
  numClasses: z.number().int().min(0),
  classCounts: z.array(z.number().int().min(0)),
  classNames: z.array(z.string()).optional(),
  imageShape: z.array(z.number().int().positive()).optional(),
  featureDtype: z.enum(['uint8', 'float32']),
  /** Images: up to 16 samples, each h·w greyscale values in [0, 255] (row-major). */
  images: z.array(z.array(z.number())).optional(),
  /** Tables: the header and up to 10 rows of features, as imported. */
  columns: z.array(z.string()).optional(),
  rows: z.array(z.array(z.number())).optional(),
  /**
   * Text tables (CSV/TSV): the same rows' feature cells exactly as written in the file (`5.28`, not the
   * float32 5.28000020980835 it is stored as); shown instead of `rows` when present.
   */
  cells: z.array(z.array(z.string())).optional(),
  /** Label of each previewed image or row (a class index; its name is `classNames[label]` when the labels were names). */
  labels: z.array(z.number().int()),
  /** Samples of the test part read from its own file(s) (an MNIST folder's t10k pair, `testPath`); `samples` excludes them. */
  testSamples: z.number().int().min(0).optional(),
  numericHeader: NumericHeader,
});
export type DatasetPreview = z.infer<typeof DatasetPreview>;
