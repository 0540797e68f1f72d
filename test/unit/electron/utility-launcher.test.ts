import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { utilityProcessLauncher, type UtilityProcessLike } from '../../../main/electron/utility-launcher.js';

class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  readonly pid = 4242;
  readonly posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 9);
    return true;
  }
}

describe('utilityProcessLauncher', () => {
  it('forks the worker entry and carries messages both ways', () => {
    const forks: { modulePath: string; serviceName: string }[] = [];
    const children: FakeUtilityProcess[] = [];
    const launch = utilityProcessLauncher((modulePath, _args, options) => {
      forks.push({ modulePath, serviceName: options.serviceName });
      const child = new FakeUtilityProcess();
      children.push(child);
      return child;
    }, '/app/dist/engine/worker.js');
    const handle = launch();
    launch();
    expect(forks).toEqual([
      { modulePath: '/app/dist/engine/worker.js', serviceName: 'InitScope engine 1' },
      { modulePath: '/app/dist/engine/worker.js', serviceName: 'InitScope engine 2' },
    ]);
    expect(handle.pid).toBe(4242);
    const received: unknown[] = [];
    handle.onMessage((m) => received.push(m));
    children[0]!.emit('message', { type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' });
    expect(received).toEqual([{ type: 'ready', backend: 'wasm', tfjsVersion: '4.22.0' }]);
    handle.send({ type: 'shutdown' });
    expect(children[0]!.posted).toEqual([{ type: 'shutdown' }]);
  });

  it('reports the exit once and stops sending to a dead process', () => {
    const child = new FakeUtilityProcess();
    const handle = utilityProcessLauncher(() => child, 'w.js')();
    const exits: (number | null)[] = [];
    handle.onExit((code) => exits.push(code));
    handle.kill();
    expect(child.killed).toBe(true);
    expect(exits).toEqual([9]);
    handle.send({ type: 'shutdown' });
    expect(child.posted).toEqual([]);
  });
});
