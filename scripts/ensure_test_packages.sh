#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real, when missing:
#   chromium (+ driver)      real-browser tests (Playwright's own browser download cannot work offline)
#   libreoffice-writer-nogui checks that exported DOCX handouts open in LibreOffice
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "Cài gói Debian cho kiểm thử: ${missing[*]}…" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
