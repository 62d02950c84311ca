"""Benchmarks of the numerical engine (nblib.nn, nblib.optim, nblib.training).

Prints three sets of figures:

1. time per training step (forward, backward, Adam step), float32, for the
   784-15-10 network at batch 128 and the 784-256-256-10 network at batch 256,
   against PyTorch CPU eager on the same data when torch is installed, measured
   interleaved in one process (median over many steps);
2. time to train an MLP on the 8x8 digits to at least 97% test accuracy;
3. finite-difference gradient (centred, two forward passes per parameter) against
   backpropagation on the 784-15-10 network: a subset is timed and extrapolated.

Run: .venv/bin/python benchmarks/bench_engine.py [--quick] [--threads N]
"""

import argparse
import os
import platform
import time

import numpy as np
import threadpoolctl

from nblib import data
from nblib.nn import MLP, _output_loss
from nblib.optim import Adam
from nblib.schedules import cosine
from nblib.training import fit

try:
    import torch
except ImportError:
    torch = None


def numpy_threads():
    return max((pool["num_threads"] for pool in threadpoolctl.threadpool_info()), default=1)


def median_microseconds(samples):
    return 1e6 * float(np.median(samples))


def time_steps(step, count):
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        step()
        samples.append(time.perf_counter() - start)
    return samples


def ours_step(sizes, X, y):
    """One training step as ``fit`` runs it: backprop into reused arrays, then Adam."""
    net = MLP(sizes, dtype=np.float32, seed=0)
    optimizer = Adam(lr=1e-3)
    grads = [np.empty_like(p) for p in net.params]

    def step():
        net._loss_and_grads(X, y, "cross_entropy", 0.0, 0.0, grads)
        optimizer.step(net.params, grads)
    return step


def torch_step(sizes, X, y):
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    X, y = torch.from_numpy(X), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    return step


def bench_steps(rounds, per_round):
    print(f"## Time per training step (float32; median of {rounds * per_round} steps, "
          f"interleaved in blocks of {per_round})")
    for sizes, n in (([784, 15, 10], 128), ([784, 256, 256, 10], 256)):
        rng = np.random.default_rng(0)
        X = rng.random((n, sizes[0]), dtype=np.float32)
        y = rng.integers(0, sizes[-1], n)
        contenders = {"nblib": ours_step(sizes, X, y)}
        if torch is not None:
            contenders["torch"] = torch_step(sizes, X, y)
        samples = {name: [] for name in contenders}
        for name, step in contenders.items():
            time_steps(step, per_round)  # warm up
        for _ in range(rounds):
            for name, step in contenders.items():
                samples[name] += time_steps(step, per_round)
        figures = {name: median_microseconds(s) for name, s in samples.items()}
        line = f"{'-'.join(map(str, sizes))} batch {n}: nblib {figures['nblib']:.0f} us"
        if torch is not None:
            line += (f", torch {figures['torch']:.0f} us, torch/nblib = "
                     f"{figures['torch'] / figures['nblib']:.2f}")
        print(line)


def bench_digits(seeds):
    print("\n## Training an MLP on the 8x8 digits (64-128-10, ReLU, float32; Adam, lr 5e-3 with cosine "
          "decay, 30 epochs, batch 64)")
    start = time.perf_counter()
    X, y = data.digits(dtype=np.float32)
    X_train, X_val, X_test, y_train, y_val, y_test = data.train_val_test_split(X, y, seed=0)
    print(f"loading and splitting: {time.perf_counter() - start:.2f} s "
          f"({len(X_train)} train, {len(X_val)} validation, {len(X_test)} test)")
    for seed in seeds:
        start = time.perf_counter()
        net = MLP([64, 128, 10], seed=seed, dtype=np.float32)
        fit(net, X_train, y_train, Adam(lr=5e-3), epochs=30, batch_size=64, X_val=X_val, y_val=y_val,
            schedule=cosine(5e-3, 30), seed=seed, progress=False)
        seconds = time.perf_counter() - start
        print(f"seed {seed}: test accuracy {net.accuracy(X_test, y_test):.4f} in {seconds:.2f} s")


def bench_finite_differences(subset):
    print(f"\n## Finite differences against backpropagation, 784-15-10, batch 100, float64 "
          f"({subset} parameters timed)")
    rng = np.random.default_rng(0)
    X, y = rng.random((100, 784)), rng.integers(0, 10, 100)
    net = MLP([784, 15, 10], seed=0)
    grads = [np.empty_like(p) for p in net.params]

    def J():
        out = net._forward(X, False, None)[0][-1]
        return _output_loss(out, y, "cross_entropy", np.empty_like(out))

    backprop = median_microseconds(time_steps(lambda: net._loss_and_grads(X, y, "cross_entropy", 0, 0, grads),
                                              200)) / 1e6
    flat = [(k, i) for k, p in enumerate(net.params) for i in np.ndindex(p.shape)]
    chosen = [flat[j] for j in rng.choice(len(flat), subset, replace=False)]
    h, numeric = 1e-5, []
    start = time.perf_counter()
    for k, i in chosen:
        p = net.params[k]
        old = p[i]
        p[i] = old + h
        up = J()
        p[i] = old - h
        down = J()
        p[i] = old
        numeric.append((up - down) / (2 * h))
    per_param = (time.perf_counter() - start) / subset
    analytic = np.array([grads[k][i] for k, i in chosen])
    error = np.max(np.abs(np.array(numeric) - analytic)) / np.max(np.abs(analytic))
    total = per_param * len(flat)
    print(f"backprop: {backprop * 1e3:.2f} ms for all {len(flat)} gradients")
    print(f"finite differences: {per_param * 1e6:.0f} us per parameter (2 forward passes) -> "
          f"{total:.1f} s for all {len(flat)} (extrapolated)")
    print(f"ratio: finite differences take {total / backprop:,.0f} times as long; "
          f"largest difference {error:.1e} of the largest gradient")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--threads", type=int, help="limit numpy's (and torch's) threads to this many")
    args = parser.parse_args()
    if args.threads:
        threadpoolctl.threadpool_limits(args.threads)
    threads = numpy_threads()
    print(f"# Engine benchmarks ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    print(f"numpy {np.__version__} threads (OpenBLAS): {threads}; "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    if torch is not None:
        torch.set_num_threads(threads)
        print(f"torch {torch.__version__} threads: {torch.get_num_threads()}")
    else:
        print("torch not installed: no comparison")
    print()
    bench_steps(rounds=10 if args.quick else 40, per_round=50)
    bench_digits(seeds=[0] if args.quick else range(5))
    bench_finite_differences(subset=200 if args.quick else 1000)


if __name__ == "__main__":
    main()
