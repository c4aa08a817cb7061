import functools
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def load(name: str) -> Any:
    """The parsed contents of `demo/data/<name>` (JSON, UTF-8); read once per process. Do not mutate it."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
