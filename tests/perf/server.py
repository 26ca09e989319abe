"""`regulars serve` as a real process pinned to its cores, for one benchmark configuration."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]


class BenchServer:
    def __init__(self, process: subprocess.Popen, url: str, log_path: Path) -> None:
        self.process = process
        self.url = url
        self.log_path = log_path

    @classmethod
    def start(cls, env: dict[str, str], workers: int, cpus: str, log_dir: Path) -> "BenchServer":
        port = free_port()
        log_path = log_dir / f"server-{port}.log"
        full_env = {
            **os.environ, **env,
            "REGULARS_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "REGULARS_LOG_LEVEL": "WARNING",
            "REGULARS_RUN_JOBS_IN_SERVER": "0",
        }
        command = ["taskset", "-c", cpus, sys.executable, "-m", "regulars.cli", "serve",
                   "--port", str(port), "--workers", str(workers)]
        process = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=log_path.open("ab"),
                                   stderr=subprocess.STDOUT, start_new_session=True)
        server = cls(process, f"http://127.0.0.1:{port}", log_path)
        server.wait_ready(workers)
        return server

    @property
    def host_port(self) -> tuple[str, int]:
        host, port = self.url.removeprefix("http://").split(":")
        return host, int(port)

    def wait_ready(self, workers: int, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        ready = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                # Every worker must answer: fresh connections are spread across them.
                ready = ready + 1 if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200 else 0
                if ready >= 4 * workers:
                    time.sleep(0.5 if workers > 1 else 0)
                    return
            except httpx.HTTPError:
                ready = 0
            time.sleep(0.05)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.log()}")

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        """What the server logged after `offset` (a `log_size()` taken earlier)."""
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
