"""The nightly bank feed: import every new file in each bank account's feed folder.

Each file ends in `archive/` (imported, or imported before) or `failed/` (refused, with the reason
in the log and the summary). A lock file per folder keeps two runs from importing the same file;
a run after a crash finds files it had imported but not moved, sees they were imported, and archives them.
"""
from __future__ import annotations

import fcntl
import logging
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from banking.importing import (
    StatementAlreadyImported,
    StatementImportError,
    import_statement,
)
from banking.models import BankFeed

logger = logging.getLogger("banking.feeds")
LOCK_NAME = ".import.lock"


@dataclass
class FeedFileResult:
    bank_account: str
    file: str
    status: str  # imported | already_imported | failed | locked
    message: str = ""
    journal: int | None = None
    lines: int = 0


@dataclass
class FeedRun:
    files: list[FeedFileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedFileResult]:
        return [f for f in self.files if f.status == "failed"]

    def as_json(self) -> dict:
        return {"files": [f.__dict__ for f in self.files], "failed": len(self.failed)}


def _move(path: Path, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{datetime.now():%Y%m%d-%H%M%S}-{path.name}"
    shutil.move(str(path), target)
    return target


def run_feeds(*, user=None) -> FeedRun:
    run = FeedRun()
    for feed in BankFeed.objects.filter(enabled=True).select_related("bank_account__currency"):
        folder = Path(feed.folder)
        if not folder.is_dir():
            run.files.append(FeedFileResult(feed.bank_account.no, str(folder), "failed", "the feed folder does not exist"))
            logger.error("Bank feed %s: folder %s does not exist", feed.bank_account.no, folder)
            continue
        with open(folder / LOCK_NAME, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                run.files.append(FeedFileResult(feed.bank_account.no, str(folder), "locked",
                                                "another import is running for this folder"))
                continue
            for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
                run.files.append(_import_one(feed, path, user))
    return run


def _import_one(feed: BankFeed, path: Path, user) -> FeedFileResult:
    bank = feed.bank_account.no
    try:
        result = import_statement(bank_account=feed.bank_account, data=path.read_bytes(), filename=path.name,
                                  format=feed.format, user=user)
    except StatementAlreadyImported as error:
        _move(path, path.parent / "archive")
        logger.info("Bank feed %s: %s", bank, error.message)
        return FeedFileResult(bank, path.name, "already_imported", error.message)
    except StatementImportError as error:
        _move(path, path.parent / "failed")
        logger.error("Bank feed %s: %s", bank, error.message)
        return FeedFileResult(bank, path.name, "failed", error.message)
    _move(path, path.parent / "archive")
    logger.info("Bank feed %s: imported %s into journal %s (%s lines)", bank, path.name, result.journal.pk,
                result.imported)
    message = "; ".join(result.warnings)
    message += _auto_apply_and_post(feed, result.journal, user)
    return FeedFileResult(bank, path.name, "imported", message.strip("; "), result.journal.pk, result.imported)


CONFIDENCE_ORDER = ["low", "medium", "high", "high_text_mapping"]


def _auto_apply_and_post(feed: BankFeed, journal, user) -> str:
    """Apply the new journal automatically; post the lines at or above the feed's auto-post confidence."""
    from banking.payment_journal.auto_apply import apply_automatically
    from banking.payment_journal.posting import post_payment_journal
    from receivables.posting import PostingError

    applied = apply_automatically(journal=journal, user=user)
    note = f"; {applied.applied} of {applied.lines} lines applied automatically"
    if not feed.auto_post_confidence:
        return note
    threshold = CONFIDENCE_ORDER.index(feed.auto_post_confidence) if feed.auto_post_confidence in CONFIDENCE_ORDER else 99
    good = [line for line in journal.lines.all()
            if line.match_confidence in CONFIDENCE_ORDER and CONFIDENCE_ORDER.index(line.match_confidence) >= threshold
            and line.applied_amount == line.statement_amount]
    if not good:
        return note
    from banking.payment_journal.applying import accept_applications

    accept_applications(lines=good, user=user)
    try:
        post_payment_journal(journal=journal, user=user, reconcile=True, accepted_only=True)
    except PostingError as error:
        logger.error("Bank feed %s: auto-posting journal %s failed: %s", feed.bank_account.no, journal.pk, error)
        return note + f"; auto-posting failed: {error}"
    return note + f"; {len(good)} lines posted automatically"
