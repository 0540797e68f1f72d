import { describe, expect, it } from 'vitest';
import { forwardEvents, type WebContentsLike } from '../../../main/electron/events.js';
import { subscribeHostEvents } from '../../../main/services/host-events.js';
import { createFakeServices, failedEvent, sweepProgressEvent } from '../http/fake-services.js';
import type { HostServices } from '../../../main/services/host-services.js';

class FakeContents implements WebContentsLike {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;
  private readonly onDestroyed: (() => void)[] = [];

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.onDestroyed.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    for (const l of this.onDestroyed.splice(0)) l();
  }
}

describe('forwardEvents', () => {
  it('sends each run event on initscope:events', () => {
    const services = createFakeServices();
    const contents = new FakeContents();
    forwardEvents((l) => subscribeHostEvents(services, l), contents);
    services.emit(failedEvent('r1'));
    expect(contents.sent).toEqual([{ channel: 'initscope:events', args: [failedEvent('r1')] }]);
  });

  it('sends sweep events on the same channel, interleaved with run events in emission order', () => {
    const services = createFakeServices();
    const contents = new FakeContents();
    forwardEvents((l) => subscribeHostEvents(services, l), contents);
    services.emitSweep(sweepProgressEvent('s1', 1));
    services.emit(failedEvent('r2'));
    expect(contents.sent).toEqual([
      { channel: 'initscope:events', args: [sweepProgressEvent('s1', 1)] },
      { channel: 'initscope:events', args: [failedEvent('r2')] },
    ]);
  });

  it('forwards run events from services without a sweep source', () => {
    const full = createFakeServices();
    const runsOnly: Pick<HostServices, 'onEvent'> = { onEvent: (listener) => full.onEvent(listener) };
    const contents = new FakeContents();
    const stop = forwardEvents((l) => subscribeHostEvents(runsOnly, l), contents);
    full.emit(failedEvent('r5'));
    expect(contents.sent).toHaveLength(1);
    stop();
    expect(full.listenerCount()).toBe(0);
  });

  it('unsubscribes from both sources when the window contents are destroyed', () => {
    const services = createFakeServices();
    const contents = new FakeContents();
    forwardEvents((l) => subscribeHostEvents(services, l), contents);
    expect(services.listenerCount()).toBe(1);
    expect(services.sweepListenerCount()).toBe(1);
    contents.destroy();
    expect(services.listenerCount()).toBe(0);
    expect(services.sweepListenerCount()).toBe(0);
    expect(() => services.emit(failedEvent())).not.toThrow();
    expect(() => services.emitSweep(sweepProgressEvent())).not.toThrow();
  });

  it('can stop early, and stopping twice is harmless', () => {
    const services = createFakeServices();
    const contents = new FakeContents();
    const stop = forwardEvents((l) => subscribeHostEvents(services, l), contents);
    const other = forwardEvents((l) => subscribeHostEvents(services, l), new FakeContents());
    stop();
    stop();
    contents.destroy();
    expect(services.listenerCount()).toBe(1);
    other();
    expect(services.listenerCount()).toBe(0);
    expect(services.sweepListenerCount()).toBe(0);
  });
});
