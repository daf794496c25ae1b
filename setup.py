"""Build hook: the wheel carries the studio and the bundled scenarios.

They stay at the repo's root (the README, CONTRACT and tests name ``scenarios/...`` and
``app.py``); a wheel holds packages only, so ``build_py`` copies them into
``simulator/_bundle/`` with the same layout (see ``simulator/io/bundled.py``). Everything
else about the build is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLE = (
    "app.py",
    ".streamlit/config.toml",
    "scenarios/*.yaml",
    "scenarios/*.csv",
    "scenarios/adsim.schema.json",
    "scenarios/batch/*.yaml",
)


class BuildWithBundle(build_py):
    """``build_py`` plus the copy; an editable install reads the root and needs none."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "simulator" / "_bundle"
        for pattern in BUNDLE:
            for source in sorted(ROOT.glob(pattern)):
                copy = target / source.relative_to(ROOT)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildWithBundle})
