import { BuiltinDatasetRef, DatasetId, ExperimentSpec } from '../../../contract/index.js';
import { draftFromExperiment, toExperimentInput, type ExperimentDraft } from './experiment-draft.js';

/**
 * Where the builder's draft lives between reloads and restarts. The version is part of the key: a later
 * format gets a new key, and a draft stored by an older build that no longer parses is ignored.
 */
export const DRAFT_STORAGE_KEY = 'initscope.draft.v1';

/** What is stored under {@link DRAFT_STORAGE_KEY}. */
interface StoredDraft {
  version: 1;
  draft: ExperimentDraft;
}

/** The part of `Storage` the draft needs (localStorage, or a stand-in in tests). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** The browser's localStorage, or null where there is none or it is blocked. */
export function browserStorage(): DraftStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * Text to store for `draft`, or null when the draft is not a complete experiment right now (a number
 * being typed is NaN, a layer has 0 units…): then the last complete draft stays stored. `parses`: whether
 * the draft parses as an `ExperimentSpec`, when the caller already knows (else it is parsed here).
 */
export function encodeDraft(draft: ExperimentDraft, parses?: boolean): string | null {
  if (!(parses ?? ExperimentSpec.safeParse(toExperimentInput(draft)).success)) return null;
  if (!BuiltinDatasetRef.safeParse(draft.dataset).success) return null;
  return JSON.stringify({ version: 1, draft } satisfies StoredDraft);
}

/**
 * The draft in `text` as written by {@link encodeDraft}, re-checked against the contract (defaults of
 * newer fields filled in, unknown fields dropped); null for anything else: missing, not JSON, another
 * version, or a draft the current contract refuses.
 */
export function decodeDraft(text: string | null): ExperimentDraft | null {
  if (!text) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || (raw as { version?: unknown }).version !== 1) return null;
  const draft = (raw as { draft?: unknown }).draft;
  if (!draft || typeof draft !== 'object') return null;
  const d = draft as Partial<Record<keyof ExperimentDraft, unknown>>;
  const builtin = BuiltinDatasetRef.safeParse(d.dataset);
  if (!builtin.success) return null;
  const storedId = d.storedDatasetId == null ? null : DatasetId.safeParse(d.storedDatasetId);
  if (storedId && !storedId.success) return null;
  const name = typeof d.name === 'string' ? d.name : '';
  const experiment = ExperimentSpec.safeParse({
    name: name.trim() || 'draft',
    dataset: storedId ? { id: storedId.data } : builtin.data,
    network: { name: 'network', ...(d.network as object) },
    train: d.train,
  });
  if (!experiment.success) return null;
  const restored = draftFromExperiment(experiment.data, builtin.data);
  restored.name = name;
  return restored;
}

/** The stored draft, or null (none, unreadable storage, or a draft that no longer parses). */
export function readStoredDraft(storage: DraftStorage | null): ExperimentDraft | null {
  try {
    return decodeDraft(storage?.getItem(DRAFT_STORAGE_KEY) ?? null);
  } catch {
    return null;
  }
}

/**
 * Stores `draft` when it is complete; returns whether it was written (a full or blocked storage: false).
 * `parses` as for {@link encodeDraft}.
 */
export function writeStoredDraft(storage: DraftStorage | null, draft: ExperimentDraft, parses?: boolean): boolean {
  const text = encodeDraft(draft, parses);
  if (text === null || !storage) return false;
  try {
    storage.setItem(DRAFT_STORAGE_KEY, text);
    return true;
  } catch {
    return false;
  }
}
