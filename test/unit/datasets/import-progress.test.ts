import { SourceRegistry } from '../../../main/datasets/source-registry.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  DatasetImportOptions,
  EVENTS_PATH,
  HostEvent,
  InitScopeError,
  isDatasetImportEvent,
  isImportCancelledError,
  type DatasetImportEvent,
} from '../../../contract/index.js';
import { startHttpServer, type HttpServerHandle } from '../../../main/http/index.js';
import { createHandlers, type HandlerContext } from '../../../main/services/handlers.js';
import { datasetFiles, makeService, storedContent } from './helpers.js';

const ROWS = 200_000;
const FEATURES = 3;
const CLASSES = 4;
const TOKEN = 'test-token-0123456789abcdef';

let env: ReturnType<typeof makeService>;
let bigCsv: string;
/** Samples per class and the sum of every feature value, computed while writing the file. */
const expected = { classCounts: new Array<number>(CLASSES).fill(0), featureSum: 0 };

/** Writes a seeded CSV of ROWS rows: FEATURES two-decimal features and an integer label in [0, CLASSES). */
function writeBigCsv(file: string): void {
  let state = 12345;
  const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const lines = [`${Array.from({ length: FEATURES }, (_, j) => `f${j}`).join(',')},label`];
  for (let r = 0; r < ROWS; r++) {
    const cells: string[] = [];
    for (let j = 0; j < FEATURES; j++) {
      const hundredths = next() % 1000;
      expected.featureSum += hundredths / 100;
      cells.push((hundredths / 100).toFixed(2));
    }
    const label = next() % CLASSES;
    expected.classCounts[label] = (expected.classCounts[label] as number) + 1;
    lines.push(`${cells.join(',')},${label}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Options for the big CSV with the contract's defaults (no normalisation, so stored values are the file's). */
const bigOptions = () => DatasetImportOptions.parse({ path: bigCsv, normalization: 'none' });

/** Checks a phase's events: strictly increasing `done`, constant `unit`, ending at `done === total`. */
function checkPhase(events: DatasetImportEvent[], phase: DatasetImportEvent['phase']): DatasetImportEvent[] {
  const of = events.filter((e) => e.phase === phase);
  expect(of.length, `${phase} events`).toBeGreaterThan(1);
  for (let i = 1; i < of.length; i++) expect((of[i] as DatasetImportEvent).done).toBeGreaterThan((of[i - 1] as DatasetImportEvent).done);
  for (const e of of) expect(e.done).toBeLessThanOrEqual(e.total);
  const last = of[of.length - 1] as DatasetImportEvent;
  expect(last.done).toBe(last.total);
  return of;
}

beforeAll(() => {
  env = makeService();
  mkdirSync(env.inputDir, { recursive: true });
  bigCsv = path.join(env.inputDir, 'big.csv');
  writeBigCsv(bigCsv);
});
afterAll(() => env.close());

describe('import progress and cancel', () => {
  it('a cancel mid-import rejects with the cancelled error and stores nothing; earlier datasets stay', async () => {
    const small = path.join(env.inputDir, 'small.csv');
    writeFileSync(small, 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,10,0\n');
    const earlier = await env.service.import(DatasetImportOptions.parse({ path: small }));
    const filesBefore = datasetFiles(env.dataDir);
    expect(filesBefore).toEqual([`${earlier.dataset.id}.isds`]);

    for (const cancelIn of ['decoding', 'writing'] as const) {
      let cancelledAt: DatasetImportEvent | null = null;
      const importing = env.service.import(bigOptions(), {
        importId: `cancel-${cancelIn}`,
        onProgress: (event) => {
          if (cancelledAt || event.phase !== cancelIn) return;
          if (cancelIn === 'decoding' && event.done === 0) return; // cancel once rows are being read
          cancelledAt = event;
          expect(env.service.cancelImport(`cancel-${cancelIn}`)).toBe(true);
        },
      });
      const error = await importing.then(
        () => null,
        (e: unknown) => e,
      );
      expect(cancelledAt, cancelIn).not.toBeNull();
      expect(error).toBeInstanceOf(InitScopeError);
      expect((error as InitScopeError).code).toBe('conflict');
      expect((error as InitScopeError).message).toMatch(/big\.csv cancelled; nothing was stored/);
      expect(isImportCancelledError(error)).toBe(true);
      expect(datasetFiles(env.dataDir), `no half dataset or temporary file after a cancel while ${cancelIn}`).toEqual(filesBefore);
      expect(env.service.listImported().map((d) => d.id)).toEqual([earlier.dataset.id]);
      expect(env.service.cancelImport(`cancel-${cancelIn}`), 'an ended import cannot be cancelled').toBe(false);
    }
    expect(storedContent(env.dataDir, earlier.dataset.id as string).header.samples).toBe(5);
  });

  it('reports increasing reading → decoding → writing progress ending at the totals, and stores every row', async () => {
    const events: DatasetImportEvent[] = [];
    const viaListener: DatasetImportEvent[] = [];
    const off = env.service.onImportEvent((e) => viaListener.push(e));
    const result = await env.service.import(bigOptions(), { importId: 'big-1', onProgress: (e) => events.push(e) });
    off();
    expect(viaListener).toEqual(events);
    expect(events.every((e) => e.importId === 'big-1' && HostEvent.safeParse(e).success && isDatasetImportEvent(e))).toBe(true);
    expect([...new Set(events.map((e) => e.phase))]).toEqual(['reading', 'decoding', 'writing']);

    const reading = checkPhase(events, 'reading');
    expect(reading.at(-1)).toMatchObject({ unit: 'bytes', total: (await import('node:fs')).statSync(bigCsv).size });
    const decoding = checkPhase(events, 'decoding');
    expect(decoding.every((e) => e.unit === 'rows' && e.total === ROWS)).toBe(true);
    expect(decoding.length, 'rows are reported in several steps').toBeGreaterThan(2);
    const writing = checkPhase(events, 'writing');
    expect(writing.every((e) => e.unit === 'bytes')).toBe(true);

    // Every row arrived: class counts and the sum of all values match the generator's.
    expect(result.existing).toBe(false);
    const stored = storedContent(env.dataDir, result.dataset.id as string);
    expect(stored.header.samples).toBe(ROWS);
    const counts = new Array<number>(CLASSES).fill(0);
    for (const label of stored.labels) counts[label] = (counts[label] as number) + 1;
    expect(counts).toEqual(expected.classCounts);
    let sum = 0;
    for (const v of stored.features) sum += v;
    expect(sum).toBeCloseTo(expected.featureSum, 0);
  });

  it('keeps the host responsive: app/info is answered and progress is pushed while an import runs', async () => {
    const info = { name: 'InitScope', version: '0', shell: 'browser', dataDir: env.dataDir, dbPath: '', preferredBackend: 'cpu' } as const;
    const sources = new SourceRegistry(env.dataDir);
    const handlers = createHandlers({ info, datasets: env.service, sources, runs: {}, sweeps: {} } as unknown as HandlerContext);
    const server: HttpServerHandle = await startHttpServer({
      services: { handlers, onEvent: () => () => {}, onDatasetImportEvent: (l) => env.service.onImportEvent(l), close: async () => {} },
      token: TOKEN,
    });
    const base = `http://127.0.0.1:${server.port}/api`;
    const call = (method: string, body: unknown) =>
      fetch(`${base}/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${EVENTS_PATH}?token=${TOKEN}`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const pushed: DatasetImportEvent[] = [];
    let answeredDuringDecoding = false;
    let infoAnswers = 0;
    ws.on('message', (data: WebSocket.RawData) => {
      const event = JSON.parse(String(data)) as DatasetImportEvent;
      pushed.push(event);
      if (event.phase === 'decoding' && event.done > 0 && infoAnswers === 0) {
        infoAnswers = -1; // one request in flight
        void call('app/info', {}).then((r) => {
          infoAnswers = 1;
          answeredDuringDecoding = r.ok && pushed.at(-1)?.phase === 'decoding' && !importDone;
        });
      }
    });

    // Event-loop monitor: the longest gap between 5 ms timer ticks while the import runs.
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    let importDone = false;
    try {
      // normalization 'unit' makes the content (and so the dataset) new, not the one stored by the test above.
      const answer = await call('datasets/import', { source: sources.registerPath(bigCsv), importId: 'via-http', normalization: 'unit' });
      importDone = true;
      expect(answer.ok).toBe(true);
      expect(answeredDuringDecoding, 'app/info answered while rows were still being decoded').toBe(true);
      expect(pushed.filter((e) => e.importId === 'via-http' && e.phase === 'decoding').length).toBeGreaterThan(2);
      expect(pushed.at(-1)).toMatchObject({ importId: 'via-http', phase: 'writing' });
      expect(pushed.at(-1)?.done).toBe(pushed.at(-1)?.total);
      expect(longestGap, `the event loop was blocked for ${longestGap.toFixed(0)} ms`).toBeLessThan(250);
      expect(await call('datasets/cancelImport', { importId: 'via-http' })).toEqual({ ok: true, value: { cancelled: false } });
    } finally {
      clearInterval(timer);
      ws.terminate();
      await server.close();
    }
  });
});
