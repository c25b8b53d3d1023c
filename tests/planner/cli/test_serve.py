"""`planner serve` as `bash scripts/run` starts it: gunicorn's workers and a job worker
beside them, on the embedded queue (no other service): the health check answers, and a
run asked for on the page is done by the worker and shown."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@contextmanager
def _served(tmp_path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`planner serve --demo` with these options on a database of its own, on a free port:
    its address and its process, stopped (SIGINT, then SIGKILL) on the way out; its log in
    tmp_path/serve.log."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(PLANNER_INSTANCE=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               DATABASE_URL=f"sqlite:///{tmp_path / 'planner.sqlite'}",
               SECRET_KEY="the serve test's own key")
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "planner.cli", "serve", "--demo",
                               "--port", str(port), *options], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


def test_serve_answers_and_its_worker_does_a_run(tmp_path):
    with _served(tmp_path, "--workers", "2") as (base, server):
        health = _wait_for(lambda: _json(urllib.request.urlopen(f"{base}/healthz")))
        assert health == {"status": "ok", "database": "ok", "queue": "SqliteHuey"}
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                              NoRedirect)
        token = _csrf(_text(browser.open(f"{base}/sign-in")))
        _post(browser, f"{base}/sign-in", {"email": "lead@demo.example", "csrf_token": token,
                                           "password": "moments of truth demo"})
        token = _csrf(_text(browser.open(f"{base}/plans/1/portfolio")))
        started = _post(browser, f"{base}/plans/1/runs",
                        {"budget": "", "max_focus": "", "csrf_token": token})
        job_url = started.headers["Location"]
        assert re.search(r"/plans/1/jobs/\d+$", job_url), job_url
        facts = _wait_for(lambda: _done(browser, urllib.parse.urljoin(base, job_url)))
        assert facts["status"] == "done" and facts["result_url"].startswith("/plans/1/runs/")
        assert "Run #1" in _text(browser.open(base + facts["result_url"]))
    assert server.returncode == 0, (tmp_path / "serve.log").read_text()
    assert "GET /healthz 200" in (tmp_path / "serve.log").read_text()  # the request log
    assert "Using worker: gthread" in (tmp_path / "serve.log").read_text()


def test_every_worker_counts_the_same_failed_sign_ins(tmp_path):
    """Five wrong passwords for one account make the sixth wait (429), though gunicorn's
    three workers answer them: each POST comes on a connection of its own, which any
    worker may accept, and the counts are in the database every worker shares
    (planner/accounts/throttle.py). Counted in each worker's memory (memory://, in the
    instance's config.py), this test failed in two runs of three: the six POSTs were
    spread over the workers, no worker saw five failures, all six were 401 and the right
    password then signed in (302)."""
    with _served(tmp_path, "--workers", "3", "--no-worker") as (base, _):
        _wait_for(lambda: _json(urllib.request.urlopen(f"{base}/healthz")))
        answers = [_sign_in(base, "lead@demo.example", f"wrong guess number {n}")
                   for n in range(1, 7)]
        right = _sign_in(base, "lead@demo.example", "moments of truth demo")
    text = (tmp_path / "serve.log").read_text()
    assert text.count("Booting worker with pid") >= 3, text
    assert answers == [401] * 5 + [429], text
    assert right == 429  # the right password waits too, until the minute is over


def _sign_in(base: str, email: str, password: str) -> int:
    """A sign-in as a new visitor: the form's page, then its POST, each on a connection of
    its own (urllib closes each one); the POST's status."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar),
                                          NoRedirect)
    token = _csrf(_text(browser.open(f"{base}/sign-in")))
    try:
        return _post(browser, f"{base}/sign-in", {"email": email, "password": password,
                                                   "csrf_token": token}).status
    except urllib.error.HTTPError as refused:
        refused.close()
        return refused.code


def _text(response) -> str:
    with response:
        return response.read().decode()


def _json(response) -> dict:
    with response:
        return json.load(response)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _post(browser, url: str, fields: dict[str, str]):
    try:
        answer = browser.open(url, urllib.parse.urlencode(fields).encode())
    except urllib.error.HTTPError as redirect:  # the 302 the redirect handler did not follow
        if redirect.code != 302:
            raise
        answer = redirect
    answer.close()
    return answer


def _done(browser, url: str) -> dict:
    facts = _json(browser.open(url + ".json"))
    if facts["status"] in ("queued", "running"):
        raise AssertionError(f"not done yet: {facts['status']}, {facts['step']}")
    return facts


def _wait_for(ask, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return ask()
        except (OSError, AssertionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_the_app_the_workers_are_forked_from_is_warmed_and_holds_no_connection(app, db):
    """gunicorn forks every worker from the app `planner serve` made: each starts with
    every template compiled, and with no connection of the first process's to share."""
    from planner.service import ready_to_fork

    engine = app.extensions["planner_engine"]
    with app.app_context():  # a connection made and given back to the pool
        assert app.test_client().get("/healthz").status_code == 200
    assert engine.pool.checkedin() >= 1
    ready_to_fork(app)
    assert engine.pool.checkedin() == 0
    names = app.jinja_env.list_templates()
    assert len(names) > 40 and len(app.jinja_env.cache) == len(names)
