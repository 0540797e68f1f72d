import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentSpec, experimentProblems, semanticDiff, type ExperimentProblem } from '../../../contract/index.js';
import { i18n } from '../../../renderer/src/i18n/index.js';
import { valueText, type Translate } from '../../../renderer/src/lib/compare-groups.js';
import { describeIssue } from '../../../renderer/src/lib/issues.js';

const t = i18n.global.t as unknown as Translate;
const tc = i18n.global.t as unknown as Parameters<typeof describeIssue>[2];
const locale = i18n.global.locale as unknown as { value: string };
afterEach(() => {
  locale.value = 'en';
});

const spec = (train: Record<string, unknown>) =>
  ExperimentSpec.parse({
    dataset: { builtin: 'spiral' },
    network: {
      inputShape: [2],
      layers: [
        { type: 'dense', units: 16, activation: { name: 'relu' } },
        { type: 'dense', units: 2, activation: { name: 'softmax' } },
      ],
    },
    train,
  });
const issue = (p: ExperimentProblem) => ({ path: p.path, code: p.code, params: p.params, message: p.message });

describe('μP in the UI language', () => {
  it('the compare diff words the parametrization in English and Chinese', () => {
    const diff = semanticDiff([spec({}), spec({ parametrization: { name: 'mup', baseWidth: 32, outputInit: 'zero' } })], [[1], [1]]);
    const change = diff.changes[0]!;
    expect([valueText(change, 0, t), valueText(change, 1, t)]).toEqual(['standard', 'μP (base 32, Zero readout)']);
    locale.value = 'zh-CN';
    expect([valueText(change, 0, t), valueText(change, 1, t)]).toEqual(['标准', 'μP（基准宽度 32，读出层 零）']);
  });

  it('a μP refusal names the field and the optimizer in each language', () => {
    const [problem] = experimentProblems(spec({ parametrization: { name: 'mup' }, optimizer: { name: 'rmsprop' } }), {
      name: 'spiral',
      inputShape: [2],
      numClasses: 2,
    });
    expect(describeIssue(issue(problem!), t as Parameters<typeof describeIssue>[1], tc)).toBe(
      'Parametrization: μP’s learning-rate rules exist for SGD, momentum, Adam and AdamW, not RMSProp',
    );
    locale.value = 'zh-CN';
    expect(describeIssue(issue(problem!), t as Parameters<typeof describeIssue>[1], tc)).toMatch(/^参数化.*不适用于 RMSProp$/);
  });
});
