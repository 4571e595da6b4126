#!/usr/bin/env bash
# Prepare this checkout: system libraries Qt needs, a virtual environment in .venv, and the
# pinned, hash-checked dependencies. Safe to run again: it only does what is missing.
#   scripts/setup.sh app   the app and its demo platform
#   scripts/setup.sh dev   also the test, lint and benchmark tools (and the bundle's)
#   scripts/setup.sh bundle   only what scripts/build-bundle needs: PyInstaller and the
#                             app's dependencies in .venv-bundle
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-app}"
case "$profile" in
    app | dev | bundle) ;;
    *) echo "setup: unknown profile '$profile' (app, dev or bundle)" >&2; exit 2 ;;
esac
lock="requirements/${profile}.txt"

# Debian/Ubuntu libraries the Qt wheels load (xcb ones for a real X screen; xvfb for tests).
system_packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3
    fonts-dejavu-core libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0)
# squid: the proxy benchmark and the test that Squid accepts the shipped centre configuration;
# appstream: the test that the AppStream metadata validates; at-spi2-core and dbus-daemon:
# the accessibility tests read the app as a screen reader does (tests/a11y).
[[ "$profile" == dev ]] && system_packages+=(xvfb xauth curl squid appstream at-spi2-core
    dbus-daemon)
# binutils: PyInstaller strips the bundle's libraries; xz-utils: the bundle's archive.
[[ "$profile" != app ]] && system_packages+=(binutils xz-utils)

install_system_packages() {
    command -v dpkg-query >/dev/null || return 0  # not Debian: see README, "Install"
    local missing=()
    for package in "${system_packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || missing+=("$package")
    done
    ((${#missing[@]})) || return 0
    echo "setup: installing system packages: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [[ -n "$candidate" ]] || continue
        if command -v "$candidate" >/dev/null &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "setup: Python 3.11 or newer is needed" >&2; exit 1
}

# Tools the tests run against, each in its own environment so that none of their
# dependencies reach the app's (pinned with hashes in requirements/<tool>.txt): Ralph, the
# learning record store the sync is tested against; Schemathesis, which checks the
# sandbox against its OpenAPI document; and the bundle's PyInstaller, beside the app's own
# dependencies, which it packs.
install_tool() {
    local tool="$1" venv=".venv-$1" locks=("requirements/$1.txt" "${@:2}")
    [[ -x "$venv/bin/python" ]] || "$(find_python)" -m venv "$venv"
    local wanted
    wanted="$(cat "${locks[@]}" | sha256sum | cut -c1-16)"  # one lock: as sha256sum of it
    if [[ "$(cat "$venv/.installed" 2>/dev/null)" != "$wanted" ]]; then
        echo "setup: installing $tool (${locks[*]})"
        local requirements=()
        for lock in "${locks[@]}"; do requirements+=(-r "$lock"); done
        "$venv/bin/python" -m pip install -q --disable-pip-version-check --require-hashes \
            "${requirements[@]}"
        echo "$wanted" > "$venv/.installed"
    fi
}

install_system_packages
if [[ "$profile" == bundle ]]; then
    install_tool bundle requirements/app.txt
    exit 0
fi
if [[ ! -x .venv/bin/python ]]; then
    echo "setup: creating the virtual environment in .venv/"
    "$(find_python)" -m venv .venv
fi
stamp=".venv/.installed-${profile}"
wanted="$(sha256sum "$lock" pyproject.toml | sha256sum | cut -c1-16)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
    # A first run downloads about 100 MB (Qt): pip's own progress, one line per package,
    # rather than a silent minute.
    echo "setup: installing the pinned dependencies ($lock); first time: a few minutes"
    .venv/bin/python -m pip install --disable-pip-version-check --progress-bar on \
        --require-hashes -r "$lock" | sed '/^Requirement already satisfied/d'
    echo "setup: installing Companion itself (editable)"
    .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
    echo "setup: ready"
    echo "$wanted" > "$stamp"
fi

if [[ "$profile" == dev ]]; then
    install_tool ralph
    install_tool schemathesis
    install_tool bundle requirements/app.txt
fi
