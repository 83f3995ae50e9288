"""How every benchmark script starts, before Django is set up: the repository and the demo site
importable, the Django settings chosen, and a throwaway SQLite database and media folder (unless
``DATABASE_URL`` names a database)."""

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def throwaway_site(settings_module: str = "demo.settings", prefix: str = "cms_blog_bench_") -> Path:
    """Prepare the environment; returns the throwaway folder."""
    sys.path[:0] = [str(REPO / "site"), str(REPO)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    return workdir
