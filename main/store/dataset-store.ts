import type Database from 'better-sqlite3';
import { DatasetInfo, InitScopeError, parseOrThrow } from '../../contract/index.js';
import { retryBusy } from './busy.js';

/** One imported dataset as stored in the `datasets` table. */
export interface StoredDataset {
  id: string;
  name: string;
  /** The format it was imported from (`idx`, `csv`, `images`, `npy`). */
  kind: string;
  info: DatasetInfo;
  /** SHA-256 (hex) of the stored file; unique. */
  contentHash: string;
  /** The stored file, relative to the data folder (e.g. `datasets/ds_0123456789abcdef.isds`). */
  path: string;
  createdAt: string;
}

interface DatasetRow {
  id: string;
  name: string;
  kind: string;
  info_json: string;
  content_hash: string;
  path: string;
  created_at: string;
}

const COLUMNS = 'id, name, kind, info_json, content_hash, path, created_at';

function fromRow(row: DatasetRow): StoredDataset {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    info: parseOrThrow(DatasetInfo, JSON.parse(row.info_json), `stored dataset ${row.id}`),
    contentHash: row.content_hash,
    path: row.path,
    createdAt: row.created_at,
  };
}

/** Imported datasets' metadata in SQLite (the data itself lives in files under the data folder). */
export class DatasetStore {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO datasets (id, name, kind, info_json, content_hash, path, created_at)
         VALUES (@id, @name, @kind, @infoJson, @contentHash, @path, @createdAt)`,
      ),
      get: db.prepare<[string], DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE id = ?`),
      byHash: db.prepare<[string], DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE content_hash = ?`),
      list: db.prepare<[], DatasetRow>(`SELECT ${COLUMNS} FROM datasets ORDER BY created_at DESC, rowid DESC`),
      delete: db.prepare('DELETE FROM datasets WHERE id = ?'),
    };
  }

  /** Records an imported dataset. Throws `conflict` if its id or content hash is already stored. */
  insert(dataset: StoredDataset): StoredDataset {
    const info = parseOrThrow(DatasetInfo, dataset.info, 'dataset info');
    try {
      retryBusy(this.db, () =>
        this.statements.insert.run({
          id: dataset.id,
          name: dataset.name,
          kind: dataset.kind,
          infoJson: JSON.stringify(info),
          contentHash: dataset.contentHash,
          path: dataset.path,
          createdAt: dataset.createdAt,
        }),
      );
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new InitScopeError('conflict', `Dataset ${dataset.id} (content ${dataset.contentHash.slice(0, 12)}…) is already stored`);
      }
      throw error;
    }
    return this.get(dataset.id) as StoredDataset;
  }

  /** The dataset with this id, or undefined. */
  get(id: string): StoredDataset | undefined {
    const row = this.statements.get.get(id);
    return row ? fromRow(row) : undefined;
  }

  /** The dataset whose stored file has this SHA-256, or undefined. */
  getByHash(contentHash: string): StoredDataset | undefined {
    const row = this.statements.byHash.get(contentHash);
    return row ? fromRow(row) : undefined;
  }

  /** Every imported dataset, newest first. */
  list(): StoredDataset[] {
    return this.statements.list.all().map(fromRow);
  }

  /** Removes a dataset's row; true if there was one. */
  delete(id: string): boolean {
    return retryBusy(this.db, () => this.statements.delete.run(id)).changes > 0;
  }
}
