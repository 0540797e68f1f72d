import type { QuitChoice } from './quit.js';

/** The options of Electron's `dialog.showMessageBox` that the quit question uses. */
export interface QuitDialogOptions {
  type: 'question';
  title: string;
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: true;
}

const TEXT = {
  en: {
    title: 'Quit InitScope',
    message: (n: number) => (n === 1 ? '1 run is queued or running.' : `${n} runs are queued or running.`),
    detail:
      'Wait: InitScope quits by itself when they have finished.\nStop and resume later: they stop now and run again from the beginning, with the same seed, at the next launch, as after a crash.',
    buttons: ['Wait for them', 'Stop and resume at next start', 'Cancel'],
  },
  'zh-CN': {
    title: '退出 InitScope',
    message: (n: number) => `有 ${n} 个运行正在排队或进行中。`,
    detail: '等待：它们全部结束后 InitScope 会自动退出。\n停止并稍后继续：现在停止，下次启动时以相同的随机种子从头重新运行，与崩溃后的处理相同。',
    buttons: ['等待完成', '停止，下次启动时继续', '取消'],
  },
} as const;

const CHOICES: readonly QuitChoice[] = ['wait', 'stop', 'cancel'];

/** The quit question for `count` unfinished runs in the app's locale (`zh*` → Simplified Chinese, else English). */
export function quitDialogOptions(locale: string, count: number): QuitDialogOptions {
  const text = locale.toLowerCase().startsWith('zh') ? TEXT['zh-CN'] : TEXT.en;
  return {
    type: 'question',
    title: text.title,
    message: text.message(count),
    detail: text.detail,
    buttons: [...text.buttons],
    defaultId: 0,
    cancelId: 2,
    noLink: true,
  };
}

/** The choice behind the button index `showMessageBox` answered (anything unexpected cancels). */
export function quitChoiceOf(response: number): QuitChoice {
  return CHOICES[response] ?? 'cancel';
}
