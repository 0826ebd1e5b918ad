"""Where the real bank statements live: ../shared/samples beside the checkout, read in place."""
from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
