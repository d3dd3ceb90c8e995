"""The one error family: every expected failure is a BuilderError printed as `error: FILE:LINE: message`."""

from __future__ import annotations

from pathlib import Path


class BuilderError(Exception):
    """An expected failure tied, where possible, to a file and line the user can open."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __reduce__(self):  # keep file and line when sent between processes
        return (self.__class__, (self.message, self.file, self.line))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        return f"{where}{self.message}"


class BuilderErrors(BuilderError):
    """Several problems found in one pass (config, content), reported together."""

    def __init__(self, errors: list[BuilderError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __reduce__(self):
        return (self.__class__, (self.errors,))

    def __str__(self) -> str:
        return "\nerror: ".join(str(e) for e in self.errors)
