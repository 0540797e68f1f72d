import { SWEEP_LIMITS } from '../../../contract/index.js';

/** Most values one axis may take (the contract's limit). */
export const MAX_AXIS_VALUES = SWEEP_LIMITS.maxAxisValues;

/** Why a number list does not parse: `code` picks the message, `value` is the offending token or bound. */
export interface ListProblem {
  code: 'notNumber' | 'integer' | 'positive' | 'min' | 'max' | 'duplicate' | 'tooMany';
  value: string;
}

/** A number list as parsed: its values in the order typed, or the first problem. */
export interface ParsedList {
  values: number[];
  problem: ListProblem | null;
}

/**
 * Parses a comma/space/semicolon-separated number list (`"0.1, 1e-2"`). Empty text gives no values
 * (the axis is not varied). `min` is exclusive when `positive` is set (learning rates), else inclusive.
 */
export function parseNumberList(text: string, rule: { integer?: boolean; min: number; max: number; positive?: boolean }): ParsedList {
  const tokens = text.split(/[\s,;，；]+/).filter(Boolean);
  const values: number[] = [];
  for (const token of tokens) {
    const value = Number(token);
    if (!Number.isFinite(value)) return { values, problem: { code: 'notNumber', value: token } };
    if (rule.integer && !Number.isInteger(value)) return { values, problem: { code: 'integer', value: token } };
    if (rule.positive && value <= rule.min) return { values, problem: { code: 'positive', value: String(rule.min) } };
    if (value < rule.min) return { values, problem: { code: 'min', value: String(rule.min) } };
    if (value > rule.max) return { values, problem: { code: 'max', value: String(rule.max) } };
    if (values.includes(value)) return { values, problem: { code: 'duplicate', value: token } };
    values.push(value);
  }
  if (values.length > MAX_AXIS_VALUES) return { values, problem: { code: 'tooMany', value: String(MAX_AXIS_VALUES) } };
  return { values, problem: null };
}
