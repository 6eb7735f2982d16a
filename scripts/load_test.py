"""Load test of the running web app through Gradio's queue API, on this machine only.

    python scripts/load_test.py                      # starts `vankien serve` on corpus/ itself
    python scripts/load_test.py --url http://127.0.0.1:7860/ --user bt   # a server already running
                                                     # (password from VANKIEN_PASSWORD)

Each simulated user is one browser tab (its own Gradio session, opened untimed by the page's load
event) that runs its requests one after another with no pause (a closed loop): POST
/gradio_api/queue/join, then the session's event stream until the result. Levels:
1, 10 and 50 concurrent users for search ("Tra cứu") and 10 for ask ("Hỏi đáp"); each user sends a
bounded number of requests and each level stops after --max-seconds, so the run always ends. It
prints p50/p95/max latency, requests per second and errors per level; with --start (the default
when no --url) also the latency of the first ask after the server answers, with the server's
warm-up still running in the background.

Only loopback addresses (127.0.0.0/8, ::1, localhost) are accepted as targets.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

SEARCHES = [
    "nâng cao chất lượng sinh hoạt chi bộ", "phát triển đảng viên mới", "kiểm tra, giám sát",
    "chuyen doi so", "học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "45-CT/TW", "công tác cán bộ", "sinh hoạt chuyên đề", "tổng kết năm", "đảng viên trẻ",
    "quy định về kỷ luật", "kế hoạch tuyên truyền", "nghị quyết đại hội", "bản tin sinh hoạt chi bộ",
    "thời gian sinh hoạt chi bộ", "đánh giá xếp loại đảng viên", "phòng chống tham nhũng",
    "xây dựng đảng ở cơ sở", "chi bộ thôn", "cấp ủy", "ban chấp hành", "thu đảng phí",
]
QUESTIONS = [
    "Chi bộ sinh hoạt vào ngày nào hằng tháng?", "Ai chủ trì việc thực hiện kế hoạch?",
    "Khi nào hoàn thành báo cáo tổng kết?", "Đảng viên phải làm gì khi sinh hoạt chi bộ?",
    "Nội dung sinh hoạt chuyên đề là gì?",
]


def loopback_url(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    ok = host == "localhost"
    try:
        ok = ok or ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not ok:
        raise SystemExit(f"Chỉ thử tải trên máy này (127.0.0.1, ::1, localhost), không phải «{host}».")
    return url if url.endswith("/") else url + "/"


@dataclass
class Level:
    name: str
    users: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu: dict = field(default_factory=dict)  # CPU seconds of the server and of this script (cpu_meter)

    def row(self) -> str:
        lat = sorted(self.latencies)

        def pct(p: float) -> str:
            return f"{lat[min(len(lat) - 1, int(p * len(lat)))] * 1000:.0f}" if lat else "-"

        rate = len(lat) / self.seconds if self.seconds else 0.0
        return (f"| {self.name} | {self.users} | {len(lat)} | {pct(0.5)} | {pct(0.95)} | "
                f"{(lat[-1] * 1000 if lat else 0):.0f} | {rate:.1f} | {len(self.errors)} | "
                f"{self._per_request('server', len(lat))} | {self._per_request('client', len(lat))} |")

    def _per_request(self, who: str, requests: int) -> str:
        seconds = self.cpu.get(who)
        return f"{seconds * 1000 / requests:.1f}" if seconds is not None and requests else "-"


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process from /proc (Linux); None where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


@contextlib.contextmanager
def cpu_meter(server: subprocess.Popen | None):
    """CPU seconds the server (when this script started it) and this script spent inside the block:
    both run on the same cores, so the load generator's share is shown beside the server's."""
    spent: dict = {}
    server_start = process_cpu_seconds(server.pid) if server is not None else None
    client_start = time.process_time()
    yield spent
    spent["client"] = time.process_time() - client_start
    server_end = process_cpu_seconds(server.pid) if server is not None else None
    if server_start is not None and server_end is not None:
        spent["server"] = server_end - server_start


async def login(client: httpx.AsyncClient, base: str, user: str | None, password: str | None) -> None:
    if not user:
        return
    resp = await client.post(base + "login", data={"username": user, "password": password or ""})
    if resp.status_code != 200:
        raise SystemExit(f"Đăng nhập «{user}» không được: {resp.status_code} {resp.text[:200]}")


class Session:
    """One browser tab: its own session hash, calling a function by index the way the page does:
    a queued event joins the queue (POST /gradio_api/queue/join, then the session's event stream
    /gradio_api/queue/data); an event declared queue=False (the search) is one POST to
    /gradio_api/run/predict."""

    def __init__(self, client: httpx.AsyncClient, base: str, fns: dict[str, tuple[int, bool]]):
        self.client, self.base, self.fns = client, base, fns
        self.hash = secrets.token_hex(8)

    async def call(self, endpoint: str, data: list) -> list:
        fn_index, queued = self.fns[endpoint]
        body = {"data": data, "fn_index": fn_index, "session_hash": self.hash,
                "trigger_id": None, "event_data": None}
        if not queued:
            resp = await self.client.post(f"{self.base}gradio_api/run/predict", json=body)
            if resp.status_code != 200:
                raise RuntimeError(f"lỗi từ máy chủ: {resp.status_code} {resp.text[:200]}")
            return resp.json()["data"]
        resp = await self.client.post(f"{self.base}gradio_api/queue/join", json=body)
        resp.raise_for_status()
        event_id = resp.json()["event_id"]
        url = f"{self.base}gradio_api/queue/data?session_hash={self.hash}"
        async with self.client.stream("GET", url) as stream:
            async for line in stream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed" and msg.get("event_id") == event_id:
                    if not msg.get("success"):
                        raise RuntimeError(f"lỗi từ máy chủ: {str(msg.get('output'))[:200]}")
                    return msg["output"]["data"]
                if msg.get("msg") == "unexpected_error":
                    raise RuntimeError(f"lỗi từ máy chủ: {msg.get('message')}")
        raise RuntimeError("luồng sự kiện kết thúc không có kết quả")


async def endpoints(client: httpx.AsyncClient, base: str) -> dict[str, tuple[int, bool]]:
    """api_name -> (function index, whether it goes through the queue), from the page's config."""
    resp = await client.get(base + "config")
    resp.raise_for_status()
    config = resp.json()
    queued_default = config.get("enable_queue", True)
    return {d["api_name"]: (d["id"], queued_default if d.get("queue") is None else bool(d["queue"]))
            for d in config["dependencies"] if d.get("api_name")}


def search_data(i: int) -> list:
    return [SEARCHES[i % len(SEARCHES)], [], "", "", "", ""]  # query, types, issuer, from, to, topic


def ask_data(i: int) -> list:
    return [QUESTIONS[i % len(QUESTIONS)]]


async def run_level(base: str, level: Level, endpoint: str, make_data, per_user: int,
                    max_seconds: float, auth: tuple[str | None, str | None]) -> Level:
    # idle connections dropped before the server's keep-alive timeout (uvicorn: 5 s) closes them under us
    limits = httpx.Limits(max_connections=level.users * 2 + 4, max_keepalive_connections=level.users * 2 + 4,
                          keepalive_expiry=3.0)
    timeout = httpx.Timeout(120.0)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        await login(client, base, *auth)
        fns = await endpoints(client, base)

        # Each user first opens the page, untimed: its load events make the session (Gradio builds a
        # per-session copy of the page's config, ~60 ms of CPU), as a browser tab does on opening.
        tabs = [Session(client, base, fns) for _ in range(level.users)]
        await asyncio.gather(*(tab.call("refresh_filters", []) for tab in tabs))

        async def user(u: int) -> None:
            tab = tabs[u]
            for r in range(per_user):
                if time.perf_counter() > deadline:
                    return
                t = time.perf_counter()
                try:
                    await tab.call(endpoint, make_data(u * 7 + r))
                    level.latencies.append(time.perf_counter() - t)
                except Exception as exc:  # counted and shown, the level goes on
                    level.errors.append(f"{type(exc).__name__}: {exc}")

        start = time.perf_counter()
        deadline = start + max_seconds
        await asyncio.gather(*(user(u) for u in range(level.users)))
        level.seconds = time.perf_counter() - start
    return level


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: Path, corpus: Path, port: int, log_path: Path) -> tuple[subprocess.Popen, float]:
    """`vankien serve` in a fresh process; returns it once the page answers, with the seconds taken."""
    env = {**os.environ, "VANKIEN_USER": "", "VANKIEN_PASSWORD": ""}
    log = open(log_path, "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "vankien.cli.main", "serve", "--index", str(index),
                             "--ingest", str(corpus), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    t0 = time.perf_counter()
    deadline = t0 + 600
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"vankien serve dừng với mã {proc.returncode}; xem {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as resp:
                if resp.status == 200:
                    return proc, time.perf_counter() - t0
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("vankien serve không trả lời sau 600 giây")


async def first_ask(base: str, auth) -> float:
    async with httpx.AsyncClient(timeout=120.0) as client:
        await login(client, base, *auth)
        tab = Session(client, base, await endpoints(client, base))
        t = time.perf_counter()
        await tab.call("on_ask", ask_data(0))
        return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", help="địa chỉ máy chủ đang chạy (chỉ 127.0.0.1/::1/localhost)")
    p.add_argument("--index", type=Path, help="thư mục chỉ mục khi tự mở máy chủ (mặc định: thư mục tạm)")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus", help="thư mục văn bản nạp khi chỉ mục trống")
    p.add_argument("--levels", default="1,10,50", help="số người tìm cùng lúc, cách nhau bằng dấu phẩy")
    p.add_argument("--ask-users", type=int, default=10, help="số người hỏi cùng lúc (0: bỏ qua)")
    p.add_argument("--per-user", type=int, default=20, help="số yêu cầu tìm của mỗi người")
    p.add_argument("--ask-per-user", type=int, default=3, help="số câu hỏi của mỗi người")
    p.add_argument("--max-seconds", type=float, default=60.0, help="giới hạn thời gian mỗi mức")
    p.add_argument("--user", default=os.environ.get("VANKIEN_USER") or None,
                   help="tên đăng nhập (mật khẩu từ VANKIEN_PASSWORD)")
    args = p.parse_args(argv)
    auth = (args.user, os.environ.get("VANKIEN_PASSWORD"))

    proc = None
    rows = []
    try:
        if args.url:
            base = loopback_url(args.url)
        else:
            tmp = Path(tempfile.mkdtemp(prefix="vankien-load-"))
            port = free_port()
            base = f"http://127.0.0.1:{port}/"
            proc, up = start_server(args.index or tmp / "index", args.corpus, port, tmp / "serve.log")
            auth = (None, None)
            first = asyncio.run(first_ask(base, auth))
            print(f"Máy chủ trả lời sau {up:.1f} s; câu hỏi đầu tiên sau khi mở: {first:.2f} s", flush=True)
            rows.append(f"first ask after start: {first:.2f} s (server answered {up:.1f} s after launch)")
        levels = [int(x) for x in args.levels.split(",") if x.strip()]
        # one untimed pass so every level sees the same warm caches
        asyncio.run(run_level(base, Level("warm", 1), "run_search", search_data, len(SEARCHES), 60, auth))
        results = []
        for users in levels:
            with cpu_meter(proc) as cpu:
                results.append(asyncio.run(run_level(base, Level("search", users), "run_search", search_data,
                                                     args.per_user, args.max_seconds, auth)))
            results[-1].cpu = cpu
            print(results[-1].row(), flush=True)
        if args.ask_users:
            with cpu_meter(proc) as cpu:
                results.append(asyncio.run(run_level(base, Level("ask", args.ask_users), "on_ask", ask_data,
                                                     args.ask_per_user, args.max_seconds, auth)))
            results[-1].cpu = cpu
            print(results[-1].row(), flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    print()
    print("| kind | users | requests | p50 ms | p95 ms | max ms | req/s | errors | CPU ms/req server | CPU ms/req this script |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for level in results:
        print(level.row())
    for row in rows:
        print(row)
    errors = [e for level in results for e in level.errors]
    for e in sorted(set(errors))[:5]:
        print(f"  lỗi: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
