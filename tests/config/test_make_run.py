"""`make run`'s supervisor (scripts/run-dev.sh): Ctrl-C stops the web server, the worker and beat
once and cleanly (the old `trap 'kill 0'` re-triggered itself: thousands of "Warm shutdown" lines,
a RecursionError, a segfault)."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its (gone) parent's init.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ", 1)[1][0] != "Z"


def test_ctrl_c_stops_the_server_worker_and_beat_once(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PORTAL_", "CELERY_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env |= {
        "DJANGO_DEBUG": "1",
        "PORTAL_VAR_DIR": str(tmp_path),  # SQLite and the file-system broker, nothing shared
        "PORTAL_PORT": str(_free_port()),
        "VENV": str(Path(sys.executable).parent.parent),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    log = tmp_path / "run.log"
    with log.open("w") as out:
        # A terminal's foreground job: its own process group, which Ctrl-C signals as a whole.
        run = subprocess.Popen(
            ["scripts/run-dev.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            assert wait_for(lambda: _answers(int(env["PORTAL_PORT"])), timeout=120)
            assert wait_for(lambda: "ready." in log.read_text(), timeout=120)  # the worker
            started = _descendants(run.pid)
            os.killpg(run.pid, signal.SIGINT)
            returncode = run.wait(timeout=90)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
    output = log.read_text()
    assert returncode == 0, output
    assert output.count("Stopping the portal") == 1, output
    assert output.count("Warm shutdown") <= 1, output
    for symptom in ("RecursionError", "Segmentation fault", "Traceback"):
        assert symptom not in output, output
    # The web server (and its autoreloader child), the worker and beat: none is left behind.
    assert len(started) >= 3
    assert wait_for(lambda: not any(_alive(pid) for pid in started), timeout=30), started
