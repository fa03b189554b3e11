"""The build step that pyproject.toml cannot express.

templates/ and migrations/ live at the top of the repository; a wheel carries them inside the
package (summit/templates, summit/migrations), where summit.config looks first. The translation
catalogs are compiled to .mo here, because the .mo files are not kept in git: a wheel built
from a fresh clone must still answer in Chinese.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "migrations")


def compile_catalogs(package: Path) -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po in package.glob("**/translations/*/LC_MESSAGES/messages.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    return count


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            # An editable install reads templates/ and migrations/ where they are; only the
            # catalogs need compiling, beside their .po files.
            compile_catalogs(ROOT / "summit")
            return
        package = Path(self.build_lib) / "summit"
        for name in BUNDLED:
            target = package / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        if not compile_catalogs(package):
            raise RuntimeError("no translation catalogs found to compile")


setup(cmdclass={"build_py": build_py_with_data})
