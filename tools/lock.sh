#!/usr/bin/env bash
# Regenerate the pinned, hashed requirement files from pyproject.toml.
#   requirements/app.txt  the app and its demo platform (what `scripts/run-app` installs)
#   requirements/dev.txt  everything the tests, linters and benchmarks need
#   requirements/bundle.txt  PyInstaller, for scripts/build-bundle (from requirements/bundle.in)
# Needs pip-tools: python -m pip install pip-tools
set -euo pipefail
cd "$(dirname "$0")/.."
compile() {
    local source="${3:-pyproject.toml}" extra=()
    [[ -n "$1" ]] && extra=(--extra "$1")
    pip-compile -q --generate-hashes --strip-extras --allow-unsafe "${extra[@]}" \
        -o "requirements/$2" "$source"
    # Drop the project itself (installed editable, separately) and machine-local indexes.
    python3 - "requirements/$2" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
text = re.sub(r"(?m)^--extra-index-url .*\n", "", text)
text = re.sub(r"(?m)^# WARNING: pip install will require.*\n# Consider using.*\n", "", text)
text = re.sub(r"(?m)^companion @ .*\n(    # via .*\n)*", "", text)
open(path, "w", encoding="utf-8").write(text)
PY
}
compile sandbox app.txt
compile dev dev.txt
compile "" bundle.txt requirements/bundle.in
