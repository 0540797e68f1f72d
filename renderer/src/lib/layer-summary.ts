import type { LayerSpec } from '../../../contract/index.js';
import { numField, sizeField, strField } from './layer-kinds.js';

type Translate = (key: string, named?: Record<string, unknown>) => string;

const size = (s: [number, number] | null): string => (s ? (s[0] === s[1] ? `${s[0]}×${s[0]}` : `${s[0]}×${s[1]}`) : '');

/** One line describing a layer's settings in the current language ("64 · ReLU · He normal"). */
export function layerSummary(layer: LayerSpec, t: Translate): string {
  const parts: string[] = [];
  const record = layer as unknown as Record<string, unknown>;
  switch (layer.type) {
    case 'dense':
      parts.push(t('builder.units', { n: layer.units }));
      break;
    case 'conv2d':
      parts.push(t('builder.filters', { n: layer.filters, k: size(sizeField(layer, 'kernelSize')) }));
      if (strField(layer, 'padding')) parts.push(t(`inspector.paddings.${strField(layer, 'padding')}`));
      break;
    case 'dropout':
      parts.push(t('builder.rate', { p: layer.rate }));
      break;
    case 'residual':
      parts.push(
        t('residual.summary', {
          branch: t(`residual.branches.${layer.branch}`),
          units: layer.branch === 'conv2d' ? `${layer.units} ${size(sizeField(layer, 'kernelSize'))}` : layer.units,
          skip: t(`residual.skips.${layer.skip}`),
          init: t(`residual.inits.${layer.init}`),
        }),
      );
      if (layer.normalization === 'batchNorm') parts.push(t('residual.normalizations.batchNorm'));
      break;
    default:
      if ('poolSize' in record) parts.push(size(sizeField(layer, 'poolSize')));
      if (layer.type === 'batchNorm') parts.push(t('builder.momentum', { m: numField(layer, 'momentum') }));
  }
  const activation = record.activation as { name?: string } | undefined;
  if (activation?.name) parts.push(t(`activations.${activation.name}`));
  const init = record.kernelInitializer as { name?: string } | undefined;
  if (init?.name) parts.push(t(`initializers.${init.name}`));
  return parts.filter(Boolean).join(' · ');
}
