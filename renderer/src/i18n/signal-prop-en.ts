/** English text of residual blocks in the builder (`residual`) and of signal-propagation plots (`signalProp`). */
export const residualEn = {
  branch: 'Branch',
  branches: { dense: 'Dense', conv2d: 'Conv 2D' },
  units: 'Width (units)',
  filters: 'Filters',
  normalization: 'Normalization',
  normalizations: { none: 'None', batchNorm: 'Batch norm' },
  normalizationHelp:
    'Batch norm after each branch layer. It keeps the branch at unit variance, so each block adds about 1 to the variance of the stream: it grows linearly with depth instead of exponentially.',
  skip: 'Skip path',
  skips: { identity: 'Identity', projection: 'Projection' },
  skipHelp:
    'Identity adds the input unchanged and needs as many units as the input has channels. Projection multiplies the input by a learned matrix (a 1×1 convolution for images) so the widths may differ.',
  projectionInitializer: 'Projection initializer',
  init: 'Block initialization',
  inits: { standard: 'Standard', fixup: 'Fixup', skipInit: 'SkipInit' },
  initHelp: {
    standard:
      'Both branch layers are drawn from the kernel initializer and added with weight 1. Without normalization the variance of the stream then grows by a constant factor at every block (about ×3 for ReLU with He initialization).',
    fixup:
      'Fixup (Zhang, Dauphin & Ma 2019): the last layer of the branch starts at zero and the first is scaled by L^(−1/2) (L = number of blocks), with scalar biases and a scalar multiplier, so every block starts as the identity and deep networks train without normalization.',
    skipInit:
      'SkipInit (De & Smith 2020): the branch is multiplied by a learnable scalar α that starts at 0, so every block starts as its skip path; this is what batch norm does implicitly in deep residual networks.',
  },
  postActivation: 'Activation after the add',
  postActivationHelp:
    'Off: y = skip(x) + α·branch(x), the stream is never passed through the activation (as in Brock et al. 2021). On: y = f(skip(x) + α·branch(x)), as in the original ResNet.',
  useBias: 'Biases in the branch',
  summary: '{branch} ×{units} · {skip} skip · {init}',
  diagram: {
    label: 'Drawing of the residual block',
    input: 'x',
    layer1: 'W₁',
    layer2: 'W₂',
    norm1: 'BN',
    norm2: 'BN',
    alpha: 'α = 0',
    fixup: 'W₂ = 0',
    identity: 'identity',
    projection: 'projection P',
    add: '+',
  },
};

export const signalPropEn = {
  title: 'Signal propagation',
  help: 'Signal-propagation plot (Brock et al. 2021): for each residual block, in depth order, the average channel squared mean, the average channel variance of the block output, and the variance of what the residual branch adds, on the probe batch. Log scale.',
  source: 'Shown',
  modes: { init: 'At init', training: 'During training' },
  series: {
    squaredMean: 'Avg. channel squared mean',
    variance: 'Avg. channel variance',
    branchVariance: 'Residual-branch variance',
  },
  depthAxis: 'Residual block (depth)',
  blockN: 'Block {n}',
  atInitNote: 'untrained network, this draft',
  stepZero: 'step 0 · untrained',
  noData: 'No signal-propagation data yet.',
  noBlocks: 'This network has no residual blocks.',
  noBlocksHint: 'Add a residual block in Build to see how the signal travels through it.',
  previewView: 'What the preview shows',
  previewViews: { layers: 'Per layer', blocks: 'Residual blocks' },
  computing: 'Computing…',
  currentOff: 'Switch on the network’s own line to see its residual blocks.',
  growth: 'Variance {total} from the first to the last of {n} blocks ({perBlock} per block).',
  zeroBranches:
    'The residual branch is exactly zero at {n} block (not drawn on a log axis). | The residual branch is exactly zero at {n} blocks (not drawn on a log axis).',
  lab: {
    source: 'Network',
    draft: 'The network being built (at init, {n} blocks)',
    run: 'Run: {name}',
    draftHint: 'The untrained network on the probe batch; it is recomputed as you edit the network in Build.',
    runHint: 'The recorded training steps of this run: move the slider to see the blocks at each one.',
    noRuns: 'Runs of networks with residual blocks appear here once they have trained.',
  },
  howToRead: 'How to read this plot',
  explain: {
    what: 'Each point is one residual block, the leftmost the first. Average channel variance is the size of the signal in the residual stream after the block. Residual-branch variance is the size of what the block adds (α·branch(x), before the add). Average channel squared mean measures how far the channel means drift from zero: when it rivals the variance, all samples look alike (a mean shift) and the network struggles to tell them apart.',
    unnormalized:
      'Without normalization and with a standard initialization, each block adds a variance proportional to the one it receives, so the variance grows exponentially with depth: a straight rising line on this log axis (about ×3 per block for a two-layer ReLU branch with He initialization, whose output alone has twice the variance of its input).',
    normalized:
      'With batch norm in the branch, each block adds about 1, so the variance grows linearly with depth: the line rises ever more slowly, and deep blocks start close to the identity because their branch is small next to the stream.',
    zeroInit:
      'With Fixup or SkipInit the branch starts at zero: the variance stays flat at the input variance, and the residual-branch variance is 0 (the readout counts those blocks). Training then lets the branches grow; a variance that stays bounded is the aim.',
    training:
      'During training, move the slider over the recorded steps (step 0 is the untrained network) to see whether the variance stays bounded or blows up with depth.',
    cite: 'Brock, De & Smith 2021, Characterizing signal propagation to close the performance gap in unnormalized ResNets; Zhang, Dauphin & Ma 2019 (Fixup); De & Smith 2020 (SkipInit).',
  },
};
