"""One writer per project: a command that writes `content/`, `.cache/` or `site/` holds an flock
on `.cache/lock` while it does; `check`, which only reads them, holds it shared."""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from builder.config import Config
from builder.errors import BuilderError

LOCK = "lock"


class ProjectLock:
    """The project's lock for one command (`build`, `serve`, ...). The holder of the exclusive lock
    writes its pid and command into the file, for the message of the one waiting for it. The
    system drops the lock when its process ends, however it ends: a lock is never stale."""

    def __init__(self, config: Config, command: str, shared: bool = False):
        self.path: Path = config.cache_dir / LOCK
        self.command, self.shared = command, shared
        self.fd: int | None = None

    def acquire(self, wait: bool = True) -> bool:
        """Take the lock; while another command holds it, wait for it (saying so once), or with
        `wait` false return False at once."""
        fd = self._open()
        if fd is None:
            return True   # shared, and no command ever wrote: nothing to wait for
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        try:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    os.close(fd)
                    return False
                print(f"waiting for {self.holder(fd)} to finish ...", file=sys.stderr, flush=True)
                fcntl.flock(fd, mode)
            if not self.shared:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {self.command}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd
        return True

    def _open(self) -> int | None:
        try:
            if self.shared:
                return os.open(self.path, os.O_RDONLY)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except FileNotFoundError:
            if self.shared:
                return None
            raise BuilderError("cannot make the project's lock file (its folder vanished)", self.path) from None
        except OSError as exc:
            if self.shared:
                return None   # an unreadable cache folder: check reads nothing of it either
            raise BuilderError(f"cannot take the project's lock: {exc.strerror}; another command must "
                               "not run meanwhile", self.path) from None

    def holder(self, fd: int | None = None) -> str:
        """Who holds the lock, as its file says (`another build of this project (pid 1234)`)."""
        try:
            if fd is None:
                text = self.path.read_bytes()[:200]
            else:
                text = os.pread(fd, 200, 0)
        except OSError:
            text = b""
        pid, _, command = text.decode("utf-8", "replace").strip().partition(" ")
        if not pid.isdigit():
            return "another command on this project"
        return f"another {command or 'command'} of this project (pid {pid})"

    def release(self) -> None:
        if self.fd is not None:
            if not self.shared:
                os.ftruncate(self.fd, 0)   # a `check` holding it next is not named as this command
            os.close(self.fd)   # closing drops the lock
            self.fd = None

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
