"""Load test: many people reading, editing and running one large plan at once, on the
default installation and on the distributed one, with the rows checked afterwards.

Sets everything up by itself, on loopback only, and cleans up afterwards: a plan of 1,000
initiatives and 60 moments (optimizer.samples.generate_document), an admin account, one
run made before the load (for its run and say-no pages), then Locust, headless, for a
fixed time against two configurations in turn:

- default: SQLite, the embedded queue, `planner serve --workers 4` with its own job
  worker (2 processes);
- distributed: PostgreSQL (a database made for the run and dropped after it), the queue
  on Redis (a database number of its own, emptied after it), `planner serve --workers 4
  --no-worker` and `planner worker --processes 2` started apart.

The simulated people: readers (the journey, the initiative list a page at a time, the
run's page, its say-no page), editors (an initiative's note changed through its form; a
409 is a conflict, counted apart, and the form is read again and saved again) and a few
runners (a run started, its job's JSON polled every second until it ends, then again).
Afterwards the database is asked: has each initiative's version moved by exactly the
number of saves its editors were answered 302 for, and is every run saved the run of a
job that finished done?

    .venv/bin/python benchmarks/bench_load.py [--users 50] [--duration 180]
        [--editors 5] [--runners 3] [--only default|distributed]

Needs Locust in the virtualenv (`.venv/bin/pip install -e ".[bench]"`), PostgreSQL on
127.0.0.1:5432 (trust auth) and Redis on 127.0.0.1:6379 for the distributed part.
"""

from __future__ import annotations

import sys

if "--drive" in sys.argv:  # the Locust process: gevent's patching must come first
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime  # noqa: E402
from html.parser import HTMLParser  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMAIL, PASSWORD = "bench@example.com", "a long benchmark password"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
REDIS = "redis://127.0.0.1:6379/{db}"
TARGET_P95_MS = 300
# Pages the targets are about (sign-in, the edit form's save and the run's start are
# timed too, and listed).
PAGES = ["journey", "initiative list", "run page", "say-no page", "edit form",
         "edit (POST)", "run start (POST)", "job JSON", "portfolio", "sign-in",
         "sign-in (POST)"]


# --------------------------------------------------------------------------------------
# Reading the app's forms


class FormReader(HTMLParser):
    """The fields of one form (the first whose class holds `form_class`, or any form) as
    a browser would send them, and every csrf_token on the page."""

    def __init__(self, form_class: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.inside = self.done = False
        self.fields: list[tuple[str, str]] = []
        self.csrf: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "input" and a.get("name") == "csrf_token" and self.csrf is None:
            self.csrf = a.get("value", "")
        if tag == "form" and not self.done:
            wanted = self.form_class is None or self.form_class in a.get("class", "").split()
            if wanted and a.get("method", "get").lower() == "post":
                self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # a browser drops the one newline that follows <textarea>
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields.extend((name, value) for value in chosen)
            self._select = None


def read_form(html: str, form_class: str | None = None) -> FormReader:
    reader = FormReader(form_class)
    reader.feed(html)
    reader.close()
    return reader


# --------------------------------------------------------------------------------------
# The Locust side (a process of its own: python bench_load.py --drive SPEC OUT)


def drive(spec_path: str, out_path: str) -> None:
    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    spec = json.loads(Path(spec_path).read_text())
    plan, run = spec["plan_id"], spec["run_id"]
    stopping = {"now": False}
    times: dict[str, list[float]] = {}
    started: dict[str, list[float]] = {}  # seconds from the load's start, as `times`
    zero = time.perf_counter()
    outcomes: dict[str, dict[str, int]] = {}
    edits: dict[str, list[str]] = {}  # initiative id -> the notes saved (302)
    unknown: dict[str, int] = {}  # initiative id -> saves with no answer (not counted)
    jobs: list[dict[str, Any]] = []

    def outcome(status: int, expected: tuple[int, ...], conflict: bool = False) -> str:
        if status == 0:
            return "connection"
        if status in expected:
            return "ok"
        if status == 409 and conflict:
            return "conflict"
        if status >= 500:
            return "5xx"
        if 400 <= status < 500:
            return "4xx"
        return "other"

    class Person(HttpUser):
        abstract = True
        host = spec["host"]

        def call(self, method: str, url: str, name: str, expected: tuple[int, ...] = (200,),
                 conflict: bool = False, **kwargs: Any) -> tuple[Any, str]:
            began = time.perf_counter()
            response = self.client.request(method, url, name=name, allow_redirects=False,
                                           timeout=120, **kwargs)
            elapsed = (time.perf_counter() - began) * 1000
            status = response.status_code or 0
            result = outcome(status, expected, conflict)
            times.setdefault(name, []).append(elapsed)
            started.setdefault(name, []).append(began - zero)
            counts = outcomes.setdefault(name, {})
            counts[result] = counts.get(result, 0) + 1
            if result not in ("ok", "conflict"):
                key = f"{result} {status}"
                counts[key] = counts.get(key, 0) + 1
            return response, result

        def on_start(self) -> None:
            response, _ = self.call("GET", "/sign-in", "sign-in")
            token = read_form(response.text).csrf or ""
            self.call("POST", "/sign-in", "sign-in (POST)", expected=(302,),
                      data={"email": spec["email"], "password": spec["password"],
                            "csrf_token": token})

    class Reader(Person):
        wait_time = between(*spec["think"])

        @task(3)
        def journey(self) -> None:
            self.call("GET", f"/plans/{plan}/journey", "journey")

        @task(3)
        def initiative_list(self) -> None:
            page = random.randint(1, 10)
            self.call("GET", f"/plans/{plan}/initiatives?page={page}", "initiative list")

        @task(2)
        def run_page(self) -> None:
            self.call("GET", f"/plans/{plan}/runs/{run}", "run page")

        @task(2)
        def say_no(self) -> None:
            self.call("GET", f"/plans/{plan}/runs/{run}/say-no", "say-no page")

    class Editor(Person):
        fixed_count = spec["editors"]
        wait_time = between(*spec["think"])

        @task
        def edit(self) -> None:
            if stopping["now"]:
                return
            initiative = random.choice(spec["edit_ids"])
            url = f"/plans/{plan}/initiatives/{initiative}/edit"
            for _attempt in range(5):
                response, result = self.call("GET", url, "edit form")
                if result != "ok":
                    return
                form = read_form(response.text, "initiative-form")
                note = f"load test {uuid.uuid4().hex}"
                data = [(k, v) for k, v in form.fields if k != "note"] + [("note", note)]
                response, result = self.call("POST", url, "edit (POST)", expected=(302,),
                                             conflict=True, data=data)
                if result == "ok":
                    edits.setdefault(str(initiative), []).append(note)
                    return
                if result == "connection":  # it may or may not have been saved
                    unknown[str(initiative)] = unknown.get(str(initiative), 0) + 1
                    return
                if result != "conflict":
                    return
                # a conflict: read the form again, as a person told of one would

    class Runner(Person):
        fixed_count = spec["runners"]

        job: int | None = None
        began = 0.0
        token = ""

        def wait_time(self) -> float:
            return 1.0 if self.job is not None else random.uniform(5, 10)

        def on_start(self) -> None:
            super().on_start()
            response, _ = self.call("GET", f"/plans/{plan}/portfolio", "portfolio")
            self.token = read_form(response.text).csrf or ""

        @task
        def step(self) -> None:
            if self.job is None:
                if stopping["now"]:
                    return
                self.began = time.time()
                response, result = self.call(
                    "POST", f"/plans/{plan}/runs", "run start (POST)", expected=(302,),
                    data={"budget": "", "max_focus": "", "csrf_token": self.token})
                found = re.search(r"/jobs/(\d+)", response.headers.get("Location", ""))
                if result == "ok" and found:
                    self.job = int(found.group(1))
                return
            response, result = self.call("GET", f"/plans/{plan}/jobs/{self.job}.json",
                                         "job JSON")
            if result != "ok":
                return
            facts = response.json()
            if facts["status"] in ("done", "failed", "cancelled"):
                jobs.append({"job": self.job, "status": facts["status"],
                             "seconds": time.time() - self.began,
                             "message": facts.get("message", "")})
                self.job = None

    Reader.weight = 1
    classes = [Reader]
    if spec["editors"]:
        classes.append(Editor)
    if spec["runners"]:
        classes.append(Runner)
    environment = Environment(user_classes=classes, events=events, host=spec["host"],
                              stop_timeout=spec["stop_timeout"])
    runner = environment.create_local_runner()
    runner.start(spec["users"], spawn_rate=spec["spawn_rate"])

    def stop() -> None:
        stopping["now"] = True  # no new edit or run: the last ones end with their answer
        runner.quit()

    gevent.spawn_later(spec["duration"], stop)
    runner.greenlet.join()
    Path(out_path).write_text(json.dumps({
        "times": times, "started": started, "outcomes": outcomes, "edits": edits,
        "unknown": unknown, "jobs": jobs}))


# --------------------------------------------------------------------------------------
# Setting up and tearing down (the main process)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def planner(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "planner.cli", *args], env=env, cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"planner {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class Group:
    """A process started in a session (and process group) of its own, stopped with its
    children and theirs, by id."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log.open("ab")
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, grace: float = 60) -> None:
        import psutil

        try:
            family = [psutil.Process(self.process.pid)]
            family += family[0].children(recursive=True)
        except psutil.NoSuchProcess:
            family = []
        groups = {self.process.pid}
        for member in family:
            with contextlib.suppress(ProcessLookupError):
                groups.add(os.getpgid(member.pid))
        for group in groups:  # gunicorn's master and Huey's consumer stop on SIGTERM
            _signal_group(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=grace)
        _, alive = psutil.wait_procs(family, timeout=5)
        for member in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                member.kill()
        for group in groups:
            _signal_group(group, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()


def _signal_group(group: int, signal_number: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal_number)


def wait_healthy(base: str, process: subprocess.Popen, timeout: float = 120) -> None:
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base}/healthz did not answer within {timeout:.0f} s")


def signed_in(base: str):
    import requests

    session = requests.Session()
    token = read_form(session.get(f"{base}/sign-in", timeout=30).text).csrf
    answer = session.post(f"{base}/sign-in", data={"email": EMAIL, "password": PASSWORD,
                                                   "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in answered {answer.status_code}")
    return session


def first_run(base: str, plan_id: int, timeout: float = 900) -> tuple[int, float]:
    """A run of the plan made through its page before the load: its id, and its seconds."""
    session = signed_in(base)
    page = session.get(f"{base}/plans/{plan_id}/portfolio", timeout=60)
    token = read_form(page.text).csrf
    began = time.time()
    answer = session.post(f"{base}/plans/{plan_id}/runs", data={
        "budget": "", "max_focus": "", "csrf_token": token}, allow_redirects=False,
        timeout=60)
    job = re.search(r"/jobs/(\d+)", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not job:
        raise RuntimeError(f"starting the first run answered {answer.status_code}")
    while time.time() - began < timeout:
        facts = session.get(f"{base}/plans/{plan_id}/jobs/{job.group(1)}.json",
                            timeout=60).json()
        if facts["status"] == "done":
            return int(facts["result_url"].rstrip("/").rsplit("/", 1)[1]), time.time() - began
        if facts["status"] in ("failed", "cancelled"):
            raise RuntimeError(f"the first run {facts['status']}: {facts['message']}")
        time.sleep(1)
    raise RuntimeError("the first run did not end in time")


def database(url: str):
    from sqlalchemy import create_engine

    return create_engine(url)


def snapshot(url: str, plan_id: int) -> dict[str, Any]:
    from sqlalchemy import text

    engine = database(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, version, note FROM initiative "
                                       "WHERE plan_id = :p"), {"p": plan_id}).all()
        runs = connection.execute(text("SELECT id FROM run WHERE plan_id = :p"),
                                  {"p": plan_id}).scalars().all()
        jobs = connection.execute(text(
            "SELECT id, status, result, message, created_at, started_at, finished_at "
            "FROM job WHERE plan_id = :p AND kind = 'run'"), {"p": plan_id}).all()
    engine.dispose()
    return {"initiatives": {str(r.id): (r.version, r.note) for r in rows},
            "runs": set(runs),
            "jobs": {r.id: {"status": r.status, "result": _json(r.result),
                            "message": r.message, "created": _when(r.created_at),
                            "started": _when(r.started_at),
                            "finished": _when(r.finished_at)} for r in jobs}}


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def drain(url: str, plan_id: int, before: set[int], timeout: float) -> float:
    """Wait until every run job asked for during the load has ended; the seconds waited."""
    began = time.time()
    while time.time() - began < timeout:
        jobs = snapshot(url, plan_id)["jobs"]
        if all(job["status"] in ("done", "failed", "cancelled")
               for number, job in jobs.items() if number not in before):
            break
        time.sleep(2)
    return time.time() - began


# --------------------------------------------------------------------------------------
# One configuration


def measure(name: str, args: argparse.Namespace, plan_file: Path, folder: Path) -> dict:
    """Set up one configuration, load it, check its rows, tear it down."""
    work = folder / name
    instance = work / "instance"
    instance.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "PLANNER_INSTANCE")}
    # the code beside this file, whatever the virtualenv's editable install points at
    env.update(SECRET_KEY=secrets.token_hex(32), PLANNER_INSTANCE=str(instance),
               PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT))
    cleanup: list[Any] = []
    groups: list[Group] = []
    try:
        if name == "default":
            env["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite'}"
            queue_file = _queue_file(env)
            cleanup.append(lambda: _remove_queue(queue_file))
            _remove_queue(queue_file)
        else:
            db_name = f"planner_load_{os.getpid()}"
            _psql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            _psql(f"CREATE DATABASE {db_name}")
            cleanup.append(lambda: _psql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"))
            env["DATABASE_URL"] = PG.format(name=db_name)
            redis_db = _empty_redis_db()
            env["REDIS_URL"] = REDIS.format(db=redis_db)
            cleanup.append(lambda: _flush_redis(redis_db))
        print(f"[{name}] importing the plan", file=sys.stderr)
        out = planner(env, "import", str(plan_file), "--name", "Load benchmark")
        plan_id = int(re.search(r"as plan (\d+)", out).group(1))
        planner(env, "users", "add", EMAIL, "--admin", "--name", "Bench",
                stdin=f"{PASSWORD}\n{PASSWORD}\n")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "planner.cli", "serve", "--host", "127.0.0.1",
                 "--port", str(port), "--workers", "4"]
        if name == "distributed":
            serve.append("--no-worker")
        groups.append(Group(serve, env, work / "serve.log"))
        if name == "distributed":
            groups.append(Group([sys.executable, "-m", "planner.cli", "worker",
                                 "--processes", "2"], env, work / "worker.log"))
        wait_healthy(base, groups[0].process)
        print(f"[{name}] the first run, for the run and say-no pages", file=sys.stderr)
        run_id, first_seconds = first_run(base, plan_id)
        before = snapshot(env["DATABASE_URL"], plan_id)
        edit_ids = sorted(int(i) for i in before["initiatives"])[:args.edited]
        spec = {"host": base, "plan_id": plan_id, "run_id": run_id, "edit_ids": edit_ids,
                "email": EMAIL, "password": PASSWORD, "users": args.users,
                "duration": args.duration, "editors": args.editors,
                "runners": args.runners, "think": args.think, "spawn_rate": args.spawn_rate,
                "stop_timeout": 60}
        (work / "spec.json").write_text(json.dumps(spec))
        load_average = os.getloadavg()[0]
        print(f"[{name}] {args.users} users for {args.duration} s", file=sys.stderr)
        began = time.time()
        subprocess.run([sys.executable, __file__, "--drive", str(work / "spec.json"),
                        str(work / "out.json")], cwd=ROOT, check=True,
                       timeout=args.duration + 600)
        load_seconds = time.time() - began
        drained = drain(env["DATABASE_URL"], plan_id, set(before["jobs"]), 600)
        for group in reversed(groups):
            group.stop()
        groups.clear()
        after = snapshot(env["DATABASE_URL"], plan_id)
        found = json.loads((work / "out.json").read_text())
        signed = [at + took / 1000 for at, took in zip(
            found["started"].get("sign-in (POST)", []),
            found["times"].get("sign-in (POST)", []), strict=True)]
        found["ramped"] = max(signed, default=0.0)  # the last sign-in answered
        return {"name": name, "plan_id": plan_id, "first_run_s": first_seconds,
                "load_s": load_seconds, "drain_s": drained, "load_average": load_average,
                **found, "check": check(before, after, found)}
    finally:
        for group in reversed(groups):
            group.stop()
        for step in reversed(cleanup):
            try:
                step()
            except Exception as error:  # noqa: BLE001 (cleanup goes on)
                print(f"[{name}] cleanup: {error}", file=sys.stderr)


def _queue_file(env: dict[str, str]) -> Path:
    """Where this configuration's server keeps its embedded queue (the instance folder it
    is given, when the app reads PLANNER_INSTANCE; else the fixed one)."""
    out = subprocess.run([sys.executable, "-c",
                          "from planner import create_app; print(create_app().instance_path)"],
                         env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return Path(out.stdout.strip().splitlines()[-1]) / "jobs.sqlite"


def _remove_queue(queue_file: Path) -> None:
    in_use = subprocess.run(["fuser", str(queue_file)], capture_output=True)
    if queue_file.exists() and in_use.returncode == 0:  # another server's queue: leave it
        raise RuntimeError(f"{queue_file} is in use by another process")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{queue_file}{suffix}").unlink(missing_ok=True)


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)


def _empty_redis_db() -> int:
    import redis

    for number in range(15, 9, -1):  # the tests use 9
        if redis.Redis.from_url(REDIS.format(db=number)).dbsize() == 0:
            return number
    raise RuntimeError("no empty Redis database among 10 to 15")


def _flush_redis(number: int) -> None:
    import redis

    redis.Redis.from_url(REDIS.format(db=number)).flushdb()


def check(before: dict, after: dict, found: dict) -> dict[str, Any]:
    """The rows expected against the rows found."""
    lost = doubled = wrong_note = 0
    unknown = found["unknown"]
    saved = found["edits"]
    for number, (version, note) in after["initiatives"].items():
        expected = len(saved.get(number, []))
        moved = version - before["initiatives"][number][0]
        if moved < expected:
            lost += expected - moved
        elif moved > expected + unknown.get(number, 0):
            doubled += moved - expected
        if expected and note not in saved[number]:
            wrong_note += 1
    new_runs = after["runs"] - before["runs"]
    new_jobs = {n: j for n, j in after["jobs"].items() if n not in before["jobs"]}
    done = {n: j for n, j in new_jobs.items() if j["status"] == "done"}
    done_runs = {j["result"].get("run_id") for j in done.values()}
    with_run = {j["result"].get("run_id") for j in new_jobs.values()} - {None}
    statuses: dict[str, int] = {}
    for job in new_jobs.values():
        statuses[job["status"]] = statuses.get(job["status"], 0) + 1
    waits = [(j["finished"] - j["created"]).total_seconds() for j in done.values()]
    working = [(j["finished"] - j["started"]).total_seconds() for j in done.values()]
    return {
        "edits": sum(len(v) for v in saved.values()), "edited": len(saved),
        "unknown_edits": sum(unknown.values()), "lost": lost, "doubled": doubled,
        "wrong_note": wrong_note, "runs_saved": len(new_runs), "jobs": len(new_jobs),
        "jobs_done": len(done), "job_statuses": statuses,
        "runs_match": new_runs == done_runs and len(done_runs) == len(done),
        "runs_without_done_job": sorted(new_runs - done_runs),
        "runs_of_unfinished_jobs": sorted(with_run - done_runs),
        "failed_messages": sorted({j["message"] for j in new_jobs.values()
                                   if j["status"] != "done"}),
        "median_job_s": statistics.median(waits) if waits else None,
        "median_worker_s": statistics.median(working) if working else None,
    }


# --------------------------------------------------------------------------------------
# The report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))  # nearest rank
    return ordered[min(rank, len(ordered)) - 1]


def rows_of(result: dict) -> tuple[list[str], list[str], int]:
    """The table's rows for one configuration, the pages over the target, and errors."""
    rows, slow, errors = [], [], 0
    names = [n for n in PAGES if n in result["times"]] + sorted(
        set(result["times"]) - set(PAGES))
    for page in names:
        values, counts = result["times"][page], result["outcomes"][page]
        wrong = sum(counts.get(k, 0) for k in ("connection", "5xx", "4xx", "other"))
        errors += wrong
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())
                           if " " in k)
        p95 = percentile(values, 0.95)
        steady = [t for t, at in zip(values, result["started"][page], strict=True)
                  if at >= result["ramped"]]
        if p95 >= TARGET_P95_MS and page not in ("sign-in (POST)",):
            slow.append(f"{page} ({p95:,.0f} ms)")
        rows.append(f"| {result['name']} | {page} | {len(values):,} | "
                    f"{percentile(values, 0.50):,.0f} | {p95:,.0f} | "
                    f"{percentile(values, 0.99):,.0f} | "
                    f"{f'{percentile(steady, 0.95):,.0f}' if steady else '–'} | "
                    f"{wrong}{f' ({detail})' if detail else ''}"
                    f" | {counts.get('conflict', 0)} |")
    return rows, slow, errors


def section(results: list[dict], args: argparse.Namespace) -> str:
    from importlib.metadata import version

    readers = args.users - args.editors - args.runners
    shortened = args.users != 50 or args.duration != 180
    lines = [
        "## Load: people reading, editing and running one large plan at once",
        "",
        f"Measured on {date.today().isoformat()} (code at {_commit()}), {os.cpu_count()} cores "
        f"({platform.machine()}, {platform.system()}), shared with other work (1-minute "
        "load average before each load: "
        + ", ".join(f"{r['name']} {r['load_average']:.1f}" for r in results)
        + f"), Python {platform.python_version()}, Locust {version('locust')} headless on "
        "the same machine. Rerun (rewrites this section only):",
        "",
        "```",
        ".venv/bin/python benchmarks/bench_load.py"
        + (f" --users {args.users} --duration {args.duration}" if shortened else ""),
        "```",
        "",
        f"{args.users} simulated people for {args.duration} s per configuration"
        + (" (shortened from 50 for 180 s)" if shortened else "")
        + f", against a plan of 1,000 initiatives and 60 moments "
        "(`generate_document(1000, 60, seed=1)`), all signed in as one admin: "
        f"{readers} readers (journey 3 : initiative list, pages 1 to 10, 3 : a run's page 2 : "
        f"its say-no page 2), {args.editors} editors (an initiative's form read, its note "
        f"changed and saved, among the plan's first {args.edited} initiatives so that two "
        "sometimes save the same one: a 409 is counted apart and the form read and saved "
        f"again), {args.runners} runners (a run started, its job's JSON polled every second "
        "until it ends, then after 5 to 10 s another), each person waiting "
        f"{args.think[0]:g} to {args.think[1]:g} s between pages. "
        "*default*: SQLite, the embedded queue, `planner serve --workers 4` with its own "
        "job worker (2 processes); *distributed*: PostgreSQL, the queue on Redis, "
        "`planner serve --workers 4 --no-worker` and `planner worker --processes 2` apart. "
        "Every run solves the plan and then explains each initiative it rejects, so both "
        "worker processes are busy for the whole load. Times are the client's, from the "
        "request to the whole answer (no redirect followed); *errors* are answers other "
        "than the page's own (5xx, connection errors, any other 4xx or a redirect); the "
        "run's start is a 302 to its job, a save a 302 to the list. *p95 after sign-ins* "
        "leaves out the requests made before the last person's sign-in was answered (50 "
        "password hashes in the first seconds); the targets are held to the whole run.",
        "",
        "| configuration | page | requests | p50 ms | p95 ms | p99 ms | p95 after sign-ins ms "
        "| errors | 409 conflicts |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts, checks = [], []
    for result in results:
        rows, slow, errors = rows_of(result)
        lines.extend(rows)
        c = result["check"]
        seen = [j["seconds"] for j in result["jobs"] if j["status"] == "done"]
        checks.append(
            f"- **{result['name']}**: {c['edits']:,} saves answered 302 on {c['edited']} "
            f"initiatives; their versions moved by {c['edits'] - c['lost']:,} "
            f"(lost {c['lost']}, doubled {c['doubled']}"
            + (f", {c['unknown_edits']} saves without an answer" if c["unknown_edits"] else "")
            + f"; last note not one of the saved ones: {c['wrong_note']}). "
            f"Run jobs asked for: {c['jobs']} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(c["job_statuses"].items()))
            + f"); runs saved {c['runs_saved']} against {c['jobs_done']} run jobs done"
            + (" (the same runs)" if c["runs_match"] else
               f" (runs of no done job: {c['runs_without_done_job']})")
            + f". Run jobs done while the load ran: {len(seen)}, median "
            + (f"{statistics.median(seen):.0f} s" if seen else "-")
            + " from the start to the poll that saw it done; over every done job "
            + (f"{c['median_job_s']:.0f} s from asking to done, {c['median_worker_s']:.0f} s"
               " in a worker" if c["median_job_s"] is not None else "-")
            + f" (the last jobs ended {result['drain_s']:.0f} s after the load)."
            + (f" Jobs not done said: {'; '.join(c['failed_messages'])}"
               if c["failed_messages"] else ""))
        lost_ok = c["lost"] == 0 and c["doubled"] == 0 and c["runs_match"]
        verdicts.append(
            f"- {result['name']}: errors {errors} "
            f"(target 0: {'met' if not errors else 'not met'}); "
            f"lost or doubled writes {c['lost'] + c['doubled']}, runs saved = runs done "
            f"{'yes' if c['runs_match'] else 'no'} (target 0 lost: "
            f"{'met' if lost_ok else 'not met'}); p95 under {TARGET_P95_MS} ms on every page "
            + ("met" if not slow else "not met: " + ", ".join(slow)) + ".")
    lines += ["", "Rows expected against rows found, after the last run job ended:", "",
              *checks, "", "Targets (0 errors, 0 lost writes, p95 of every page under "
              f"{TARGET_P95_MS} ms while solves run in the workers; the sign-in's POST, "
              "which hashes on purpose, is not held to it):", "", *verdicts]
    return "\n".join(lines)


def _commit() -> str:
    """The commit measured: git's word for the code beside this file, or BENCH_COMMIT."""
    done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                            "planner", "models", "optimizer", "templates"],
                           capture_output=True, text=True).stdout.strip()
    if done.returncode != 0:
        return os.environ.get("BENCH_COMMIT", "unknown")
    return done.stdout.strip() + (" with uncommitted changes" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=180, help="seconds per configuration")
    parser.add_argument("--editors", type=int, default=5)
    parser.add_argument("--runners", type=int, default=3)
    parser.add_argument("--edited", type=int, default=20,
                        help="how many of the plan's initiatives the editors share")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0),
                        metavar=("MIN", "MAX"), help="seconds between two pages")
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--only", choices=("default", "distributed"))
    parser.add_argument("--no-write", action="store_true", help="print, leave the doc")
    parser.add_argument("--drive", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        drive(*args.drive)
        return
    if args.users < args.editors + args.runners + 1:
        parser.error("--users must leave at least one reader")
    from benchmarks.report import write_section
    from optimizer.samples import generate_document

    folder = Path(tempfile.mkdtemp(prefix="planner-load-"))
    try:
        plan_file = folder / "plan.json"
        plan_file.write_text(json.dumps(generate_document(1000, 60, seed=1)))
        names = [args.only] if args.only else ["default", "distributed"]
        results = [measure(name, args, plan_file, folder) for name in names]
        text = section(results, args)
        print(text)
        if not args.no_write:
            write_section("load", text)
    except BaseException:
        print(f"logs kept in {folder}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
