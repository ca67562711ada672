"""One exception hierarchy for critparse, with stable codes.

Input *text* never raises: problems in eligibility text become diagnostics on the
document.  Exceptions are for the things a caller controls: rule files, configuration,
files and records handed to the CLI or the batch API.
"""
from __future__ import annotations


class CritparseError(Exception):
    """Base class.  ``code`` is stable and machine-readable; ``str(err)`` starts with it."""

    code = "E000"

    def __init__(self, message: str, *, code: str | None = None, **context: object) -> None:
        if code:
            self.code = code
        self.message = message
        self.context = {k: v for k, v in context.items() if v is not None}
        super().__init__(f"[{self.code}] {message}")


class PatternError(CritparseError):
    """A rule file is malformed: names the file, line and field."""

    code = "E100"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None, code: str | None = None) -> None:
        where = ":".join(str(p) for p in (file, line) if p is not None)
        full = f"{where}: {message}" if where else message
        if field:
            full += f" (field '{field}')"
        self.file, self.line, self.field = file, line, field
        super().__init__(full, code=code, file=file, line=line, field=field)


class InputError(CritparseError):
    """A file, JSON record or JSONL line handed to critparse cannot be read."""

    code = "E200"

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 code: str | None = None) -> None:
        where = ":".join(str(p) for p in (source, line) if p is not None)
        self.source, self.line = source, line
        super().__init__(f"{where}: {message}" if where else message, code=code, source=source, line=line)


class ConfigError(CritparseError):
    """Bad configuration of a Parser (unknown extractor, missing pattern directory...)."""

    code = "E300"


__all__ = ["CritparseError", "PatternError", "InputError", "ConfigError"]
