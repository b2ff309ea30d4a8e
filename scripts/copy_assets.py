"""Copy vendored front-end files from node_modules/ into webapp/static/vendor/.

Run after ``npm ci`` (``make assets`` does both). Standard library only.

Resulting layout (what templates should reference via ``url_for('static', ...)``)::

    webapp/static/vendor/bootstrap/css/bootstrap.min.css(.map)
    webapp/static/vendor/bootstrap/js/bootstrap.bundle.min.js(.map)
    webapp/static/vendor/bootstrap-icons/bootstrap-icons.min.css
    webapp/static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff(2)
    webapp/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js
    webapp/static/vendor/bpmn-js/css/diagram-js.css, bpmn-js.css, bpmn-embedded.css
    webapp/static/vendor/bpmn-js/LICENSE  (keep the bpmn.io watermark visible: licence terms)
    webapp/static/vendor/modeler/modeler.js, modeler.css, assets/  (bundled by esbuild from
        webapp/static/src/modeler.js: bpmn-js Modeler + properties panel + Camunda moddle)
    webapp/static/vendor/dmn-modeler/dmn-modeler.js, dmn-modeler.css  (bundled by esbuild from
        webapp/static/src/dmn-modeler.js: dmn-js Modeler; decision tables, DRD)
    webapp/static/vendor/chart.js/chart.umd.min.js, LICENSE.md
    webapp/static/vendor/flatpickr/flatpickr.min.js, flatpickr.min.css, l10n/uz_latn.js, l10n/ru.js
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "webapp" / "static" / "vendor"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
# ES-module-only packages are bundled from our entry modules: (entry, output directory in VENDOR).
# Production builds: NODE_ENV=production drops the development code of Inferno (dmn-js) and Preact
# (the properties panel), which the packages' own dist files do not (dmn-js's logs a warning).
BUNDLES: list[tuple[str, str]] = [
    ("webapp/static/src/modeler.js", "modeler"),
    ("webapp/static/src/dmn-modeler.js", "dmn-modeler"),
]

# (source relative to node_modules, destination relative to VENDOR)
FILES: list[tuple[str, str]] = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/css/bootstrap.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/js/bootstrap.bundle.min.js.map"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    # The case diagram (webapp/templates/appeals/_diagram.html): viewer with zoom and pan.
    (
        "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
        "bpmn-js/bpmn-navigated-viewer.production.min.js",
    ),
    ("bpmn-js/dist/assets/diagram-js.css", "bpmn-js/css/diagram-js.css"),
    ("bpmn-js/dist/assets/bpmn-js.css", "bpmn-js/css/bpmn-js.css"),
    # The BPMN icon font, embedded as a data: URI (no font files to serve).
    ("bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css", "bpmn-js/css/bpmn-embedded.css"),
    ("bpmn-js/LICENSE", "bpmn-js/LICENSE"),
    # The process library's modelers are bundles (see BUNDLES); their licences beside them.
    ("dmn-js/LICENSE", "dmn-modeler/LICENSE"),
    ("bpmn-js-properties-panel/LICENSE", "modeler/LICENSE-bpmn-js-properties-panel"),
    # The dashboards' charts (webapp/static/js/dashboards.js).
    ("chart.js/dist/chart.umd.min.js", "chart.js/chart.umd.min.js"),
    ("chart.js/LICENSE.md", "chart.js/LICENSE.md"),
    # Date pickers in the page's language on every date input (webapp/static/js/pickers.js).
    ("flatpickr/dist/flatpickr.min.js", "flatpickr/flatpickr.min.js"),
    ("flatpickr/dist/flatpickr.min.css", "flatpickr/flatpickr.min.css"),
    ("flatpickr/dist/l10n/uz_latn.js", "flatpickr/l10n/uz_latn.js"),
    ("flatpickr/dist/l10n/ru.js", "flatpickr/l10n/ru.js"),
    ("flatpickr/LICENSE.md", "flatpickr/LICENSE.md"),
    # The font embedded in reply-letter PDFs (Uzbek oʻ/gʻ, Cyrillic): no system font needed.
    ("dejavu-fonts-ttf/ttf/DejaVuSans.ttf", "fonts/DejaVuSans.ttf"),
    ("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf", "fonts/DejaVuSans-Bold.ttf"),
    ("dejavu-fonts-ttf/LICENSE", "fonts/LICENSE-DejaVu"),
]
# bootstrap-icons.min.css loads its fonts from "fonts/..." relative to itself.
DIRS: list[tuple[str, str]] = [
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
]


def fail(message: str) -> NoReturn:
    print(f"copy_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def bundle(entry: str, out_dir: str) -> None:
    """Bundle one entry module and the CSS it imports with esbuild (fonts copied beside it)."""
    command = [
        str(ESBUILD),
        str(ROOT / entry),
        "--bundle",
        "--minify",
        "--format=iife",
        "--target=es2019",
        '--define:process.env.NODE_ENV="production"',
        "--log-level=warning",
        "--asset-names=assets/[name]-[hash]",
        f"--outdir={VENDOR / out_dir}",
        *(f"--loader:.{ext}=file" for ext in ("svg", "eot", "woff", "woff2", "ttf")),
    ]
    result = subprocess.run(command, cwd=ROOT, check=False)
    if result.returncode != 0:
        fail(f"esbuild could not bundle {entry} (exit status {result.returncode})")


def main() -> int:
    if not NODE_MODULES.is_dir():
        fail(f"{NODE_MODULES} does not exist. Run `npm ci` (or `make assets`) first.")

    missing = [src for src, _ in FILES if not (NODE_MODULES / src).is_file()]
    missing += [src for src, _ in DIRS if not (NODE_MODULES / src).is_dir()]
    if not ESBUILD.exists():
        missing.append("esbuild (.bin/esbuild)")
    if missing:
        fail("missing in node_modules (stale or partial install? run `npm ci`): " + ", ".join(missing))

    # Start from a clean directory so files removed upstream do not linger.
    if VENDOR.exists():
        shutil.rmtree(VENDOR)

    for src, dst in FILES:
        target = VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(NODE_MODULES / src, target)
    for src, dst in DIRS:
        shutil.copytree(NODE_MODULES / src, VENDOR / dst)
    for entry, out_dir in BUNDLES:
        bundle(entry, out_dir)

    count = sum(1 for p in VENDOR.rglob("*") if p.is_file())
    print(f"copy_assets: copied {count} files into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
