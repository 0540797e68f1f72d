"""One-thread PyTorch matmul on the MLP step's products, for bench/gemm-ceiling.ts.

Prints one JSON line: {"shapes": [[m, k, n, median CPU seconds per call], ...]} for the shapes given as
JSON on argv[1]. CPU time (time.process_time), 15 blocks of 20 calls after 20 warm-up calls.
"""
import json
import os
import sys
import time

for _var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import torch  # noqa: E402  (after the thread settings above)

torch.set_num_threads(1)
out = []
for m, k, n in json.loads(sys.argv[1]):
    a, b = torch.randn(m, k), torch.randn(k, n)
    for _ in range(20):
        torch.mm(a, b)
    times = []
    for _ in range(15):
        t0 = time.process_time()
        for _ in range(20):
            torch.mm(a, b)
        times.append((time.process_time() - t0) / 20)
    times.sort()
    out.append([m, k, n, times[len(times) // 2]])
print(json.dumps({'shapes': out}), flush=True)
