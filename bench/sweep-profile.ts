/**
 * Where a sweep's time goes (docs/benchmarks.md, "Sweep, third round"): the seed article's sweep on N
 * compiled workers through the host services, the pool's launcher wrapped to time each worker's fork,
 * ready, every start sent, started and terminal event, with the worker's CPU (and its helper threads')
 * read from /proc at each; the host's CPU from process.cpuUsage. Linux only.
 * node --import tsx bench/sweep-profile.ts [workers=2] [seeds=1] [epochs=2]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchHost, runSweep } from './sweep-host.js';
import { seedArticleSweep, sweepRuns } from './end-to-end.js';

const workers = Number(process.argv[2] ?? 2);
const seeds = Number(process.argv[3] ?? 1);
const epochs = Number(process.argv[4] ?? 2);
const spec = seedArticleSweep(seeds, epochs);
const runs = sweepRuns(spec);
const T0 = performance.now();
const now = () => performance.now() - T0;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const ticks = 100;
function threadsOf(pid: number | undefined): string {
  if (!pid) return '';
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map((tid) => {
        const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
        const f = raw.split(') ')[1]!.split(' ');
        return `${name}:${((Number(f[11]) + Number(f[12])) / 100).toFixed(2)}`;
      })
      .join(' ');
  } catch (e) {
    return String(e);
  }
}
function helpersOf(pid: number | undefined): number {
  if (!pid) return NaN;
  let sum = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (Number(tid) === pid) continue;
    const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    sum += (Number(f[11]) + Number(f[12])) / 100;
  }
  return sum;
}
function cpuOf(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / ticks;
  } catch {
    return NaN;
  }
}
interface W {
  pid?: number;
  fork: number;
  ready?: number;
  log: { kind: string; t: number; run?: string; cpu?: number; helpers?: number }[];
}
const ws: W[] = [];
const { host, launcher } = await benchHost(true);
const base = launcher.forkWorkerLauncher({ INITSCOPE_BACKEND: 'wasm' });
const wrapped = () => {
  const w: W = { fork: now(), log: [] };
  ws.push(w);
  const h = base();
  w.pid = h.pid;
  return {
    ...h,
    pid: h.pid,
    send: (m: Parameters<typeof h.send>[0]) => {
      if (m.type === 'start') w.log.push({ kind: 'start', t: now(), run: m.runId });
      h.send(m);
    },
    onMessage: (l: (m: unknown) => void) =>
      h.onMessage((m) => {
        const msg = m as { type: string; event?: { type: string; runId: string } };
        if (msg.type === 'ready') {
          w.ready = now();
          w.log.push({ kind: 'ready', t: now(), cpu: cpuOf(h.pid), helpers: helpersOf(h.pid) });
        }
        if (msg.type === 'event' && msg.event && ['started', 'finished', 'failed', 'diverged', 'cancelled'].includes(msg.event.type))
          w.log.push({ kind: msg.event.type === 'started' ? 'started' : 'end', t: now(), run: msg.event.runId, cpu: cpuOf(h.pid), helpers: helpersOf(h.pid) });
        l(m);
      }),
  };
};
const root = mkdtempSync(path.join(os.tmpdir(), 'sweep-prof-'));
const cpu0 = process.cpuUsage();
const tHost = now();
const services = await host.createHostServices({ dataDir: root, shell: 'cli', workers, launcher: wrapped });
const tCreated = now();
await runSweep(services, spec, runs, true);
const tDone = now();
const hostCpu = process.cpuUsage(cpu0);
for (const w of ws) console.log('threads', w.pid, threadsOf(w.pid));
await services.close();
rmSync(root, { recursive: true, force: true });
console.log(
  `${runs} runs, ${workers} workers: host created ${(tCreated - tHost).toFixed(0)} ms, sweep done at ${(tDone / 1000).toFixed(2)} s; host CPU ${((hostCpu.user + hostCpu.system) / 1e6).toFixed(2)} s`,
);
for (const [i, w] of ws.entries()) {
  const starts = w.log.filter((e) => e.kind === 'start');
  const started = w.log.filter((e) => e.kind === 'started');
  const ends = w.log.filter((e) => e.kind === 'end');
  const first = starts[0];
  console.log(
    `worker ${i} pid ${w.pid}: fork at ${w.fork.toFixed(0)} ms, ready +${((w.ready ?? NaN) - w.fork).toFixed(0)} ms, first start→started ${((started[0]?.t ?? NaN) - (first?.t ?? NaN)).toFixed(0)} ms (cpu at ready ${w.log.find((e) => e.kind === 'ready')?.cpu}, at 1st started ${started[0]?.cpu}, at 1st end ${ends[0]?.cpu}, 2nd started ${started[1]?.cpu})`,
  );
  const inRun = started.map((s, k) => (ends[k]?.t ?? NaN) - s.t);
  const s2s = starts.map((s, k) => (started[k]?.t ?? NaN) - s.t);
  const gaps = starts.slice(1).map((s, k) => s.t - (ends[k]?.t ?? NaN));
  console.log(`  in-run ms: ${inRun.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  start→started ms: ${s2s.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  end→next start ms: ${gaps.map((x) => x.toFixed(1)).join(' ')}`);
  console.log(
    `  helper threads cpu at ready ${w.log.find((e) => e.kind === 'ready')?.helpers?.toFixed(2)}, at ends: ${ends.map((e) => e.helpers?.toFixed(2)).join(' ')}`,
  );
  console.log(`  cpu at ends: ${ends.map((e) => e.cpu?.toFixed(2)).join(' ')}; last end at ${((ends.at(-1)?.t ?? NaN) / 1000).toFixed(2)} s`);
}
