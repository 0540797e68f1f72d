import { watch, type ComputedRef } from 'vue';
import { readStoredDraft, writeStoredDraft, type DraftStorage } from '../../lib/draft-storage.js';
import type { DraftParse } from '../../lib/draft-validation.js';
import { replaceDraft, type DraftDocument } from './document.js';

/**
 * Restores the draft stored in `storage` (if any and still valid; else the document stays as it is) and
 * calls `restored` so the history can start there; then stores every complete draft. Completeness is
 * the validation's own parse (`parsed`), so persisting costs no second parse. Call once per document.
 */
export function persistDraft(doc: DraftDocument, storage: DraftStorage | null, parsed: ComputedRef<DraftParse>, restored: () => void): void {
  const stored = readStoredDraft(storage);
  if (stored) {
    replaceDraft(doc, stored);
    restored();
  }
  watch(doc.draft, (value) => writeStoredDraft(storage, value, parsed.value.success), { deep: true });
}
