#!/usr/bin/env python3
"""Concours benchmarks (issue 9): drives a release build of `concours serve` over loopback.

Started by benches/run.sh, which builds the binary and installs the tools. Everything is set up
through the public HTTP API (accounts, verification links read from the mail the server sends to
a local SMTP sink, organisation, fundings confirmed by an admin, jury invitations accepted,
contests opened, ideas submitted); the only exceptions are written down where they happen and in
BENCHMARKS.md: the award contests' entries and score sheets, and the 10,000 queued messages of the
mail scenario, are inserted into the database directly, because creating 100,000 entries and a
million scores through HTTP would take far longer than the benchmark itself.

Each scenario writes benches/results/<scenario>[-postgres].json.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
LUA = os.path.join(HERE, "lua")
PASSWORD = "bench password 0123"


def log(*args):
    print(f"[bench {time.strftime('%H:%M:%S')}]", *args, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def db_time(t: datetime) -> str:
    """The text form diesel writes for a NaiveDateTime (UTC)."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


# --------------------------------------------------------------------------------------------
# A local SMTP server that keeps every message in memory (aiosmtpd).


class Sink:
    def __init__(self):
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.messages: list[tuple[float, list[str], bytes]] = []
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with sink.lock:
                    sink.messages.append(
                        (time.monotonic(), list(envelope.rcpt_tos), envelope.content)
                    )
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def count(self, pred=None) -> int:
        with self.lock:
            if pred is None:
                return len(self.messages)
            return sum(1 for m in self.messages if pred(m))

    def texts(self):
        """(recipients, decoded plain text) of every message so far, decoded once."""
        with self.lock:
            msgs = list(self.messages)
        cache = self.__dict__.setdefault("_texts", [])
        for _, rcpts, raw in msgs[len(cache):]:
            if len(cache) > 20000:
                break
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            part = msg.get_body(preferencelist=("plain",))
            text = part.get_content() if part is not None else raw.decode(errors="replace")
            cache.append((rcpts, text))
        return list(cache)

    def links(self, needle: str) -> dict[str, str]:
        """recipient -> the last token that follows `needle` in a message to them."""
        out = {}
        for rcpts, text in self.texts():
            m = re.search(re.escape(needle) + r"([A-Za-z0-9_\-\.~%]+)", text)
            if m:
                for r in rcpts:
                    out[r.lower()] = m.group(1)
        return out

    def stop(self):
        try:
            self.controller.stop()
        except Exception:
            pass


# --------------------------------------------------------------------------------------------
# The server under test.


def config_has(section: str, key: str) -> bool:
    """Whether config/default.toml of this checkout (the source run.sh builds) has the key."""
    path = os.path.join(HERE, "..", "config", "default.toml")
    current = None
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("[") and line.endswith("]"):
                    current = line[1:-1]
                elif current == section and re.match(rf"{re.escape(key)}\s*=", line):
                    return True
    except OSError:
        pass
    return False


def proc_status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM", "VmRSS")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0]) * 1024
    except FileNotFoundError:
        pass
    return out


def cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except FileNotFoundError:
        return 0.0


def reset_peak(pid: int) -> bool:
    """Resets VmHWM to the current RSS (Linux >= 4.0), so that each scenario has its own peak."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Server:
    def __init__(self, binary: str, workdir: str, env: dict[str, str], port: int):
        self.binary = binary
        self.workdir = workdir
        self.env = env
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout=60.0) -> float:
        os.makedirs(self.workdir, exist_ok=True)
        self.logf = open(os.path.join(self.workdir, "server.log"), "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [self.binary, "serve"],
            cwd=self.workdir,
            env=self.env,
            stdout=self.logf,
            stderr=subprocess.STDOUT,
        )
        elapsed = wait_healthy(self.port, t0, timeout, self.proc)
        return elapsed

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cli(self, *args) -> str:
        r = subprocess.run(
            [self.binary, *args], cwd=self.workdir, env=self.env, capture_output=True, text=True
        )
        if r.returncode != 0:
            raise RuntimeError(f"concours {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def wait_healthy(port: int, t0: float, timeout: float, proc) -> float:
    """Polls GET /healthz as fast as it can; returns the seconds from t0 to the first 200."""
    req = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        if time.monotonic() - t0 > timeout:
            raise RuntimeError("the server did not answer /healthz in time")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(req)
                data = s.recv(64)
                if data.startswith(b"HTTP/1.1 200"):
                    return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.0005)


# --------------------------------------------------------------------------------------------
# A small HTTP client for the set-up (one connection per thread, kept alive).

_local = threading.local()


class ApiError(Exception):
    pass


def api(port, method, path, token=None, body=None, expect=None, timeout=600):
    conn = getattr(_local, "conn", None)
    if conn is None or getattr(_local, "port", None) != port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        _local.conn, _local.port = conn, port
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    headers = {}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    for attempt in range(2):
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            break
        except TimeoutError:
            conn.close()
            _local.conn = None
            raise
        except (http.client.HTTPException, ConnectionError):
            # A kept-alive connection the server closed meanwhile: once more, on a new one.
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            _local.conn = conn
            if attempt == 1:
                raise
    status = r.status
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    if expect is not None and status not in (expect if isinstance(expect, tuple) else (expect,)):
        raise ApiError(f"{method} {path}: {status} {payload}")
    return status, payload, dict(r.getheaders())


def pmap(fn, items, workers=16):
    with ThreadPoolExecutor(workers) as ex:
        return list(ex.map(fn, items))


# --------------------------------------------------------------------------------------------
# wrk


def wrk(url: str, duration: int, connections: int, threads: int = 2, script="get.lua", env=None):
    e = dict(os.environ)
    e["BENCH_LUA_DIR"] = LUA
    e["BENCH_THREADS"] = str(threads)
    e.update(env or {})
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        os.path.join(LUA, script),
        url,
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, env=e)
    line = next((l for l in r.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {r.stdout}\n{r.stderr}")
    out = json.loads(line[len("BENCH_JSON ") :])
    secs = out["duration_us"] / 1e6
    out["throughput_rps"] = round(out["requests"] / secs, 1)
    out["p50_ms"] = out["latency_us"]["p50"] / 1000
    out["p99_ms"] = out["latency_us"]["p99"] / 1000
    errs = sum(out["socket_errors"].values()) + out["non_2xx_3xx"]
    out["errors"] = errs
    out["command"] = " ".join(cmd)
    return out


# --------------------------------------------------------------------------------------------
# The database, directly (only where stated).


class Db:
    def __init__(self, url: str):
        self.url = url
        self.sqlite = url.startswith("sqlite://")

    def path(self):
        return self.url[len("sqlite://") :]

    def query(self, sql: str) -> list[tuple]:
        if self.sqlite:
            c = sqlite3.connect(self.path(), timeout=60)
            try:
                return c.execute(sql).fetchall()
            finally:
                c.close()
        r = subprocess.run(
            ["psql", self.url, "-At", "-F", "\t", "-c", sql], capture_output=True, text=True
        )
        if r.returncode:
            raise RuntimeError(r.stderr)
        return [tuple(l.split("\t")) for l in r.stdout.splitlines() if l]

    def scalar(self, sql: str):
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def bulk(self, table: str, columns: list[str], rows):
        """Inserts many rows in one transaction (SQLite) or one COPY (PostgreSQL)."""
        if self.sqlite:
            c = sqlite3.connect(self.path(), timeout=120)
            try:
                c.execute("BEGIN IMMEDIATE")
                c.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                    rows,
                )
                c.commit()
            finally:
                c.close()
            return

        def esc(v):
            if v is None:
                return "\\N"
            return (
                str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            )

        p = subprocess.Popen(
            ["psql", self.url, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"\\copy {table} ({', '.join(columns)}) FROM pstdin"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        buf = []
        for row in rows:
            buf.append("\t".join(esc(v) for v in row) + "\n")
            if len(buf) >= 10000:
                p.stdin.write("".join(buf))
                buf = []
        p.stdin.write("".join(buf))
        p.stdin.close()
        err = p.stderr.read()
        if p.wait():
            raise RuntimeError(err)


# --------------------------------------------------------------------------------------------
# The benchmark.


def criteria(n: int):
    return [
        {"key": f"c{i + 1}", "label": f"Criterion {i + 1}", "weight": i % 3 + 1, "max": 10}
        for i in range(n)
    ]


def rules(opens, deadline, judged, n_criteria=3, min_jurors=1, max_ideas=100):
    return {
        "opens_at": iso(opens),
        "submission_deadline": iso(deadline),
        "judging_deadline": iso(judged),
        "criteria": criteria(n_criteria),
        "currency": "EUR",
        "prizes": [
            {"label": "First prize", "amount_cents": 300_000},
            {"label": "Second prize", "amount_cents": 100_000},
        ],
        "minimum_score": 10,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": max_ideas,
        "blind_judging": True,
        "eligibility": "Anyone.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": min_jurors,
    }


IDEA_BODY = (
    "## What it is\n\nA deposit scheme for reusable cups, run by the shops of one street. "
    "Every cup carries a QR code; returning it anywhere in the street gives the deposit back.\n\n"
    "## Who it helps\n\nShops save on disposables, the street stays clean, customers pay nothing extra.\n\n"
    "## How we would test it\n\nThree shops, one month, counting cups out and cups back."
)


class Bench:
    def __init__(self, args):
        self.args = args
        self.binary = args.binary
        self.backend = "postgres" if args.postgres_url else "sqlite"
        self.suffix = "-postgres" if self.backend == "postgres" else ""
        self.results_dir = args.results
        os.makedirs(self.results_dir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=f"concours-bench-{self.backend}-")
        self.summary = {}

    # -- bookkeeping ---------------------------------------------------------------------------

    def write(self, scenario: str, data: dict):
        data = {
            "scenario": scenario,
            "backend": self.backend,
            "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            # Other work on the machine competes for the same cores: keep the load with the figures.
            "loadavg_1_5_15": open("/proc/loadavg").read().split()[:3],
            **data,
        }
        path = os.path.join(self.results_dir, f"{scenario}{self.suffix}.json")
        with open(path, "w") as f:
            json.dump(data, f, indent=2)
        self.summary[scenario] = data
        log(f"wrote {path}")

    def fresh_database_url(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite://{os.path.join(self.tmp, name, 'concours.db')}"
        admin = self.args.postgres_url
        dbname = f"concours_bench_{name}_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {dbname}"], check=True)
        base = admin.rsplit("/", 1)[0]
        return f"{base}/{dbname}"

    def server_env(self, workdir: str, port: int, db_url: str, smtp_port: int | None):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "CONCOURS_SERVER__BIND": f"127.0.0.1:{port}",
            "CONCOURS_SERVER__PUBLIC_URL": f"http://127.0.0.1:{port}",
            "CONCOURS_DATABASE__URL": db_url,
            "CONCOURS_STORAGE__DATA_DIR": os.path.join(workdir, "data"),
            "CONCOURS_MAIL__FILE_DIR": os.path.join(workdir, "data", "mail"),
        }
        # Limits meant for people, not for a benchmark that plays 434 of them from one address:
        # raised or switched off, when the source being benchmarked has them (an unknown key
        # would stop the server). They are not on the measured paths' fast lane either way.
        for section, key, value in (
            ("auth", "register_max_per_ip", "100000"),
            ("auth", "login_max_attempts_per_ip", "100000"),
            ("mail", "per_recipient_interval_seconds", "0"),
            ("ideas", "max_writes_per_window", "100000"),
        ):
            if config_has(section, key):
                env[f"CONCOURS_{section.upper()}__{key.upper()}"] = value
        if smtp_port:
            env["CONCOURS_MAIL__TRANSPORT"] = "smtp"
            env["CONCOURS_MAIL__SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}"
        return env

    # -- 6. start-up ---------------------------------------------------------------------------

    def startup(self):
        log("scenario startup: concours serve on an empty folder, 5 times")
        times, idle = [], []
        for i in range(5):
            workdir = os.path.join(self.tmp, f"startup-{i}")
            os.makedirs(workdir)
            port = free_port()
            if self.backend == "sqlite":
                # Nothing but the port: the default configuration, ./data in an empty folder.
                env = {
                    "PATH": os.environ.get("PATH", ""),
                    "HOME": os.environ.get("HOME", "/root"),
                    "CONCOURS_SERVER__BIND": f"127.0.0.1:{port}",
                }
            else:
                env = self.server_env(workdir, port, self.fresh_database_url(f"startup{i}"), None)
            s = Server(self.binary, workdir, env, port)
            try:
                times.append(s.start())
                time.sleep(3)  # idle: the scheduler and the mail worker tick meanwhile
                idle.append(proc_status(s.pid))
            finally:
                s.stop()
        self.write(
            "startup",
            {
                "runs": len(times),
                "first_200_ms": [round(t * 1000, 1) for t in times],
                "first_200_ms_median": round(statistics.median(times) * 1000, 1),
                "idle_rss_bytes": [m.get("VmRSS") for m in idle],
                "idle_rss_mb_median": round(statistics.median(m.get("VmRSS", 0) for m in idle) / 2**20, 1),
                "peak_rss_mb_max": round(max(m.get("VmHWM", 0) for m in idle) / 2**20, 1),
                "targets": {"first_200_ms": 300, "idle_rss_mb": 30},
                "note": "time from spawning `concours serve` (empty folder: migrations, secret, "
                "pool) to the first 200 of GET /healthz, polled every 0.5 ms; idle RSS 3 s later",
            },
        )

    # -- the main instance ---------------------------------------------------------------------

    def start_main(self):
        self.sink = Sink()
        self.workdir = os.path.join(self.tmp, "main")
        os.makedirs(self.workdir)
        self.port = free_port()
        self.db_url = self.fresh_database_url("main")
        self.db = Db(self.db_url)
        env = self.server_env(self.workdir, self.port, self.db_url, self.sink.port)
        self.server = Server(self.binary, self.workdir, env, self.port)
        self.server.start()
        log(f"server pid {self.server.pid} on {self.server.base}, database {self.db_url}")

    def call(self, method, path, token=None, body=None, expect=None, timeout=600):
        return api(self.port, method, path, token, body, expect, timeout)

    def register_people(self, emails: list[str]) -> dict[str, dict]:
        """Registers, verifies (link from the mail) and signs in; returns email -> {id, token}."""
        t0 = time.monotonic()

        def reg(e):
            _, body, _ = self.call(
                "POST",
                "/api/v1/auth/register",
                body={"email": e, "password": PASSWORD, "display_name": e.split("@")[0]},
                expect=201,
            )
            return body["id"]

        ids = dict(zip(emails, pmap(reg, emails, 8)))
        wanted = {e.lower() for e in emails}
        deadline = time.monotonic() + 120
        while True:
            links = self.sink.links("/verify?token=")
            if wanted <= set(links):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"verification mail missing for {len(wanted - set(links))} accounts")
            time.sleep(0.2)

        def verify(e):
            token = urllib.parse.unquote(links[e.lower()])
            self.call("POST", "/api/v1/auth/verify", body={"token": token}, expect=200)

        pmap(verify, emails, 8)

        def login(e):
            _, body, _ = self.call(
                "POST", "/api/v1/auth/login", body={"email": e, "password": PASSWORD}, expect=200
            )
            return body["token"]

        tokens = dict(zip(emails, pmap(login, emails, 8)))
        log(f"{len(emails)} accounts registered, verified and signed in in {time.monotonic() - t0:.1f}s")
        return {e: {"id": ids[e], "token": tokens[e]} for e in emails}

    def make_contest(self, title, rules_doc, jurors: list[str], open_now=True):
        brand = self.brand
        _, c, _ = self.call(
            "POST",
            "/api/v1/contests",
            brand,
            {"organization_id": self.org, "title": title, "brief": f"The brief of {title}.", "rules": rules_doc},
            expect=201,
        )
        cid = c["id"]
        _, f, _ = self.call(
            "POST", f"/api/v1/contests/{cid}/fundings", brand,
            {"amount_cents": 400_000, "reference": f"BENCH-{cid[:8]}"}, expect=201,
        )
        self.call("POST", f"/api/v1/admin/fundings/{f['id']}/confirm", self.admin, expect=200)
        for j in jurors:
            self.call("POST", f"/api/v1/contests/{cid}/jurors", brand, {"email": j}, expect=201)
        return cid

    def accept_invitations(self, cid: str, title: str, jurors: list[str]):
        wanted = {j.lower() for j in jurors}
        deadline = time.monotonic() + 120
        while True:
            # The newest invitation to each juror is for this contest (contests are set up one
            # after the other, and we wait for each one's invitations here).
            mine = {}
            for rcpts, text in self.sink.texts():
                if title not in text:
                    continue
                m = re.search(r"/jury-invitations/([A-Za-z0-9_\-\.~%]+)", text)
                if m:
                    for r in rcpts:
                        mine[r.lower()] = m.group(1)
            if wanted <= set(mine):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(wanted - set(mine))} jury invitations missing for {cid}")
            time.sleep(0.2)

        def accept(j):
            self.call(
                "POST", f"/api/v1/jury-invitations/{mine[j.lower()]}/accept",
                self.people[j]["token"], expect=200,
            )

        pmap(accept, jurors, 8)

    def setup(self):
        t0 = time.monotonic()
        n_authors = self.args.authors
        self.authors = [f"author{i:04d}@ideas.example" for i in range(n_authors)]
        self.jurors = [f"juror{i:02d}@jury.example" for i in range(32)]
        owner, admin = "brand@bench.example", "admin@bench.example"
        self.people = self.register_people([owner, admin] + self.jurors + self.authors)
        self.server.cli("admin", "grant", admin)
        _, body, _ = self.call(
            "POST", "/api/v1/auth/login", body={"email": admin, "password": PASSWORD}, expect=200
        )
        self.admin = body["token"]
        self.brand = self.people[owner]["token"]
        _, org, _ = self.call("POST", "/api/v1/organizations", self.brand, {"name": "Bench Brand"}, expect=201)
        self.org = org["id"]

        now = datetime.now(timezone.utc)
        # The contest of scenarios 1 and 2: open for a day.
        self.open_contest = self.make_contest(
            "Deadline rush", rules(now - timedelta(minutes=1), now + timedelta(days=1), now + timedelta(days=2)),
            self.jurors[:1],
        )
        self.accept_invitations(self.open_contest, "Deadline rush", self.jurors[:1])
        self.call("POST", f"/api/v1/contests/{self.open_contest}/open", self.brand, expect=200)

        # The jury contest (scenario 3) and the award contests (scenario 4): their submission
        # deadline passes while scenarios 1, 2 and 5 run, then they are in judging.
        lead = timedelta(seconds=self.args.judging_lead)
        self.jury_contest = self.make_contest(
            "Jury evening", rules(now - timedelta(minutes=1), now + lead, now + timedelta(days=2),
                                  n_criteria=3, min_jurors=32),
            self.jurors,
        )
        self.accept_invitations(self.jury_contest, "Jury evening", self.jurors)
        self.award_contests = {}
        for size in self.args.award_sizes:
            cid = self.make_contest(
                f"Award {size}", rules(now - timedelta(minutes=1), now + lead, now + timedelta(days=2),
                                       n_criteria=5, min_jurors=10),
                self.jurors[:10],
            )
            self.accept_invitations(cid, f"Award {size}", self.jurors[:10])
            self.award_contests[size] = cid
        for cid in [self.jury_contest, *self.award_contests.values()]:
            self.call("POST", f"/api/v1/contests/{cid}/open", self.brand, expect=200)
        self.judging_at = now + lead
        # The jury contest's entries, through the API.
        n_jury = self.args.jury_entries

        def submit(i):
            author = self.authors[i % len(self.authors)]
            self.call(
                "POST", f"/api/v1/contests/{self.jury_contest}/ideas", self.people[author]["token"],
                {"title": f"Jury idea {i}", "summary": "One sentence.", "body": IDEA_BODY, "accept_terms": True},
                expect=201,
            )

        pmap(submit, range(n_jury), 8)
        if datetime.now(timezone.utc) >= self.judging_at:
            raise RuntimeError("set-up took longer than --judging-lead; raise it")
        # (Direct inserts do not depend on the phase: they may run past the deadline.)
        log(f"jury contest: {n_jury} entries submitted through the API")
        # The award contests' entries and sheets go straight into the database, each just
        # before its award (scenario_award), so that a size never reached costs nothing.
        log(f"set-up done in {time.monotonic() - t0:.1f}s")

    def load_award_contest(self, size: int, cid: str):
        """Inserts `size` submitted entries with a receipt each, and a complete sheet from each
        of the 10 jurors (5 criteria): the rows the API would have written, minus the audit
        events of the submissions and sheets."""
        t0 = time.monotonic()
        rules_hash = self.db.scalar(f"SELECT rules_hash FROM contests WHERE id = '{cid}'")
        jurors = [r[0] for r in self.db.query(f"SELECT id FROM jurors WHERE contest_id = '{cid}' AND status = 'accepted'")]
        assert len(jurors) == 10, jurors
        author_ids = [self.people[a]["id"] for a in self.authors]
        base = datetime.now(timezone.utc) - timedelta(seconds=size // 1000 + 5)
        ideas, revisions = [], []
        for i in range(size):
            at = db_time(base + timedelta(microseconds=1000 * i))
            iid = str(uuid.uuid4())
            title = f"Entry {i}"
            ideas.append((iid, cid, author_ids[i % len(author_ids)], title, "One sentence.", IDEA_BODY,
                          "submitted", 1, at, at, at, at))
            revisions.append((iid, 1, title, "One sentence.", IDEA_BODY,
                              hashlib.sha256(f"{iid}".encode()).hexdigest(), at, rules_hash))
        self.db.bulk("ideas", ["id", "contest_id", "author_id", "title", "summary", "body", "status",
                               "revision", "first_submitted_at", "submitted_at", "created_at", "updated_at"], ideas)
        self.db.bulk("idea_revisions", ["idea_id", "revision", "title", "summary", "body", "content_sha256",
                                        "received_at", "rules_hash"], revisions)
        now = db_time(datetime.now(timezone.utc))
        keys = [f"c{c + 1}" for c in range(5)]
        ids = [row[0] for row in ideas]
        del ideas, revisions

        def sheets():
            for j in jurors:
                for i, iid in enumerate(ids):
                    yield (j, iid, None if i % 7 else "Promising.", now)

        def scores():
            for k, j in enumerate(jurors):
                for i, iid in enumerate(ids):
                    for c in range(5):
                        yield (j, iid, keys[c], (i * 7 + k * 3 + c * 5) % 11, now)

        self.db.bulk("score_sheets", ["juror_id", "idea_id", "comment", "updated_at"], sheets())
        self.db.bulk("scores", ["juror_id", "idea_id", "criterion", "value", "updated_at"], scores())
        log(f"award contest {size}: {size} entries, {size * 50} scores inserted in {time.monotonic() - t0:.1f}s")

    # -- 1. contest page -----------------------------------------------------------------------

    def scenario_pages(self):
        d, c = self.args.duration, 64
        cid = self.open_contest
        page = f"{self.server.base}/contests/{cid}"
        jsonu = f"{self.server.base}/api/v1/contests/{cid}"
        asset = f"{self.server.base}/assets/concours.css"
        out = {"connections": c, "duration_s": d, "runs": {}}
        # Conditional GET support (the issue asks for an ETag and 304 on frozen contests).
        cond = {}
        for name, url in (("page", page), ("json", jsonu), ("asset", asset)):
            path = urllib.parse.urlparse(url).path
            st, _, h = self.call("GET", path)
            etag = {k.lower(): v for k, v in h.items()}.get("etag")
            st2 = None
            if etag:
                conn = http.client.HTTPConnection("127.0.0.1", self.port)
                conn.request("GET", path, headers={"If-None-Match": etag})
                r = conn.getresponse()
                r.read()
                st2 = r.status
                conn.close()
            cond[name] = {"status": st, "etag": etag, "if_none_match_status": st2}
        out["conditional_get"] = cond
        for name, url in (("asset", asset), ("page", page), ("json", jsonu)):
            r0 = proc_status(self.server.pid).get("VmRSS", 0)
            reset_peak(self.server.pid)
            cpu0 = cpu_seconds(self.server.pid)
            log(f"scenario pages: {name} {url}")
            r = wrk(url, d, c)
            r["server_cpu_s"] = round(cpu_seconds(self.server.pid) - cpu0, 2)
            r["peak_rss_mb"] = round(proc_status(self.server.pid).get("VmHWM", 0) / 2**20, 1)
            r["rss_before_mb"] = round(r0 / 2**20, 1)
            out["runs"][name] = r
            time.sleep(1)
        for name in ("page", "json"):
            if cond[name]["etag"]:
                log(f"scenario pages: {name} revalidation (If-None-Match)")
                r = wrk(
                    page if name == "page" else jsonu, d, c,
                    env={"BENCH_HEADER": f"If-None-Match: {cond[name]['etag']}"},
                )
                out["runs"][f"{name}_304"] = r
        a = out["runs"]["asset"]["throughput_rps"]
        out["ratio_page_to_asset"] = round(out["runs"]["page"]["throughput_rps"] / a, 3)
        out["ratio_json_to_asset"] = round(out["runs"]["json"]["throughput_rps"] / a, 3)
        out["targets"] = {"ratio_to_asset": 0.5, "p99_ms": 20}
        self.write("pages", out)

    # -- 2. deadline rush ----------------------------------------------------------------------

    def scenario_rush(self):
        d, c = self.args.duration, 64
        cid = self.open_contest
        before = int(self.db.scalar(
            f"SELECT count(*) FROM ideas WHERE contest_id = '{cid}' AND status = 'submitted'"))
        path = os.path.join(self.tmp, "rush.tsv")
        per_author = 100  # rules.max_ideas_per_person's upper bound
        with open(path, "w") as f:
            for k in range(per_author):
                for i, a in enumerate(self.authors):
                    body = json.dumps({
                        "title": f"Rush idea {k} of author {i}",
                        "summary": "A deposit scheme for reusable cups, run by the shops of one street.",
                        "body": IDEA_BODY,
                        "accept_terms": True,
                    })
                    f.write(f"POST\t/api/v1/contests/{cid}/ideas\t{self.people[a]['token']}\t{body}\n")
        r0 = proc_status(self.server.pid).get("VmRSS", 0)
        reset_peak(self.server.pid)
        cpu0 = cpu_seconds(self.server.pid)
        log(f"scenario rush: 64 connections submitting ideas for {d}s ({len(self.authors)} authors)")
        r = wrk(f"{self.server.base}/", d, c, script="requests.lua", env={"BENCH_REQUESTS": path})
        r["server_cpu_s"] = round(cpu_seconds(self.server.pid) - cpu0, 2)
        r["peak_rss_mb"] = round(proc_status(self.server.pid).get("VmHWM", 0) / 2**20, 1)
        time.sleep(3)  # the requests wrk left in flight finish meanwhile
        after = int(self.db.scalar(
            f"SELECT count(*) FROM ideas WHERE contest_id = '{cid}' AND status = 'submitted'"))
        created = r["status"].get("201", 0)
        r["rss_before_mb"] = round(r0 / 2**20, 1)
        r["accepted_per_s"] = round(created / (r["duration_us"] / 1e6), 1)
        r["rows_added"] = after - before
        r["rows_equal_201s"] = (after - before) == created
        r["capacity"] = per_author * len(self.authors)
        r["rows_minus_201s_note"] = ("wrk stops with up to 64 requests in flight: the server commits "
                                     "them but wrk never counts their answers")
        # An exact check: 64 clients, 25 submissions each, every answer read.
        before = after
        authors = [a for a in self.authors]

        def burst(i):
            n = 0
            for k in range(25):
                a = authors[(i * 25 + k) % len(authors)]
                st, _, _ = self.call("POST", f"/api/v1/contests/{cid}/ideas", self.people[a]["token"],
                                     {"title": f"Burst {i}-{k}", "summary": "One sentence.",
                                      "body": IDEA_BODY, "accept_terms": True})
                n += st == 201
            return n

        created2 = sum(pmap(burst, range(64), 64))
        time.sleep(1)
        after2 = int(self.db.scalar(
            f"SELECT count(*) FROM ideas WHERE contest_id = '{cid}' AND status = 'submitted'"))
        r["exact_check"] = {"requests": 64 * 25, "answered_201": created2, "rows_added": after2 - before,
                            "equal": created2 == after2 - before}
        r["targets"] = {"accepted_per_s": 1000, "p99_ms": 100, "errors": 0}
        self.write("rush", r)

    # -- 5. mail -------------------------------------------------------------------------------

    def scenario_mail(self):
        n = self.args.mail_messages
        # Queue n messages as the API would (one outbox row each, rendered and sent by the worker):
        # copies of a real queued verification message, to distinct addresses, inserted directly.
        row = self.db.query(
            "SELECT template, locale, context FROM outbox WHERE template = 'verify_email' LIMIT 1")[0]
        template, locale, context = row
        fmt_sample = self.db.scalar("SELECT next_attempt_at FROM outbox LIMIT 1")
        now_dt = datetime.now(timezone.utc) - timedelta(seconds=1)
        now = db_time(now_dt)
        if self.db.sqlite and "T" in str(fmt_sample):
            now = now.replace(" ", "T")
        rows = [
            (str(uuid.uuid4()), template, f"mail{i:05d}@bench.example", locale, context, "pending", 0, now, now)
            for i in range(n)
        ]
        for _ in range(600):
            if int(self.db.scalar("SELECT count(*) FROM outbox WHERE status = 'pending'")) == 0:
                break
            time.sleep(0.5)
        before = self.sink.count()
        rss0 = proc_status(self.server.pid).get("VmRSS", 0)
        reset_peak(self.server.pid)
        cpu0 = cpu_seconds(self.server.pid)
        log(f"scenario mail: {n} messages queued, waiting for the SMTP sink")
        t0 = time.monotonic()
        self.db.bulk("outbox", ["id", "template", "recipient", "locale", "context", "status", "attempts",
                                "next_attempt_at", "created_at"], rows)
        t_insert = time.monotonic() - t0
        timeout = self.args.mail_timeout
        got = 0
        while time.monotonic() - t0 < timeout:
            got = self.sink.count(lambda m: m[1] and m[1][0].startswith("mail"))
            if got >= n:
                break
            time.sleep(0.05)
        elapsed = time.monotonic() - t0
        with self.sink.lock:
            stamps = [m[0] for m in self.sink.messages[before:] if m[1] and m[1][0].startswith("mail")]
        first = (stamps[0] - t0) if stamps else None
        self.write("mail", {
            "messages": n,
            "delivered": got,
            "seconds_to_all_delivered": round(elapsed, 2) if got >= n else None,
            "timed_out_after_s": None if got >= n else timeout,
            "first_delivery_after_s": round(first, 3) if first is not None else None,
            "insert_seconds": round(t_insert, 2),
            "messages_per_s": round(got / elapsed, 1),
            "server_cpu_s": round(cpu_seconds(self.server.pid) - cpu0, 2),
            "peak_rss_mb": round(proc_status(self.server.pid).get("VmHWM", 0) / 2**20, 1),
            "rss_before_mb": round(rss0 / 2**20, 1),
            "failed_in_outbox": int(self.db.scalar("SELECT count(*) FROM outbox WHERE status = 'failed'")),
            "targets": {"seconds": 20},
            "note": "the outbox rows were inserted directly (copies of a queued verify_email message); "
            "the clock starts before the insert; the SMTP server is aiosmtpd in the benchmark's own "
            "Python process, on the same 2 cores",
        })

    # -- 3. jury -------------------------------------------------------------------------------

    def wait_judging(self, cid):
        wait = (self.judging_at - datetime.now(timezone.utc)).total_seconds()
        if wait > 0:
            log(f"waiting {wait:.0f}s for the submission deadline")
            time.sleep(wait + 0.5)
        for _ in range(100):
            _, c, _ = self.call("GET", f"/api/v1/contests/{cid}")
            if c["phase"] == "judging":
                return
            time.sleep(0.2)
        raise RuntimeError(f"contest {cid} never reached judging: {c['phase']}")

    def scenario_jury(self):
        cid = self.jury_contest
        self.wait_judging(cid)
        d, c = self.args.duration, 32
        path = os.path.join(self.tmp, "jury.tsv")
        t0 = time.monotonic()
        lists = {}

        def entries(j):
            _, body, _ = self.call("GET", f"/api/v1/contests/{cid}/jury/entries", self.people[j]["token"], expect=200)
            return [e["entry_id"] for e in body["entries"]]

        for j, ids in zip(self.jurors, pmap(entries, self.jurors, 8)):
            lists[j] = ids
        t_lists = time.monotonic() - t0
        n_entries = len(next(iter(lists.values())))
        with open(path, "w") as f:
            for k in range(n_entries):
                for i, j in enumerate(self.jurors):
                    eid = lists[j][(k + i) % len(lists[j])]
                    body = json.dumps({
                        "scores": {"c1": (k + i) % 11, "c2": (k * 3 + i) % 11, "c3": (k * 7) % 11},
                        "comment": "Clear and testable; the budget needs detail.",
                    })
                    f.write(f"PUT\t/api/v1/contests/{cid}/jury/entries/{eid}/scores\t{self.people[j]['token']}\t{body}\n")
        reset_peak(self.server.pid)
        cpu0 = cpu_seconds(self.server.pid)
        log(f"scenario jury: 32 jurors saving sheets for {d}s ({n_entries} entries each)")
        r = wrk(f"{self.server.base}/", d, c, script="requests.lua", env={"BENCH_REQUESTS": path})
        r["server_cpu_s"] = round(cpu_seconds(self.server.pid) - cpu0, 2)
        r["peak_rss_mb"] = round(proc_status(self.server.pid).get("VmHWM", 0) / 2**20, 1)
        r["entries"] = n_entries
        r["jurors"] = 32
        r["entry_lists_seconds"] = round(t_lists, 2)
        r["targets"] = {"p99_ms": 20}
        self.write("jury", r)

    # -- 4. award ------------------------------------------------------------------------------

    def scenario_award(self):
        out = {"runs": {}}
        for size, cid in self.award_contests.items():
            self.wait_judging(cid)
            self.load_award_contest(size, cid)
            # (The SMTP sink is stopped by now: queued mail fails once and backs off for 30 s.)
            reset_peak(self.server.pid)
            rss0 = proc_status(self.server.pid).get("VmRSS", 0)
            cpu0 = cpu_seconds(self.server.pid)
            log(f"scenario award: {size} entries x 10 jurors x 5 criteria")
            t0 = time.monotonic()
            try:
                st, body, _ = self.call("POST", f"/api/v1/contests/{cid}/award", self.brand,
                                        timeout=self.args.award_timeout)
            except (TimeoutError, socket.timeout, OSError) as e:
                st, body = None, {"error": f"no answer within {self.args.award_timeout}s ({e})"}
                _local.conn = None
            elapsed = time.monotonic() - t0
            run = {
                "entries": size,
                "jurors": 10,
                "criteria": 5,
                "scores": size * 50,
                "status": st,
                "seconds": round(elapsed, 3),
                "server_cpu_s": round(cpu_seconds(self.server.pid) - cpu0, 2),
                "rss_before_mb": round(rss0 / 2**20, 1),
                "peak_rss_mb": round(proc_status(self.server.pid).get("VmHWM", 0) / 2**20, 1),
                "ranked": len(body.get("ranking", [])) if isinstance(body, dict) else None,
                "payouts_total_cents": body.get("total_paid_cents") if isinstance(body, dict) else None,
            }
            if st != 200:
                run["error"] = body
            out["runs"][str(size)] = run
            log(f"award {size}: {st} in {elapsed:.2f}s, peak {run['peak_rss_mb']} MB")
            if st is None:
                # The request is still running in the server; later figures would be polluted.
                break
        out["targets"] = {"seconds_at_10000": 2, "peak_rss_mb": 200}
        out["note"] = ("POST /api/v1/contests/{id}/award by a member (the early, manual award: it also "
                       "checks that every sheet is complete). Entries, receipts and sheets were "
                       "inserted directly into the database, not through the API.")
        self.write("award", out)

    # -- run -----------------------------------------------------------------------------------

    def run(self):
        wanted = set(self.args.scenarios.split(","))
        try:
            if "startup" in wanted:
                self.startup()
            if wanted & {"pages", "rush", "mail", "jury", "award"}:
                self.start_main()
                self.setup()
                if "mail" in wanted:
                    self.scenario_mail()
                if "pages" in wanted:
                    self.scenario_pages()
                if "rush" in wanted:
                    self.scenario_rush()
                # Further mail (judging started, results) is refused from now on, so that the
                # worker does not compete with the award: it backs off after one failure.
                self.sink.stop()
                if "jury" in wanted:
                    self.scenario_jury()
                if "award" in wanted:
                    self.scenario_award()
        finally:
            if getattr(self, "server", None):
                self.server.stop()
            if getattr(self, "sink", None):
                self.sink.stop()
            if not self.args.keep:
                shutil.rmtree(self.tmp, ignore_errors=True)
            else:
                log(f"kept {self.tmp}")
        with open(os.path.join(self.results_dir, f"summary{self.suffix}.json"), "w") as f:
            json.dump(self.summary, f, indent=2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--results", default=os.path.join(HERE, "results"))
    p.add_argument("--postgres-url", help="admin URL of a PostgreSQL server (runs on PostgreSQL)")
    p.add_argument("--scenarios", default="startup,pages,rush,mail,jury,award")
    p.add_argument("--duration", type=int, default=10, help="seconds of load per wrk run")
    p.add_argument("--authors", type=int, default=400)
    p.add_argument("--jury-entries", type=int, default=200)
    p.add_argument("--award-sizes", default="100,300,1000,10000,100000",
                   help="entries per award contest, in increasing order; stops at the first timeout")
    p.add_argument("--judging-lead", type=int, default=90,
                   help="seconds from set-up to the jury and award contests' submission deadline")
    p.add_argument("--mail-messages", type=int, default=10_000)
    p.add_argument("--mail-timeout", type=int, default=60)
    p.add_argument("--award-timeout", type=int, default=120)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args()
    args.award_sizes = [int(x) for x in args.award_sizes.split(",") if x]
    Bench(args).run()


if __name__ == "__main__":
    main()
