"""A tiny text progress bar on stderr (no dependency)."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    """``[#####.....] 3/10 days 2026-01-03  123,456 rows  45,678 rows/s`` redrawn in place."""

    def __init__(
        self, total: int, enabled: bool = True, stream: TextIO | None = None, width: int = 30
    ) -> None:
        self.total, self.enabled, self.width = max(total, 1), enabled, width
        self.stream = stream or sys.stderr

    def update(self, done: int, label: str, rows: int, seconds: float) -> None:
        if not self.enabled:
            return
        filled = self.width * done // self.total
        rate = rows / seconds if seconds > 0 else 0.0
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{self.total} days {label} "
            f"{rows:,} rows {rate:,.0f} rows/s "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
