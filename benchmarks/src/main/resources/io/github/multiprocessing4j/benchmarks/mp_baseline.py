"""CPython's multiprocessing, timed the way the Java benchmark times ChildProcess.

Usage: python3 mp_baseline.py WARMUP REPETITIONS CONCURRENT_WARMUP CONCURRENT_REPETITIONS CHILDREN

For each start method (spawn, forkserver, fork), times `p.start(); p.join()` of a Process whose
target does nothing, after WARMUP untimed rounds (the first forkserver round also starts the
server); then, with spawn, starting CHILDREN processes and joining them all. Prints one JSON
object on stdout: {"python": version, "figures": {name: [milliseconds...]}, "skipped": {name: why}}.
"""

import json
import multiprocessing
import platform
import sys
import time
import warnings


def empty():
    pass


def start_join(ctx):
    p = ctx.Process(target=empty)
    start = time.perf_counter()
    p.start()
    p.join()
    elapsed = (time.perf_counter() - start) * 1000.0
    if p.exitcode != 0:
        raise RuntimeError("child ended with exit code %s" % p.exitcode)
    p.close()
    return elapsed


def many_at_once(ctx, n):
    processes = [ctx.Process(target=empty) for _ in range(n)]
    start = time.perf_counter()
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    elapsed = (time.perf_counter() - start) * 1000.0
    for p in processes:
        if p.exitcode != 0:
            raise RuntimeError("child ended with exit code %s" % p.exitcode)
        p.close()
    return elapsed


def main():
    warmup, repetitions, concurrent_warmup, concurrent_repetitions, children = map(int, sys.argv[1:6])
    warnings.simplefilter("ignore", DeprecationWarning)  # fork in a process with threads (3.12+)
    figures = {}
    skipped = {}
    available = multiprocessing.get_all_start_methods()
    for method in ("spawn", "forkserver", "fork"):
        if method not in available:
            skipped[method] = "start method %s is not available on this platform" % method
            continue
        ctx = multiprocessing.get_context(method)
        for _ in range(warmup):
            start_join(ctx)
        figures[method] = [start_join(ctx) for _ in range(repetitions)]
    ctx = multiprocessing.get_context("spawn")
    for _ in range(concurrent_warmup):
        many_at_once(ctx, children)
    figures["spawn_concurrent"] = [many_at_once(ctx, children) for _ in range(concurrent_repetitions)]
    json.dump({"python": platform.python_version(), "executable": sys.executable,
               "figures": figures, "skipped": skipped}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
