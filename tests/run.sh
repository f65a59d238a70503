#!/usr/bin/env bash
# Install what the tests need and run them: pip packages and the project itself (editable, so that
# shared/ and the demos import from any script), then Debian's Chromium for the browser tests
# (Playwright cannot download its own browser here), then pytest. To rerun tests without
# reinstalling: python -m pytest [args] (pyproject.toml holds the configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r tests/requirements.txt
python -m pip install -q --no-deps -e .
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    $apt_get update -q
    DEBIAN_FRONTEND=noninteractive $apt_get install -y -q chromium
fi
# Two workers (pytest-xdist), each test file whole on one of them so that its served app and tiny
# models are built once; one thread each, so that the two share the 2-core CI machine without
# fighting over it. The suite took about 15 minutes that way instead of 29 in one process; with the
# speech tab, 25 minutes (1 753 tests); on 4 December 2026, 22 minutes (1 895 tests).
# Extra arguments override these (e.g. -n 0 for one process).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "$@"
