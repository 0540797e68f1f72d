import { describe, expect, it, vi } from 'vitest';
import { withContentSecurityPolicy } from '../../../main/electron/csp-headers.js';
import { closeOnQuit, type QuittableApp } from '../../../main/electron/quit.js';

describe('withContentSecurityPolicy', () => {
  it('replaces any existing policy, whatever its case, and keeps other headers', () => {
    const out = withContentSecurityPolicy({ 'content-security-policy': ['x'], 'Content-Type': ['text/html'] }, "default-src 'self'");
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'self'"] });
    expect(withContentSecurityPolicy(undefined, 'p')).toEqual({ 'Content-Security-Policy': ['p'] });
  });
});

describe('closeOnQuit', () => {
  it('holds the quit until the services are closed, closing them once', async () => {
    let onWillQuit: ((event: { preventDefault(): void }) => void) | undefined;
    const app: QuittableApp = {
      on: (_e, l) => {
        onWillQuit = l;
      },
      quit: vi.fn(() => onWillQuit?.({ preventDefault: () => undefined })),
    };
    let finish: () => void = () => undefined;
    const close = vi.fn(() => new Promise<void>((r) => (finish = r)));
    closeOnQuit(app, close);
    const first = { preventDefault: vi.fn() };
    onWillQuit?.(first);
    onWillQuit?.({ preventDefault: vi.fn() });
    expect(first.preventDefault).toHaveBeenCalled();
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    const last = { preventDefault: vi.fn() };
    onWillQuit?.(last);
    expect(last.preventDefault).not.toHaveBeenCalled();
  });
});
