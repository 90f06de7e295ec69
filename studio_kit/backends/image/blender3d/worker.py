"""The Blender render worker: a child process that owns ``bpy`` and the built scene.

``bpy`` never loads into the caller: a dashboard's server thread only waits on a pipe
(no GIL held, other requests keep being served), a Blender crash ends the worker, not
the caller (the next call starts a fresh one), and the sets and mannequins built by one
shot stay cached for the next. Messages are length-prefixed pickles over the child's
stdin / a duplicate of its stdout; Blender's own console output goes to a log file.

Run as ``python -m studio_kit.backends.image.blender3d.worker`` (the client does this).
"""
from __future__ import annotations

import atexit
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import tempfile
import threading
import traceback
from typing import IO, Any

from studio_kit.backends.cache import MODELS
from studio_kit.exceptions import ImageError

_HEADER = struct.Struct("!Q")


def _send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            raise EOFError("render worker closed its pipe")
        buf += chunk
    return buf


def _recv(stream: IO[bytes]) -> Any:
    (n,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, n))


# -- the child ---------------------------------------------------------------------------

def _handle(stage: Any, msg: dict[str, Any]) -> Any:
    op = msg["op"]
    if op == "ping":
        return {"pid": os.getpid()}
    if op == "stats":
        return {"max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **stage.builds}
    if op == "render":
        return stage.render(msg["frame"], msg["dir"], msg["stem"], msg["outputs"])
    if op == "sequence":  # one staging, many cameras (a camera move)
        out = []
        for i, cam in enumerate(msg["cameras"]):
            frame = {**msg["frame"], "camera": cam}
            out.append(stage.render(frame, msg["dir"], f"{msg['stem']}-{i:04d}", msg["outputs"]))
        return out
    raise ValueError(f"unknown worker op {op!r}")


def main() -> None:  # pragma: no cover - runs in the child process
    proto_out = os.fdopen(os.dup(1), "wb")
    proto_in = os.fdopen(os.dup(0), "rb")
    log = os.open(os.environ.get("STUDIO_BLENDER_LOG", os.devnull), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)  # Blender prints progress to stdout and stderr: keep the protocol stream clean
    os.dup2(log, 2)  # (Python's own prints and tracebacks land in the log too)
    # bpy loads here, in the child, after the redirect: importing it prints, and the caller must never load it
    from studio_kit.backends.image.blender3d import scene

    stage = scene.Stage()
    _send(proto_out, ("ready", os.getpid()))
    while True:
        try:
            msg = _recv(proto_in)
        except EOFError:
            break
        if msg is None:
            break
        try:
            _send(proto_out, ("ok", _handle(stage, msg)))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, the worker stays up
            _send(proto_out, ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()))


# -- the client ----------------------------------------------------------------------------

class RenderWorker:
    """A handle on one worker process; thread-safe (one request at a time), restarts after a crash."""

    def __init__(self, start_timeout: float = 120.0) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.start_timeout = start_timeout
        self.log_path = os.path.join(tempfile.gettempdir(), f"studio-blender-{os.getpid()}.log")
        self.starts = 0

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _start(self) -> None:
        env = {**os.environ, "STUDIO_BLENDER_LOG": self.log_path}
        self._proc = subprocess.Popen([sys.executable, "-m", "studio_kit.backends.image.blender3d.worker"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.starts += 1
        status = self._read(self.start_timeout, starting=True)
        if status[0] != "ready":  # pragma: no cover - protocol guard
            raise ImageError("The Blender render worker did not start.", hint=f"See its log: {self.log_path}")

    def _read(self, timeout: float, starting: bool = False) -> Any:
        assert self._proc is not None and self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], timeout)
        if not ready:
            self.close(kill=True)
            raise ImageError(f"The Blender render worker did not answer within {timeout:.0f} s and was stopped.",
                             hint="Render at a smaller size or with Workbench; the next render starts a fresh worker.")
        try:
            return _recv(self._proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            code = self._proc.poll()
            self._proc = None
            what = "start" if starting else "finish the render"
            raise ImageError(f"The Blender render worker stopped before it could {what} (exit code {code}).",
                             hint=f"See its log: {self.log_path}; the next render starts a fresh worker.") from exc

    def call(self, msg: dict[str, Any], timeout: float = 600.0) -> Any:
        with self._lock:
            if not self.alive:
                self._start()
            assert self._proc is not None and self._proc.stdin is not None
            try:
                _send(self._proc.stdin, msg)
            except (BrokenPipeError, OSError) as exc:
                self._proc = None
                raise ImageError("The Blender render worker is gone.", hint="Try again: a fresh worker starts.") from exc
            reply = self._read(timeout)
        if reply[0] == "error":
            raise ImageError(f"Blender could not render the shot: {reply[1]}",
                             hint=f"This is a previz bug if the request was valid; details in {self.log_path}.")
        return reply[1]

    def close(self, kill: bool = False) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if not kill and proc.stdin:
                _send(proc.stdin, None)
                proc.stdin.close()
                proc.wait(timeout=10)
        except (OSError, ValueError, subprocess.TimeoutExpired):  # closing down either way: killed below
            proc.kill()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def shared_worker() -> RenderWorker:
    """The process-wide worker (its scene cache is shared by every backend instance), kept in the
    model cache like any other loaded model."""

    def start() -> RenderWorker:
        worker = RenderWorker()
        atexit.register(worker.close)
        return worker

    worker: RenderWorker = MODELS.get_or_load(("image.blender3d", "worker"), start)
    return worker


if __name__ == "__main__":  # pragma: no cover
    main()
