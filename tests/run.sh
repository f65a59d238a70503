#!/usr/bin/env bash
# Install what the tests need and run them: pip packages, then Debian's Chromium for the
# browser test (Playwright cannot download its own browser here), then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r tests/requirements.txt
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
    $apt_get update -q
    DEBIAN_FRONTEND=noninteractive $apt_get install -y -q chromium
fi
exec python -m pytest "$@"
