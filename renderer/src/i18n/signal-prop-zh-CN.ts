import type { residualEn, signalPropEn } from './signal-prop-en.js';

/** 构建器中残差块（`residual`）与信号传播图（`signalProp`）的简体中文文本。 */
export const residualZhCN: typeof residualEn = {
  branch: '分支',
  branches: { dense: '全连接', conv2d: '二维卷积' },
  units: '宽度（单元数）',
  filters: '卷积核数',
  normalization: '归一化',
  normalizations: { none: '无', batchNorm: '批归一化' },
  normalizationHelp: '在每个分支层之后做批归一化。它让分支保持单位方差，因此每个块只给主干方差增加约 1：方差随深度线性增长，而不是指数增长。',
  skip: '跳跃连接',
  skips: { identity: '恒等', projection: '投影' },
  skipHelp: '恒等连接原样加上输入，要求单元数等于输入的通道数。投影连接先把输入乘以一个可学习矩阵（图像上是 1×1 卷积），因此宽度可以不同。',
  projectionInitializer: '投影初始化',
  init: '块初始化',
  inits: { standard: '标准', fixup: 'Fixup', skipInit: 'SkipInit' },
  initHelp: {
    standard: '两个分支层都按权重初始化器抽取，并以权重 1 相加。没有归一化时，主干的方差在每个块按固定倍数增长（ReLU 加 He 初始化约为 ×3）。',
    fixup:
      'Fixup（Zhang、Dauphin 与 Ma，2019）：分支最后一层从零开始，第一层按 L^(−1/2) 缩放（L 为块数），并带有标量偏置和一个标量乘子，因此每个块一开始都是恒等映射，深层网络无需归一化也能训练。',
    skipInit:
      'SkipInit（De 与 Smith，2020）：分支乘以一个初值为 0 的可学习标量 α，因此每个块一开始只是它的跳跃连接；深层残差网络中的批归一化隐含地做的正是这件事。',
  },
  postActivation: '相加后再激活',
  postActivationHelp: '关闭：y = skip(x) + α·branch(x)，主干从不经过激活函数（同 Brock 等，2021）。开启：y = f(skip(x) + α·branch(x))，同原始 ResNet。',
  useBias: '分支使用偏置',
  summary: '{branch} ×{units} · {skip}跳跃 · {init}',
  diagram: {
    label: '残差块示意图',
    input: 'x',
    layer1: 'W₁',
    layer2: 'W₂',
    norm1: 'BN',
    norm2: 'BN',
    alpha: 'α = 0',
    fixup: 'W₂ = 0',
    identity: '恒等',
    projection: '投影 P',
    add: '+',
  },
};

export const signalPropZhCN: typeof signalPropEn = {
  title: '信号传播',
  help: '信号传播图（Brock 等，2021）：按深度顺序，对每个残差块给出探针批次上块输出的平均通道均值平方、平均通道方差，以及残差分支所加部分的方差。对数坐标。',
  source: '显示',
  modes: { init: '初始化时', training: '训练过程中' },
  series: {
    squaredMean: '平均通道均值平方',
    variance: '平均通道方差',
    branchVariance: '残差分支方差',
  },
  depthAxis: '残差块（深度）',
  blockN: '第 {n} 块',
  atInitNote: '未训练的网络，当前草稿',
  stepZero: '第 0 步 · 未训练',
  noData: '还没有信号传播数据。',
  noBlocks: '该网络没有残差块。',
  noBlocksHint: '在“构建”中加入残差块，即可查看信号如何在其中传播。',
  previewView: '预览显示的内容',
  previewViews: { layers: '逐层', blocks: '残差块' },
  computing: '正在计算…',
  currentOff: '打开网络自身的曲线，即可查看其残差块。',
  growth: '方差从第一个块到最后一个块（共 {n} 个）变化 {total}（每块 {perBlock}）。',
  zeroBranches: '有 {n} 个块的残差分支恰好为零（对数坐标上不绘制）。 | 有 {n} 个块的残差分支恰好为零（对数坐标上不绘制）。',
  lab: {
    source: '网络',
    draft: '正在构建的网络（初始化时，{n} 个块）',
    run: '运行：{name}',
    draftHint: '未训练的网络在探针批次上的结果；在“构建”中编辑网络时会重新计算。',
    runHint: '这次运行记录的训练步：拖动滑块查看各步时的块。',
    noRuns: '含残差块的网络训练后，其运行会出现在这里。',
  },
  howToRead: '如何阅读此图',
  explain: {
    what: '每个点是一个残差块，最左边是第一个。平均通道方差是块之后主干中信号的大小。残差分支方差是该块所加部分（相加前的 α·branch(x)）的大小。平均通道均值平方衡量各通道均值偏离零的程度：当它与方差相当时，所有样本看起来都差不多（均值漂移），网络难以区分它们。',
    unnormalized:
      '没有归一化且使用标准初始化时，每个块增加的方差与其输入方差成正比，因此方差随深度指数增长：在对数坐标上是一条上升的直线（两层 ReLU 分支加 He 初始化约为每块 ×3，因为分支输出本身的方差就是其输入的两倍）。',
    normalized: '分支中有批归一化时，每个块大约增加 1，因此方差随深度线性增长：曲线上升越来越慢；深层块的分支相对主干很小，一开始接近恒等映射。',
    zeroInit:
      '使用 Fixup 或 SkipInit 时分支从零开始：方差保持在输入方差处不变，残差分支方差为 0（读数会统计这些块）。训练会让分支逐渐变大；目标是方差保持有界。',
    training: '训练过程中，拖动滑块浏览记录的各步（第 0 步为未训练的网络），观察方差是保持有界还是随深度爆炸。',
    cite: 'Brock、De 与 Smith，2021，Characterizing signal propagation to close the performance gap in unnormalized ResNets；Zhang、Dauphin 与 Ma，2019（Fixup）；De 与 Smith，2020（SkipInit）。',
  },
};
