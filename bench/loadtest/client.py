"""Runs the locust client (headless) against a started stack and reads back its samples."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from bench.loadtest import report
from bench.loadtest.cpu import CpuSampler
from bench.loadtest.stack import BIN, ROOT, Stack


def start_client(stack: Stack, users: int, seconds: float, accounts: Path, samples: Path):
    """Starts locust; returns the process and the hard time bound of the run (seconds)."""
    env = {**os.environ, "LOADTEST_ACCOUNTS": str(accounts), "LOADTEST_SAMPLES": str(samples),
           "LOADTEST_SECONDS": str(seconds)}
    # Hard bound: sign-ins (a full PBKDF2 check each) plus the window plus a margin.
    bound = int(seconds + 60 + users * 1.5)
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "loadtest" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(min(users, 10)), "-t", f"{bound}s", "--host", stack.base_url,
               "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    log = (samples.parent / f"{samples.stem}.log").open("w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), bound


def wait_client(process: subprocess.Popen, bound: int) -> None:
    try:
        process.wait(timeout=bound + 60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_samples(samples: Path, users: int) -> dict:
    data = json.loads(samples.read_text()) if samples.exists() else {}
    if not data.get("measure_from"):
        raise RuntimeError(f"{users} utilisateurs : tous ne se sont pas connectés dans le délai "
                           f"({data.get('ready', 0)} prêts) ; voir {samples.parent}/{samples.stem}.log")
    return data


def run_level(stack: Stack, users: int, seconds: float, accounts: Path, workdir: Path) -> report.Level:
    """One level: locust with ``users`` simulated users, the CPU of each part sampled meanwhile."""
    samples_path = workdir / f"samples-{users}.json"
    client, bound = start_client(stack, users, seconds, accounts, samples_path)
    sampler = CpuSampler(gunicorn_pid=stack.gunicorn.pid, celery_pid=stack.celery.pid if stack.celery else None,
                         locust_pid=client.pid, database=stack.database_url.rsplit("/", 1)[1])
    sampler.start()
    try:
        wait_client(client, bound)
    finally:
        sampler.stop()
    data = read_samples(samples_path, users)
    start, end = data["measure_from"], data["until"]
    return report.summarise(users, data["samples"], end - start, sampler.usage(start, end))


