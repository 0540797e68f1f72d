import { describe, expect, it, vi } from 'vitest';
import { handleRelaunch, type RelaunchingApp } from '../../../main/electron/instance-events.js';

function setup() {
  const listeners = new Map<string, () => void>();
  const app: RelaunchingApp = { on: (event, l) => listeners.set(event, l) };
  const opened: object[] = [];
  const win = { minimized: false, isMinimized: () => win.minimized, restore: vi.fn(), show: vi.fn(), focus: vi.fn() };
  const windows = { first: () => (opened.length > 0 ? win : undefined), open: vi.fn(() => opened.push(win)), close: () => opened.splice(0) };
  const relaunch = handleRelaunch(app, windows);
  return { emit: (e: string) => listeners.get(e)?.(), relaunch, windows, win };
}

describe('handleRelaunch', () => {
  it('a second launch during start-up opens the window once the host is up (not twice)', () => {
    const { emit, relaunch, windows } = setup();
    emit('second-instance');
    emit('activate');
    expect(windows.open).not.toHaveBeenCalled();
    relaunch.hostReady();
    expect(windows.open).toHaveBeenCalledTimes(1);
    relaunch.hostReady();
    expect(windows.open).toHaveBeenCalledTimes(1);
  });

  it('restores and focuses an existing (minimized) window', () => {
    const { emit, relaunch, windows, win } = setup();
    relaunch.hostReady();
    win.minimized = true;
    emit('second-instance');
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    expect(windows.open).toHaveBeenCalledTimes(1);
  });

  it('macOS re-open with every window closed opens a new window', () => {
    const { emit, relaunch, windows } = setup();
    relaunch.hostReady();
    windows.close();
    emit('activate');
    expect(windows.open).toHaveBeenCalledTimes(2);
  });
});
