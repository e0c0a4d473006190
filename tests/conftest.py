import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = Path(os.environ.get("QUOTEGRAPH_POLNEAR", ROOT.parent / "shared" / "polnear"))


@pytest.fixture(scope="session")
def nlp():
    """The shipped pipeline, loaded once for the whole run."""
    import quotegraph

    return quotegraph.load()


@pytest.fixture(scope="session")
def polnear_dev() -> Path:
    """The PolNeAR dev split; tests that need it skip, saying why, where it is absent."""
    dev = POLNEAR / "dev"
    if not (dev / "text").is_dir():
        pytest.skip(f"PolNeAR dev split not found at {dev} (set QUOTEGRAPH_POLNEAR to the corpus root)")
    return dev
