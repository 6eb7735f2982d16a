#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real, when missing:
#   chromium (+ driver)      real-browser tests (Playwright's own browser download cannot work offline)
#   libreoffice-writer-nogui checks that exported DOCX handouts open in LibreOffice; reads .doc/.rtf
#   tesseract-ocr(-vie)      OCR of scanned PDF pages, Vietnamese model
#   fonts-dejavu-core, fonts-liberation  the serif fonts the OCR tests and scripts/bench_ocr.py render
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
tesseract --list-langs 2>/dev/null | grep -qx vie || missing+=(tesseract-ocr-vie)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || missing+=(fonts-liberation)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "Cài gói Debian cho kiểm thử: ${missing[*]}…" >&2
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
