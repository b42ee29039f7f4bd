#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing:
#   fonts-noto-cjk  Traditional Chinese glyphs in charts (vl-convert and the browser use system fonts)
#   chromium        the browser that the browser tests drive (never a downloaded browser)
# As root on Debian it installs them with apt-get; elsewhere it says what to install.
set -euo pipefail
packages=(fonts-noto-cjk chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "note: missing system packages ${missing[*]}; install them (Debian: sudo apt-get install ${missing[*]})." >&2
  echo "      Without fonts-noto-cjk, Chinese titles show as boxes in charts; without chromium, browser tests are skipped." >&2
fi
