"""`jtflow serve` as a real process: it starts on the database it is given and answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from engine.config import PROJECT_ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_app_with_its_scheduler(db_url, tmp_path: Path):
    port = free_port()
    env = {**os.environ, "JTFLOW_DATABASE_URL": db_url}
    jtflow = [sys.executable, "-c", "from cli.main import main; main()"]
    server = subprocess.Popen(
        [*jtflow, "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20  # a real process: poll, with a bound
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                    assert response.status == 200
                    assert "登录" in response.read().decode()
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "jtflow serve did not answer in 20 s"
                time.sleep(0.1)
    finally:
        server.terminate()
        server.communicate(timeout=10)
