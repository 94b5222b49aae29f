"""Intake load benchmark (issue 5, "Speed"): `POST /api/v1/content` against `xinan serve`.

    python scripts/bench_intake.py [--clients 1,8,32] [--seconds 10] [--workers 2]
                                   [--peer] [--keep-alive]

Runs on the database DATABASE_URL names (a throwaway database `xinan_bench_<pid>` is created
on that PostgreSQL server and dropped afterwards), or on a temporary SQLite file when unset.
It migrates, creates a customer with a site, a post_review channel and an API key, starts
`xinan serve` (gunicorn) on a free loopback port, and drives it from this process with an
asyncio client: N connections, each sending one request after another, every request a new
item with a 200-character text (5% of them carry a lexicon hit). The client shares the
machine's cores with the server, as a real one would on a one-box install.

Prints, per concurrency: sustained requests/s, p50/p90/p99 latency in ms, the CPU each
request cost the client and the server, and errors. ``--peer`` measures the bare Django +
ninja endpoint of bench_intake_peer.py the same way and prints xinan / peer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_audit import _drop_database, _prepare_database  # shared set-up

TEXT_CHARS = 200
# Everyday characters, so the guard sees ordinary comments, with the odd planted hit.
COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质"
)
HITS = ["网上赌博加我微信", "出售枪支弹药", "代开发票联系我"]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    client_cpu: float = 0.0  # seconds, this process
    server_cpu: float = 0.0  # seconds, the server and its workers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _seed() -> tuple[int, str]:
    """A customer, its site with a post_review channel, and an API key; returns site id, key."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinan.config.settings")
    django.setup()
    from django.core.management import call_command

    from xinan.apikeys import services as apikeys
    from xinan.moderation import services as moderation
    from xinan.tenants import services as tenants

    call_command("migrate", verbosity=0)
    tenant = tenants.create_tenant(name="压测客户", slug="bench", actor=None)
    site = moderation.create_site(
        tenant=tenant,
        name="压测站点",
        domains=["bench.example"],
        icp_number="京ICP备12345678号-1",
        actor=None,
    )
    moderation.create_channel(
        site=site,
        key="comments",
        kind="comment",
        is_public=True,
        review_mode="post_review",
        actor=None,
    )
    _key, plaintext = apikeys.issue_key(
        tenant=tenant, name="压测", scopes=["content:write"], actor=None
    )
    from django.db import connections

    connections.close_all()
    return site.pk, plaintext


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311  # a fixed workload, not a secret
    texts = []
    for i in range(count):
        text = "".join(rng.choices(COMMON, k=TEXT_CHARS))
        if i % 20 == 0:
            hit = rng.choice(HITS)
            at = rng.randrange(TEXT_CHARS - len(hit))
            text = text[:at] + hit + text[at + len(hit) :]
        texts.append(text)
    return texts


class _Connection:
    """One client's HTTP/1.1 connection: a new one per request, or kept alive and reopened
    whenever the server closes it. Plain non-blocking sockets on the event loop, not asyncio
    streams: the client shares the machine's two cores with the server, so every
    microsecond it spends is one the server does not get (its CPU is reported)."""

    def __init__(self, port: int, keep_alive: bool) -> None:
        self.port, self.keep_alive = port, keep_alive
        self.sock: socket.socket | None = None

    async def request(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        loop = asyncio.get_running_loop()
        if self.sock is None:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setblocking(False)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await loop.sock_connect(self.sock, ("127.0.0.1", self.port))
        closing = not self.keep_alive
        try:
            await loop.sock_sendall(self.sock, head + body)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = await loop.sock_recv(self.sock, 65536)
                if not chunk:
                    raise ConnectionResetError("the server closed the connection")
                data += chunk
            header, _, payload = data.partition(b"\r\n\r\n")
            lines = header.split(b"\r\n")
            status, length = int(lines[0].split()[1]), 0
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    closing = True
            while len(payload) < length:
                chunk = await loop.sock_recv(self.sock, 65536)
                if not chunk:
                    raise ConnectionResetError("the server closed the connection")
                payload += chunk
        except BaseException:
            closing = True
            raise
        finally:
            if closing:
                self.close()
        return status, payload

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


async def _client(
    n: int,
    connection: _Connection,
    key: str,
    site_id: int,
    texts: list[str],
    stop_at: float,
    run: Run,
) -> None:
    i = 0
    while time.perf_counter() < stop_at:
        body = json.dumps(
            {
                "site_id": site_id,
                "channel": "comments",
                "external_id": f"c{n}-{i}-{time.monotonic_ns()}",
                "author": {"external_id": f"u{i % 500}"},
                "text": texts[(n * 7919 + i) % len(texts)],
            },
            ensure_ascii=False,
        ).encode()
        head = (
            "POST /api/v1/content HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if connection.keep_alive else 'close'}\r\n\r\n"
        ).encode()
        started = time.perf_counter()
        try:
            status, payload = await connection.request(head, body)
        except OSError as exc:
            run.errors[type(exc).__name__] = run.errors.get(type(exc).__name__, 0) + 1
            continue
        elapsed = time.perf_counter() - started
        if status == 201:
            run.latencies.append(elapsed)
        else:
            label = f"HTTP {status}"
            run.errors[label] = run.errors.get(label, 0) + 1
            if run.errors[label] == 1:
                print(f"  first {label}: {payload[:300]!r}", file=sys.stderr)
        i += 1


async def _measure(
    clients: int,
    seconds: float,
    port: int,
    key: str,
    site_id: int,
    texts: list[str],
    server_pid: int,
    keep_alive: bool,
) -> Run:
    connections = [_Connection(port, keep_alive) for _ in range(clients)]
    warm = Run()
    await asyncio.gather(
        *(
            _client(n, connections[n], key, site_id, texts, time.perf_counter() + 1.0, warm)
            for n in range(clients)
        )
    )
    run = Run()
    client_cpu, server_cpu = time.process_time(), _cpu_seconds(server_pid)
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(
        *(_client(n, connections[n], key, site_id, texts, stop_at, run) for n in range(clients))
    )
    for connection in connections:
        connection.close()
    run.client_cpu = time.process_time() - client_cpu
    run.server_cpu = _cpu_seconds(server_pid) - server_cpu
    return run


def _percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
        if len(values) > 1
        else values[0]
    )


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of ``pid`` and its children alive now (gunicorn's workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start in time")


def _peer(workers: int, port: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start the bare Django + ninja peer (bench_intake_peer.py) on the benchmark's database
    (its own tables there) or on its own SQLite file; return the server and its key."""
    scripts = Path(__file__).resolve().parent
    own_file = f"sqlite:///{os.environ['XINAN_DATA_DIR']}/peer.sqlite3"
    url = os.environ.get("DATABASE_URL") or own_file
    env = {**os.environ, "PEER_DATABASE_URL": url}
    key = subprocess.run(  # our own script
        [sys.executable, "-c", "import bench_intake_peer as p; print(p.create_tables())"],
        cwd=scripts,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    server = subprocess.Popen(  # noqa: S603  # our own command, as `xinan serve` runs gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench_intake_peer:application",
            "--chdir",
            str(scripts),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return server, key


def _report(
    label: str,
    server: subprocess.Popen[bytes],
    port: int,
    key: str,
    site_id: int,
    args: argparse.Namespace,
) -> dict[int, float]:
    """Measure every concurrency against one server; print a row each; return req/s."""
    texts = _texts(2000, seed=5)
    rates = {}
    try:
        _wait_ready(port, server)
        for clients in (int(c) for c in args.clients.split(",")):
            run = asyncio.run(
                _measure(
                    clients, args.seconds, port, key, site_id, texts, server.pid, args.keep_alive
                )
            )
            lat = [x * 1000 for x in run.latencies]
            if not lat:
                print(f"{label:>6} {clients:>8} no successful request  {run.errors}")
                continue
            rates[clients] = len(lat) / args.seconds
            print(
                f"{label:>6} {clients:>8} {rates[clients]:>8.0f} {_percentile(lat, 50):>8.1f} "
                f"{_percentile(lat, 90):>8.1f} {_percentile(lat, 99):>8.1f} {len(lat):>7} "
                f"{run.client_cpu * 1000 / len(lat):>19.2f} "
                f"{run.server_cpu * 1000 / len(lat):>6.2f}  "
                f"{run.errors or '-'}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="reuse each client's connection, as a pooling HTTP client does",
    )
    parser.add_argument(
        "--peer",
        action="store_true",
        help="also measure a bare Django + ninja endpoint (bench_intake_peer.py) in the same run",
    )
    args = parser.parse_args()

    database, admin_url = _prepare_database()
    os.environ.setdefault("XINAN_DATA_DIR", tempfile.mkdtemp(prefix="xinan-bench-"))
    site_id, key = _seed()
    print(
        f"POST /api/v1/content, {TEXT_CHARS}-character texts, {database}, "
        f"gunicorn --workers {args.workers}, {args.seconds:g} s a run, "
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    )
    print(
        f"{'server':>6} {'clients':>8} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
        f" {'ok':>7} {'cpu ms/req: client':>19} {'server':>6}  errors"
    )
    try:
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603  # our own command
            [
                sys.executable,
                "-m",
                "xinan.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ours = _report("xinan", server, port, key, site_id, args)
        if args.peer:
            port = _free_port()
            server, peer_key = _peer(args.workers, port)
            theirs = _report("peer", server, port, peer_key, site_id, args)
            for clients, rate in ours.items():
                if theirs.get(clients):
                    print(f"{clients} clients: xinan / peer = {rate / theirs[clients]:.2f}")
    finally:
        _drop_database(admin_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
