#!/usr/bin/env bash
# Installs, with apt-get, those of the given Debian packages that are not installed yet (as root, or
# through sudo). Used by every set-up and CI script so a fresh machine needs no manual step.
#   scripts/install-missing.sh cmake libeigen3-dev ...
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
