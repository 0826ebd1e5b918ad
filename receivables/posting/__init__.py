"""The posting engine (DESIGN.md section 5): the only code that writes ledger entries."""
from __future__ import annotations

from .engine import PostingResult, post, validate_lines
from .errors import AlreadyApplied, PostingError

__all__ = ["AlreadyApplied", "PostingError", "PostingResult", "post", "validate_lines"]
