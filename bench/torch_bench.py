"""PyTorch reference for `npm run bench`: one thread, same shapes as the tfjs measurements.

Reads one JSON request per line on stdin ({"model": "mlp"|"conv", "seconds": s}) and answers one
JSON line {"samplesPerSec": x, "steps": n}. Data are random (throughput does not depend on them).
"""
import json
import os
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
BATCH = 128


def make(model):
    if model == 'mlp':
        net = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 10))
        x = torch.randn(BATCH * 8, 784)
    else:
        net = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(13 * 13 * 32, 10))
        x = torch.randn(BATCH * 8, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH * 8,))
    return net, torch.optim.Adam(net.parameters(), lr=1e-3), x, y


def step(net, opt, x, y, i):
    s = (i % 8) * BATCH
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(net(x[s:s + BATCH]), y[s:s + BATCH])
    loss.backward()
    opt.step()
    return loss.item()


def measure(model, seconds):
    net, opt, x, y = make(model)
    for i in range(3):
        step(net, opt, x, y, i)
    n = 0
    t0 = time.perf_counter()
    while n < 2 or time.perf_counter() - t0 < seconds:
        step(net, opt, x, y, n)
        n += 1
    return {'samplesPerSec': n * BATCH / (time.perf_counter() - t0), 'steps': n}


print(json.dumps({'ready': True, 'torch': torch.__version__, 'blas': os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')}), flush=True)
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    print(json.dumps(measure(req['model'], float(req['seconds']))), flush=True)
