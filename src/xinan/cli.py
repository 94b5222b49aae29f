"""The ``xinan`` command: one entry point for operators.

Django management commands do the work where they fit; this module only names them, so
``xinan --help`` is the whole operator's menu. ``xinan guard ...`` runs the content engine
without loading Django at all.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

SETTINGS = "xinan.config.settings"


def _django(argv: Sequence[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.management import execute_from_command_line  # lazy: guard needs no Django

    execute_from_command_line(["xinan", *argv])
    return 0


def _gunicorn_args(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "xinan.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--no-control-socket",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def _worker_args() -> list[str]:
    return [sys.executable, "-m", "xinan.cli", "worker"]


def _run_together(commands: list[list[str]]) -> int:
    """Run processes side by side until one exits, Ctrl-C or SIGTERM; then stop them all."""

    def _stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # A service manager stops us with SIGTERM: the children must not outlive us.
    signal.signal(signal.SIGTERM, _stop)
    procs = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603  # our own argv lists
    try:
        while all(p.poll() is None for p in procs):
            try:
                procs[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                continue
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    return max((p.returncode or 0) for p in procs)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["guard"]:
        from xinan.guard.cli import main as guard_main  # no Django for guard

        return guard_main(args_list[1:])
    if args_list[:1] == ["manage"]:
        return _django(args_list[1:])

    parser = argparse.ArgumentParser(prog="xinan", description="信安 xinan: operator commands")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    up = sub.add_parser(
        "up", help="migrate, create the provider and admin on first start, serve with the worker"
    )
    serve = sub.add_parser("serve", help="serve the web application (gunicorn)")
    for p in (up, serve):
        p.add_argument("--host", default=os.environ.get("XINAN_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("XINAN_PORT", "8000")))
        p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    up.add_argument("--no-demo", action="store_true", help="skip the demo customer and its items")
    sub.add_parser("worker", help="run the background worker (Huey consumer)")
    sub.add_parser("migrate", help="apply database migrations")
    admin = sub.add_parser("createadmin", help="create a provider admin account")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    audit = sub.add_parser("audit", help="the tamper-evident audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="verify the hash chain (and signed checkpoints)")
    verify.add_argument("--checkpoint", action="append", default=[])
    verify.add_argument("--public-key", default=None)
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="write a signed checkpoint of the chain head"
    )
    checkpoint.add_argument("--out", default=None)
    sub.add_parser("guard", help="the content-security engine (xinan guard --help)")
    sub.add_parser("manage", help="any Django management command (xinan manage --help)")
    args = parser.parse_args(args_list)

    if args.command == "up":
        _django(["createcachetable"])  # the database cache's table, if that is the cache
        _django(["migrate", "--no-input", "-v", "0"])
        _django(["collectstatic", "--no-input", "-v", "0"])
        url = f"http://{args.host}:{args.port}/"
        _django(["bootstrap", "--url", url])
        # A newcomer sees the review console working at once; production never gets a demo.
        if not args.no_demo and os.environ.get("XINAN_ENV", "embedded") != "production":
            _django(["seed_demo", "--url", url])
        return _run_together([_gunicorn_args(args.host, args.port, args.workers), _worker_args()])
    if args.command == "serve":
        os.execv(sys.executable, _gunicorn_args(args.host, args.port, args.workers))  # noqa: S606
    if args.command == "worker":
        return _django(["run_huey"])
    if args.command == "migrate":
        # First: the checks migrate runs refuse a configured database cache without its table.
        _django(["createcachetable"])
        return _django(["migrate"])
    if args.command == "createadmin":
        return _django(["createadmin", "--username", args.username, "--email", args.email])
    if args.command == "audit" and args.audit_command == "verify":
        extra = [f"--checkpoint={c}" for c in args.checkpoint]
        if args.public_key:
            extra.append(f"--public-key={args.public_key}")
        return _django(["audit_verify", *extra])
    if args.command == "audit" and args.audit_command == "checkpoint":
        return _django(["audit_checkpoint", *([f"--out={args.out}"] if args.out else [])])
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
