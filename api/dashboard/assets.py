"""The third-party browser assets the pages load (ECharts, Swagger UI, ReDoc, the Noto Sans SC
font), npm packages pinned by web/package-lock.json: which files, and where they are.

One list serves two places. In a checkout they are read from web/node_modules (filled by
scripts/_env.sh). A wheel carries copies in api/dashboard/vendor/, made by the build
(setup.py calls `copy`), so an installed package serves them without the checkout. The
server refuses to start when a listed file is missing (api/app.py, `ledger serve`).

Standard library only: setup.py loads this file before the project's dependencies exist."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGED = HERE / "vendor"
# URL prefix under /assets/ → (the npm package's folder in node_modules, the files the pages
# load). A style sheet brings the files its url()s name (the font's subsets).
VENDOR: dict[str, tuple[str, tuple[str, ...]]] = {
    "echarts": ("echarts/dist", ("echarts.min.js",)),
    "swagger-ui": ("swagger-ui-dist", ("swagger-ui.css", "swagger-ui-bundle.js", "oauth2-redirect.html",
                                       "oauth2-redirect.js")),
    "redoc": ("redoc/bundles", ("redoc.standalone.js",)),
    "fonts/noto-sans-sc": ("@fontsource/noto-sans-sc", ("400.css", "700.css")),  # Chinese without a CJK font
}
# Each npm package's own terms travel with its files in a wheel (Apache-2.0 asks for NOTICE too).
LICENSE_FILES = ("LICENSE", "NOTICE")
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def node_modules() -> Path:
    """A checkout's web/node_modules (LEDGER_WEB_MODULES names another)."""
    return Path(os.environ.get("LEDGER_WEB_MODULES") or HERE.parents[1] / "web" / "node_modules")


def folder(prefix: str) -> Path:
    """Where the files under /assets/<prefix>/ are read from: the package's copies when it
    carries them (an installed wheel), else the checkout's node_modules."""
    if PACKAGED.is_dir():
        return PACKAGED / prefix
    return node_modules() / VENDOR[prefix][0]


def files(prefix: str, source: Path) -> list[str]:
    """The files of `prefix` (relative paths) as found in `source`: the listed ones, and what
    the listed style sheets name. A listed file missing from `source` is listed all the same."""
    found: list[str] = []
    for name in VENDOR[prefix][1]:
        found.append(name)
        path = source / name
        if name.endswith(".css") and path.is_file():
            for ref in _CSS_URL.findall(path.read_text(encoding="utf-8")):
                if not ref.startswith(("data:", "http:", "https:", "/")):
                    found.append(os.path.normpath(str(Path(name).parent / ref)))
    return list(dict.fromkeys(found))


def missing() -> list[str]:
    """The files the pages load that are not where the server reads them from."""
    return [str(folder(prefix) / name) for prefix in VENDOR for name in files(prefix, folder(prefix))
            if not (folder(prefix) / name).is_file()]


def copy(source_modules: Path, target: Path) -> int:
    """Copy every listed file from `source_modules` (a node_modules) into `target` (a package's
    vendor/ folder, laid out by URL prefix); raises FileNotFoundError naming what is missing."""
    absent, copied = [], 0
    for prefix, (package_folder, _) in VENDOR.items():
        source = source_modules / package_folder
        for name in files(prefix, source):
            if not (source / name).is_file():
                absent.append(str(source / name))
                continue
            (target / prefix / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / prefix / name)
            copied += 1
        package = source_modules / "/".join(package_folder.split("/")[:2 if package_folder.startswith("@") else 1])
        for name in LICENSE_FILES:
            if (package / name).is_file():
                (target / "licenses" / package.name).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(package / name, target / "licenses" / package.name / name)
    if absent:
        raise FileNotFoundError("the dashboard's browser assets are missing (run `npm ci` in web/ first, as "
                                "scripts/serve does): " + ", ".join(absent))
    return copied
