"""`planner serve`: the web app under gunicorn (several worker processes, forks of one app
made and warmed first, each with its own database connections), with a job worker beside
it; `--debug` for Flask's development server instead. `planner worker`: a worker of the
job queue alone, for a machine of its own (the queue on Redis) or beside a server started
with `--no-worker`.

gunicorn rather than waitress: the pages and the solver's Python parts are CPU work, and
gunicorn's pre-fork processes use every core where waitress's threads share one. Each
process answers on a few threads (gunicorn's gthread workers), so that a request that
waits (a sign-in's password hash, which lets the other threads run, or the database)
does not hold a whole process, and the others keep their connections open between
pages.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from typing import Any

from planner.cli.plans import EXIT_OK


def add_commands(commands: Any) -> None:
    serve = commands.add_parser("serve", help="start the web app (and a job worker)")
    serve.add_argument("--demo", action="store_true", help="load the demo plan first")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--workers", type=int, default=default_processes(),
                       help="gunicorn's worker processes (default: twice the cores, plus "
                            "one, at most 8)")
    serve.add_argument("--threads", type=int, default=THREADS,
                       help=f"threads each worker process answers on (default: {THREADS})")
    serve.add_argument("--no-worker", action="store_true",
                       help="start no job worker (they run elsewhere: `planner worker`)")
    serve.add_argument("--debug", action="store_true",
                       help="Flask's development server, reloading on changes, instead")
    serve.set_defaults(run=_serve)
    worker = commands.add_parser("worker", help="do the app's jobs (runs, explanations, "
                                                "imports) as they come")
    worker.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="jobs done at once (default: one per core)")
    # the pid of `planner serve`, when it starts the worker: the worker stops when it dies
    worker.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(run=_worker)


# Enough that sign-ins waiting for their hash's turn (planner/accounts/passwords.py)
# leave a process threads for the pages: a person's browser keeps its connection to one
# process, and that process's pages wait while every thread of it waits for a turn. The
# load benchmark's 50 sign-ins within 10 s hold every thread of a process with fewer
# threads, not with 8 (docs/benchmarks.md, the load benchmark's runs).
THREADS = 8


def default_processes() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def _serve(args: argparse.Namespace) -> int:
    from planner import create_app
    from planner.demo import DEMO_PASSWORD, demo_accounts, load_demo_cycles

    # Made once here to bring the database to the newest schema and load the demo, then
    # served by every gunicorn worker (each a fork of this process). The key comes from
    # SECRET_KEY, instance/config.py or the instance folder's own file, so sign-ins and
    # open forms outlive a restart.
    app = create_app()
    print(f"Moments of Truth Planner on http://{args.host}:{args.port}/", file=sys.stderr)
    if args.demo:
        plans = load_demo_cycles(app)
        print(f"  sign in with the password \"{DEMO_PASSWORD}\" as:", file=sys.stderr)
        for email, role in demo_accounts(app, *plans):
            print(f"    {email:<22} {role}", file=sys.stderr)
    worker = None if args.no_worker else JobWorker()
    if args.debug:
        try:
            app.run(host=args.host, port=args.port, debug=True, use_reloader=False)
        finally:
            if worker is not None:
                worker.stop()
    else:
        _gunicorn(app, args.host, args.port, args.workers, max(1, args.threads), worker)
    return EXIT_OK


class JobWorker:
    """`planner worker` beside the server, in a process group of its own, stopped with it,
    and stopping by itself when the server dies (killed outright): a server started again
    would start another, and the two would run twice the jobs at once that one should."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "planner.cli", "worker",
                                         "--parent", str(os.getpid())], start_new_session=True)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGINT)  # Huey's consumer ends its jobs' work
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _gunicorn(app: Any, host: str, port: int, workers: int, threads: int,
              job_worker: JobWorker | None) -> None:
    from gunicorn.app.base import BaseApplication

    from planner.service import ready_to_fork

    ready_to_fork(app)

    class Server(BaseApplication):
        """gunicorn with its settings given here, serving the app made (and warmed) in its
        first process: each worker is a fork of it, with every template compiled."""

        def load_config(self) -> None:
            settings = {"bind": f"{host}:{port}", "workers": workers, "preload_app": True,
                        "worker_class": "gthread", "threads": threads,
                        # longer than a proxy's idle time (60 s is common), so that the
                        # proxy or the browser, not the server, closes an idle connection:
                        # a request sent just as the server closes one is lost
                        "keepalive": 75,
                        # runs are jobs, so no page takes long, but an upload may
                        "timeout": 120, "graceful_timeout": 30, "errorlog": "-",
                        "loglevel": "info"}
            if job_worker is not None:  # in the master alone, never in a forked worker
                settings["on_exit"] = lambda _server: job_worker.stop()
            for name, value in settings.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return app

    Server().run()


def _worker(args: argparse.Namespace) -> int:
    from planner import create_app
    from planner.jobs.worker import Worker

    app = create_app()
    if app.config["JOBS_IMMEDIATE"]:
        print("planner: JOBS_IMMEDIATE is set: jobs are done by the pages, not by a worker.",
              file=sys.stderr)
        return 2
    where = app.config.get("REDIS_URL") or "the instance folder's jobs.sqlite"
    print(f"planner worker: {args.processes} at once, queue on {where}", file=sys.stderr)
    Worker(app, max(1, args.processes), parent=args.parent).run()
    return EXIT_OK
