import { describe, expect, it, vi } from 'vitest';
import { guardQuit, type QuitChoice, type QuittableApp } from '../../../main/electron/quit.js';
import { quitChoiceOf, quitDialogOptions } from '../../../main/electron/quit-dialog.js';

/** An app whose `quit()` emits `before-quit` like Electron's, and counts the quits that got through. */
function fakeApp() {
  let listener: ((event: { preventDefault(): void }) => void) | undefined;
  let quits = 0;
  const app: QuittableApp = {
    on: (_event, l) => {
      listener = l;
    },
    quit: () => {
      let prevented = false;
      listener?.({ preventDefault: () => (prevented = true) });
      if (!prevented) quits++;
    },
  };
  return { app, quitsDone: () => quits };
}

function setup(active: number[], choice: QuitChoice) {
  const { app, quitsDone } = fakeApp();
  const counts = [...active];
  const options = {
    activeWork: vi.fn(async () => (counts.length > 1 ? counts.shift()! : counts[0]!)),
    ask: vi.fn(async () => choice),
    shutdown: vi.fn(async () => undefined),
    onWait: vi.fn(),
    pollMs: 1,
  };
  guardQuit(app, options);
  return { app, quitsDone, options };
}

describe('guardQuit', () => {
  it('with nothing unfinished, shuts the host down (once) and quits without asking', async () => {
    const { app, quitsDone, options } = setup([0], 'cancel');
    app.quit();
    app.quit();
    await vi.waitFor(() => expect(quitsDone()).toBe(1));
    expect(options.ask).not.toHaveBeenCalled();
    expect(options.shutdown).toHaveBeenCalledTimes(1);
  });

  it('"stop" leaves the runs to the next start: shutdown (not cancel), then quit', async () => {
    const { app, quitsDone, options } = setup([3], 'stop');
    app.quit();
    await vi.waitFor(() => expect(quitsDone()).toBe(1));
    expect(options.ask).toHaveBeenCalledWith(3);
    expect(options.shutdown).toHaveBeenCalledTimes(1);
  });

  it('"cancel" keeps the app and the runs going; a later quit asks again', async () => {
    const { app, quitsDone, options } = setup([2], 'cancel');
    app.quit();
    await vi.waitFor(() => expect(options.ask).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 10));
    expect(quitsDone()).toBe(0);
    expect(options.shutdown).not.toHaveBeenCalled();
    app.quit();
    await vi.waitFor(() => expect(options.ask).toHaveBeenCalledTimes(2));
  });

  it('"wait" shows a window and quits by itself once no run is left', async () => {
    const { app, quitsDone, options } = setup([2, 2, 1, 1, 0], 'wait');
    app.quit();
    await vi.waitFor(() => expect(quitsDone()).toBe(1));
    expect(options.onWait).toHaveBeenCalledTimes(1);
    expect(options.activeWork.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect(options.shutdown).toHaveBeenCalledTimes(1);
  });

  it('quits even if the host cannot answer or fails to shut down', async () => {
    const { app, quitsDone } = fakeApp();
    const log = vi.fn();
    guardQuit(app, { activeWork: () => Promise.reject(new Error('host gone')), ask: vi.fn(), shutdown: () => Promise.reject(new Error('boom')), log });
    app.quit();
    await vi.waitFor(() => expect(quitsDone()).toBe(1));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });
});

describe('quitDialogOptions', () => {
  it('asks in English or Simplified Chinese with wait / stop / cancel buttons', () => {
    const en = quitDialogOptions('en-US', 3);
    expect(en.message).toBe('3 runs are queued or running.');
    expect(en.buttons).toHaveLength(3);
    expect(quitChoiceOf(en.defaultId)).toBe('wait');
    expect(quitChoiceOf(1)).toBe('stop');
    expect(quitChoiceOf(en.cancelId)).toBe('cancel');
    expect(quitChoiceOf(7)).toBe('cancel');
    const zh = quitDialogOptions('zh-CN', 1);
    expect(zh.message).toContain('1');
    expect(zh.buttons.join('')).toMatch(/[\u4e00-\u9fff]/);
    expect(quitDialogOptions('fr', 1).message).toBe('1 run is queued or running.');
  });
});
