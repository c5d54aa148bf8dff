#!/usr/bin/env bash
# Installs the text corpora the model zoo trains on, from Debian's packages, and writes them as plain text
# (one passage a line) into .reef/corpora/ (or $1):
#   scripture.txt  the King James Bible (bible-kjv, bible-kjv-text), verse references stripped
#   fortunes.txt   the fortune cookie files of fortunes/fortunes-min (the non-offensive set), one fortune a line
#   jargon.txt     the Jargon File (jargon-text), one paragraph a line
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/.reef/corpora}"
mkdir -p "$out"
need=()
command -v bible >/dev/null || need+=(bible-kjv bible-kjv-text)
[ -d /usr/share/games/fortunes ] || need+=(fortunes fortunes-min)
[ -f /usr/share/doc/jargon-text/jargon.txt.gz ] || need+=(jargon-text)
if [ ${#need[@]} -gt 0 ]; then
  echo "corpora: installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -s "$out/scripture.txt" ]; then
  bible -f "Gen1:1-Rev22:21" | sed -E 's/^[0-9A-Za-z]+[0-9]+:[0-9]+ //' | grep -v '^\s*$' > "$out/scripture.txt"
fi
if [ ! -s "$out/fortunes.txt" ]; then
  find /usr/share/games/fortunes -maxdepth 1 -type f ! -name '*.dat' ! -name '*.u8' -print0 | sort -z \
    | xargs -0 cat | awk 'BEGIN{RS="\n%\n"} {gsub(/[ \t]*\n[ \t]*/, " "); gsub(/^ +| +$/, ""); if (length($0) > 0) print}' > "$out/fortunes.txt"
fi
if [ ! -s "$out/jargon.txt" ]; then
  zcat /usr/share/doc/jargon-text/jargon.txt.gz | awk 'BEGIN{RS=""} {gsub(/[ \t]*\n[ \t]*/, " "); gsub(/^ +| +$/, ""); if (length($0) > 40) print}' > "$out/jargon.txt"
fi
wc -c "$out"/*.txt >&2
