"""CPython's multiprocessing, timed the way the Java benchmark times multiprocessing4j.

Usage: python3 mp_baseline.py CONFIG

CONFIG is a JSON object with the counts: warmup, repetitions, concurrent_warmup,
concurrent_repetitions, children, pool_warmup, pool_repetitions, pool_items, message_warmup,
message_batches, pipe_batch, queue_batch, big_pool_warmup, big_pool_repetitions, big_pool_items,
large_bytes, large_warmup, large_batch, value_warmup, value_batch, shm_warmup, shm_batch.

- spawn, forkserver, fork: `p.start(); p.join()` of a Process whose target does nothing, per
  start method, after `warmup` untimed rounds (the first forkserver round also starts the server);
- spawn_concurrent: with spawn, starting `children` processes and joining them all;
- pool_map: `pool.map(f, range(pool_items))` with `f(x) = x * x` and the default chunk size, on
  a started spawn `Pool(2)`, after `pool_warmup` untimed maps, in milliseconds;
- pipe_round_trip_us: a spawn child echoes what it receives on a two-way `Pipe()`; after
  `message_warmup` round trips, each batch of `pipe_batch` round trips is one sample, in
  microseconds per round trip;
- queue_throughput: a spawn child puts ints on a `Queue()`, the parent gets them; after
  `message_warmup` messages, each batch of `queue_batch` messages is one sample, in messages per
  second received;
- child_pipe_round_trip_us: a two-way `Pipe()` between two spawn children: one echoes, the other
  times `message_warmup` round trips, then `message_batches` batches of `pipe_batch` (microseconds
  per round trip), and sends its samples to the parent on a second, one-way `Pipe`;
- pipe_large_mib_per_s: a spawn child `send_bytes` messages of `large_bytes` (1 MiB) on a one-way
  `Pipe`, the parent `recv_bytes` them; after `large_warmup` messages, each batch of
  `large_batch` messages is one sample, in MiB per second received;
- pool_map_10k: as pool_map, with `big_pool_items` items, `big_pool_warmup` warm-up maps and
  `big_pool_repetitions` measured, on its own `Pool(2)`;
- value_increment_ns: a spawn child does `with v.get_lock(): v.value += 1` on a `Value('i', 0)`,
  `value_warmup` times, then `message_batches` batches of `value_batch` (nanoseconds per
  increment), and sends its samples to the parent on a one-way `Pipe`; the parent checks the count;
- shared_memory_mib_per_s: a spawn child writes blocks of `large_bytes` (1 MiB) into a
  `shared_memory.SharedMemory`, the parent copies each one out (`bytes(buf[...])`) and checks it;
  each block is handed over with two little-endian sequence words at the start of the same memory
  (the child publishes block n, the parent acknowledges it; both spin); after `shm_warmup` blocks,
  each run of `shm_batch` blocks is one sample, in MiB per second read by the parent.

Prints one JSON object on stdout:
{"python": version, "executable": path, "figures": {name: [values...]}, "skipped": {name: why}}.
"""

import json
import multiprocessing
import platform
import struct
import sys
import time
import warnings

# how long the parent waits for a child to end once it has received everything
JOIN_TIMEOUT_S = 120


def empty():
    pass


def square(x):
    return x * x


def echo(conn):
    while True:
        message = conn.recv()
        if message is None:
            break
        conn.send(message)
    conn.close()


def measure_round_trips(conn, report, warmup, batches, batch):
    n = 0
    for _ in range(warmup):
        round_trip(conn, n)
        n += 1
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(batch):
            round_trip(conn, n)
            n += 1
        samples.append((time.perf_counter() - start) * 1e6 / batch)
    conn.send(None)
    report.send(samples)
    conn.close()
    report.close()


def send_large(conn, size, count):
    message = bytearray((i * 31) & 0xFF for i in range(size))
    for i in range(count):
        message[0] = i & 0xFF
        conn.send_bytes(message)
    conn.close()


def produce(queue, count):
    for i in range(count):
        queue.put(i)


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


def pool_map(ctx, items, warmup, repetitions):
    items = list(range(items))
    expected = [x * x for x in items]
    samples = []
    with ctx.Pool(2) as pool:
        for _ in range(warmup):
            if pool.map(square, items) != expected:
                raise RuntimeError("map returned wrong results")
        for _ in range(repetitions):
            start = time.perf_counter()
            squares = pool.map(square, items)
            samples.append((time.perf_counter() - start) * 1000.0)
            if squares != expected:
                raise RuntimeError("map returned wrong results")
        pool.close()
        pool.join()
    return samples


def round_trip(conn, message):
    # no poll(timeout) first, which would add a system call: a dead child ends recv with EOFError
    conn.send(message)
    echoed = conn.recv()
    if echoed != message:
        raise RuntimeError("sent %r, received %r" % (message, echoed))


def pipe_round_trip(ctx, config):
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=echo, args=(child_end,))
    p.start()
    child_end.close()
    samples = []
    try:
        n = 0
        for _ in range(config["message_warmup"]):
            round_trip(parent_end, n)
            n += 1
        batch = config["pipe_batch"]
        for _ in range(config["message_batches"]):
            start = time.perf_counter()
            for _ in range(batch):
                round_trip(parent_end, n)
                n += 1
            samples.append((time.perf_counter() - start) * 1e6 / batch)
        parent_end.send(None)
        p.join(JOIN_TIMEOUT_S)
        if p.exitcode != 0:
            raise RuntimeError("echo child ended with exit code %s" % p.exitcode)
    finally:
        if p.is_alive():
            p.kill()
            p.join()
        parent_end.close()
    return samples


def child_pipe_round_trip(ctx, config):
    measuring_end, echo_end = ctx.Pipe()
    report_in, report_out = ctx.Pipe(duplex=False)
    echoer = ctx.Process(target=echo, args=(echo_end,))
    measuring = ctx.Process(target=measure_round_trips,
                            args=(measuring_end, report_out, config["message_warmup"],
                                  config["message_batches"], config["pipe_batch"]))
    echoer.start()
    measuring.start()
    # the parent only opened the pipes: it closes its copies, so that a dead child means EOFError
    measuring_end.close()
    echo_end.close()
    report_out.close()
    try:
        samples = report_in.recv()
        if len(samples) != config["message_batches"]:
            raise RuntimeError("the measuring child sent %r" % (samples,))
        for p in (measuring, echoer):
            p.join(JOIN_TIMEOUT_S)
            if p.exitcode != 0:
                raise RuntimeError("child ended with exit code %s" % p.exitcode)
    finally:
        for p in (measuring, echoer):
            if p.is_alive():
                p.kill()
                p.join()
        report_in.close()
    return samples


def receive_large(conn, size, expected):
    message = conn.recv_bytes()
    if len(message) != size or message[0] != expected & 0xFF:
        raise RuntimeError("message %d: %d bytes, first %r" % (expected, len(message), message[:1]))


def pipe_large(ctx, config):
    size, batch = config["large_bytes"], config["large_batch"]
    total = config["large_warmup"] + config["message_batches"] * batch
    receiving_end, sending_end = ctx.Pipe(duplex=False)
    p = ctx.Process(target=send_large, args=(sending_end, size, total))
    p.start()
    sending_end.close()
    samples = []
    try:
        n = 0
        for _ in range(config["large_warmup"]):
            receive_large(receiving_end, size, n)
            n += 1
        for _ in range(config["message_batches"]):
            start = time.perf_counter()
            for _ in range(batch):
                receive_large(receiving_end, size, n)
                n += 1
            samples.append(batch * size / (1 << 20) / (time.perf_counter() - start))
        p.join(JOIN_TIMEOUT_S)
        if p.exitcode != 0:
            raise RuntimeError("sender ended with exit code %s" % p.exitcode)
    finally:
        if p.is_alive():
            p.kill()
            p.join()
        receiving_end.close()
    return samples


def take(queue, expected):
    # get() without a timeout, the cheapest get: should the producer die, the Java side ends this
    # script after its own time limit
    message = queue.get()
    if message != expected:
        raise RuntimeError("expected %d, got %r" % (expected, message))


def queue_throughput(ctx, config):
    batch = config["queue_batch"]
    # ten times the message warm-up, as the Java side (its producer's loop must be compiled)
    warmup = config["message_warmup"] * 10
    total = warmup + config["message_batches"] * batch
    queue = ctx.Queue()
    p = ctx.Process(target=produce, args=(queue, total))
    p.start()
    samples = []
    try:
        n = 0
        for _ in range(warmup):
            take(queue, n)
            n += 1
        for _ in range(config["message_batches"]):
            start = time.perf_counter()
            for _ in range(batch):
                take(queue, n)
                n += 1
            samples.append(batch / (time.perf_counter() - start))
        p.join(JOIN_TIMEOUT_S)
        if p.exitcode != 0:
            raise RuntimeError("producer ended with exit code %s" % p.exitcode)
    finally:
        if p.is_alive():
            p.kill()
            p.join()
        queue.close()
        queue.join_thread()
    return samples


def increment(counter, report, warmup, batches, batch):
    for _ in range(warmup):
        with counter.get_lock():
            counter.value += 1
    samples = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(batch):
            with counter.get_lock():
                counter.value += 1
        samples.append((time.perf_counter() - start) * 1e9 / batch)
    report.send(samples)
    report.close()


def value_increment(ctx, config):
    warmup, batches, batch = config["value_warmup"], config["message_batches"], config["value_batch"]
    counter = ctx.Value("i", 0)
    report_in, report_out = ctx.Pipe(duplex=False)
    p = ctx.Process(target=increment, args=(counter, report_out, warmup, batches, batch))
    p.start()
    report_out.close()
    try:
        samples = report_in.recv()
        p.join(JOIN_TIMEOUT_S)
        if p.exitcode != 0:
            raise RuntimeError("incrementing child ended with exit code %s" % p.exitcode)
        if counter.value != warmup + batches * batch:
            raise RuntimeError("the counter is %d" % counter.value)
    finally:
        if p.is_alive():
            p.kill()
            p.join()
        report_in.close()
    return samples


SHM_PAYLOAD_AT = 64


def attach_untracked(name):
    from multiprocessing import shared_memory
    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name, track=False)
    # before 3.13 attaching registers the block with the resource tracker, which a spawn child
    # shares with its parent: the parent's unlink unregisters it once, at the end
    return shared_memory.SharedMemory(name)


def write_blocks(name, size, total):
    shm = attach_untracked(name)
    buf = shm.buf
    message = bytearray((i * 31) & 0xFF for i in range(size))
    end = SHM_PAYLOAD_AT + size
    for n in range(1, total + 1):
        while struct.unpack_from("<q", buf, 8)[0] != n - 1:
            pass
        message[0] = n & 0xFF
        message[-1] = (n * 7) & 0xFF
        buf[SHM_PAYLOAD_AT:end] = message
        struct.pack_into("<q", buf, 0, n)
    del buf
    shm.close()


def read_block(buf, size, n):
    while struct.unpack_from("<q", buf, 0)[0] != n:
        pass
    message = bytes(buf[SHM_PAYLOAD_AT:SHM_PAYLOAD_AT + size])
    if message[0] != n & 0xFF or message[-1] != (n * 7) & 0xFF:
        raise RuntimeError("block %d arrived damaged" % n)
    struct.pack_into("<q", buf, 8, n)


def shared_memory_throughput(ctx, config):
    from multiprocessing import shared_memory
    size, batch = config["large_bytes"], config["shm_batch"]
    total = config["shm_warmup"] + config["message_batches"] * batch
    shm = shared_memory.SharedMemory(create=True, size=SHM_PAYLOAD_AT + size)
    buf = shm.buf
    p = ctx.Process(target=write_blocks, args=(shm.name, size, total))
    p.start()
    samples = []
    try:
        n = 0
        for _ in range(config["shm_warmup"]):
            n += 1
            read_block(buf, size, n)
        for _ in range(config["message_batches"]):
            start = time.perf_counter()
            for _ in range(batch):
                n += 1
                read_block(buf, size, n)
            samples.append(batch * size / (1 << 20) / (time.perf_counter() - start))
        p.join(JOIN_TIMEOUT_S)
        if p.exitcode != 0:
            raise RuntimeError("writer ended with exit code %s" % p.exitcode)
    finally:
        if p.is_alive():
            p.kill()
            p.join()
        del buf
        shm.close()
        shm.unlink()
    return samples


def main():
    config = json.loads(sys.argv[1])
    warmup, repetitions = config["warmup"], config["repetitions"]
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
    for _ in range(config["concurrent_warmup"]):
        many_at_once(ctx, config["children"])
    figures["spawn_concurrent"] = [many_at_once(ctx, config["children"])
                                   for _ in range(config["concurrent_repetitions"])]
    figures["pool_map"] = pool_map(ctx, config["pool_items"], config["pool_warmup"], config["pool_repetitions"])
    figures["pipe_round_trip_us"] = pipe_round_trip(ctx, config)
    figures["queue_throughput"] = queue_throughput(ctx, config)
    figures["child_pipe_round_trip_us"] = child_pipe_round_trip(ctx, config)
    figures["pipe_large_mib_per_s"] = pipe_large(ctx, config)
    figures["pool_map_10k"] = pool_map(ctx, config["big_pool_items"], config["big_pool_warmup"],
                                       config["big_pool_repetitions"])
    figures["value_increment_ns"] = value_increment(ctx, config)
    figures["shared_memory_mib_per_s"] = shared_memory_throughput(ctx, config)
    json.dump({"python": platform.python_version(), "executable": sys.executable,
               "figures": figures, "skipped": skipped}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
