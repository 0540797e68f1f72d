"""CPU-s of the seed-article training (784-256-128-10 relu, SGD 0.05, batch 64, 3 epochs of 6,400 random samples)
in PyTorch, 1 thread, after one warm-up; bench/pair-cpu.ts is the InitScope side. /usr/bin/python3 bench/torch_pair_cpu.py"""
import os
for v in ("OMP_NUM_THREADS","OPENBLAS_NUM_THREADS","MKL_NUM_THREADS"): os.environ[v]="1"
import resource, time, torch
torch.set_num_threads(1)
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF); return r.ru_utime + r.ru_stime
def net():
    return torch.nn.Sequential(torch.nn.Linear(784,256), torch.nn.ReLU(), torch.nn.Linear(256,128), torch.nn.ReLU(), torch.nn.Linear(128,10))
x = torch.rand(6400,784); y = torch.randint(0,10,(6400,)); xv = torch.rand(1600,784); yv = torch.randint(0,10,(1600,))
def run(epochs=3):
    m = net(); opt = torch.optim.SGD(m.parameters(), lr=0.05); lf = torch.nn.CrossEntropyLoss()
    for e in range(epochs):
        perm = torch.randperm(6400)
        for i in range(0, 6400, 64):
            idx = perm[i:i+64]; opt.zero_grad(); l = lf(m(x[idx]), y[idx]); l.backward(); opt.step(); l.item()
        with torch.no_grad(): m(xv).argmax(1).eq(yv).float().mean().item()
run(1)
for _ in range(3):
    c0, t0 = cpu(), time.time(); run(); print(f"cpu {cpu()-c0:.3f} wall {time.time()-t0:.3f}", flush=True)
