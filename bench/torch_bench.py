"""PyTorch reference for `npm run bench`: one thread, same shapes as the tfjs measurements.

Reads one JSON request per line on stdin and answers one JSON line:
- {"model": "mlp"|"conv", "seconds": s, "data": path?} -> {"samplesPerSec": x, "steps": n}: a step loop on 8 fixed
   batches (random; with "data", the MLP's 8 batches read from that raw float32 file: 8*128 rows of 784
   pixels, then 8*128 labels as floats — the digits the wasm side trains on);
- {"task": "epochs", "train": n, "val": v, "epochs": e, "batch": b, "optimizer": "adam"|"sgd", "lr": r,
   "activation": a, "init": i, "seed": s} -> {"seconds": t}: a plain epoch loop over the 784-256-128-10
   MLP (a fresh shuffle per epoch, one validation pass per epoch under no_grad), as a user would write it;
- {"task": "sweep", "runs": [epoch-loop requests]} -> {"seconds": t}: those trainings one after another.
Data are random (throughput does not depend on them). `--once JSON` runs one request
and prints its answer (two such processes side by side measure the machine's two-process ceiling).
"""
import json
import os
import sys
import time

# One thread for real: torch.set_num_threads(1) does not reach Debian's OpenBLAS (openblas-pthread),
# which otherwise runs its GEMMs on a second thread of its own (measured on the MLP step: 2 threads in
# the process and ~1.6x the CPU time per step of the single-thread run). Set before torch loads BLAS.
for _var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import torch  # noqa: E402  (after the thread settings above)

torch.set_num_threads(1)
torch.manual_seed(0)
BATCH = 128


def make(model, data=None):
    if model == 'mlp':
        net = torch.nn.Sequential(
            torch.nn.Linear(784, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 128), torch.nn.ReLU(),
            torch.nn.Linear(128, 10))
        x = torch.randn(BATCH * 8, 784)
        if data:
            raw = torch.from_file(data, shared=False, size=BATCH * 8 * 785, dtype=torch.float32)
            x = raw[:BATCH * 8 * 784].reshape(BATCH * 8, 784).clone()
            return net, torch.optim.Adam(net.parameters(), lr=1e-3), x, raw[BATCH * 8 * 784:].long()
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


def measure(model, seconds, data=None):
    # Warm up on a throwaway network first: in a fresh process the first network PyTorch trains runs at
    # about a third of its steady speed for its whole first ~2 s (measured: 13-15k vs 45-48k samples/s
    # for the MLP; the next network is at full speed at once), which warm-up steps on the measured
    # network itself did not remove. The step loop measures the steady state, as for the wasm side.
    w0 = time.perf_counter()
    warm = make(model)
    i = 0
    while i < 20 or time.perf_counter() - w0 < 1.0:
        step(*warm, i)
        i += 1
    del warm
    net, opt, x, y = make(model, data)
    for i in range(3):
        step(net, opt, x, y, i)
    n = 0
    t0 = time.perf_counter()
    while n < 2 or time.perf_counter() - t0 < seconds:
        step(net, opt, x, y, n)
        n += 1
    return {'samplesPerSec': n * BATCH / (time.perf_counter() - t0), 'steps': n}


ACTIVATIONS = {
    'relu': torch.nn.ReLU, 'sigmoid': torch.nn.Sigmoid, 'tanh': torch.nn.Tanh,
    'leakyRelu': lambda: torch.nn.LeakyReLU(0.01), 'elu': torch.nn.ELU,
}


def init_(layer, name, std):
    if name == 'normal':
        torch.nn.init.normal_(layer.weight, 0.0, std)
    elif name == 'glorotNormal':
        torch.nn.init.xavier_normal_(layer.weight)
    elif name == 'heNormal':
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity='relu')
    torch.nn.init.zeros_(layer.bias)


def epoch_loop(req):
    """Trains the MLP as in the module docstring; returns the wall seconds of model creation + training."""
    t0 = time.perf_counter()
    torch.manual_seed(int(req.get('seed', 1)))
    n, v, b = int(req['train']), int(req['val']), int(req['batch'])
    x = torch.rand(n + v, 784)
    y = torch.randint(0, 10, (n + v,))
    xt, yt, xv, yv = x[:n], y[:n], x[n:], y[n:]
    act = ACTIVATIONS[req.get('activation', 'relu')]
    layers = [torch.nn.Linear(784, 256), act(), torch.nn.Linear(256, 128), act(), torch.nn.Linear(128, 10)]
    for layer in layers:
        if isinstance(layer, torch.nn.Linear):
            init_(layer, req.get('init', 'glorotNormal'), float(req.get('std', 0.02)))
    net = torch.nn.Sequential(*layers)
    lr = float(req['lr'])
    opt = torch.optim.Adam(net.parameters(), lr=lr) if req['optimizer'] == 'adam' else torch.optim.SGD(net.parameters(), lr=lr)
    for _ in range(int(req['epochs'])):
        net.train()
        perm = torch.randperm(n)
        for s in range(0, n, b):
            idx = perm[s:s + b]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            loss.item()
        net.eval()
        with torch.no_grad():
            out = net(xv)
            torch.nn.functional.cross_entropy(out, yv).item()
            (out.argmax(1) == yv).float().mean().item()
    return {'seconds': time.perf_counter() - t0}


def answer(req):
    if req.get('task') == 'epochs':
        return epoch_loop(req)
    if req.get('task') == 'sweep':
        t0 = time.perf_counter()
        for run in req['runs']:
            epoch_loop(run)
        return {'seconds': time.perf_counter() - t0}
    return measure(req['model'], float(req['seconds']), req.get('data'))


if len(sys.argv) > 2 and sys.argv[1] == '--once':
    print(json.dumps(answer(json.loads(sys.argv[2]))), flush=True)
    sys.exit(0)

print(json.dumps({'ready': True, 'torch': torch.__version__, 'blas': os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')}), flush=True)
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    print(json.dumps(answer(req)), flush=True)
