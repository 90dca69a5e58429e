"""The build step pyproject.toml cannot declare: a wheel carries the dashboard's and /docs'
third-party browser assets, copied from web/node_modules (api/dashboard/assets.py), so an
installed package serves them without the checkout. Editable installs read them in place."""
import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def _assets():
    spec = importlib.util.spec_from_file_location("_ledger_assets", ROOT / "api" / "dashboard" / "assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        if not getattr(self, "editable_mode", False):
            count = _assets().copy(ROOT / "web" / "node_modules", Path(self.build_lib) / "api" / "dashboard" / "vendor")
            self.announce(f"copied {count} browser assets into api/dashboard/vendor", level=2)


setup(cmdclass={"build_py": BuildWithAssets})
