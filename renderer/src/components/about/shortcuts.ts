/** One keyboard shortcut: its keys (each a `<kbd>`, joined by "+") and the i18n key of what it does. */
export interface Shortcut {
  keys: string[];
  /** Alternative key combination, shown after "/" (e.g. Ctrl+Y for redo). */
  alt?: string[];
  action: string;
}

/** Every keyboard shortcut of the workbench, in the order the About dialog lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: ['↑'], alt: ['↓'], action: 'builder.keySelect' }, // either arrow, not both together
  { keys: ['Alt', '↑↓'], action: 'builder.keyMove' },
  { keys: ['Ctrl', 'D'], action: 'builder.duplicate' },
  { keys: ['Del'], action: 'builder.delete' },
  { keys: ['Ctrl', 'Z'], action: 'builder.undo' },
  { keys: ['Ctrl', '⇧', 'Z'], alt: ['Ctrl', 'Y'], action: 'builder.redo' },
  { keys: ['F1'], action: 'about.openShortcut' },
  { keys: ['Esc'], action: 'about.closeShortcut' },
];
