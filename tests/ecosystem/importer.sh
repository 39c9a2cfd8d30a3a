#!/usr/bin/env bash
# make test's importer stage: galaxy-importer, what Galaxy and Automation Hub run on every upload, on the tarball of
# `ansible-galaxy collection build`: its ansible-doc and ansible-lint checks included. Passes with 0 errors and 0
# warnings. galaxy-importer lives in its own venv, .build/importer (made here on first use), not in .venv: it pins
# its own ansible-core and ansible-lint.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
venv=$repo/.build/importer
version=0.4.44
work=$repo/.build/importer-run
if [ "$(cat "$venv/.installed" 2>/dev/null)" != "$version" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "galaxy-importer==$version"
  echo "$version" > "$venv/.installed"
fi
rm -rf "$work"
mkdir -p "$work/tmp"
"$bin/ansible-galaxy" collection build --output-path "$work" "$repo" > /dev/null
tarball=$(ls "$work"/sapcloud-identity-*.tar.gz)
log=$work/importer.log
cd "$work"
PATH=$venv/bin:$PATH GALAXY_IMPORTER_CONFIG=/dev/null GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=$work/tmp \
  "$venv/bin/python" -m galaxy_importer.main "$tarball" > "$log" 2>&1 || { cat "$log"; exit 1; }
# Its log lines start with the level; Python's own warnings of the tools it starts do not.
errors=$(grep -c '^ERROR' "$log" || true)
warnings=$(grep -c '^WARNING' "$log" || true)
grep -E '^(ERROR|WARNING)' "$log" || true
echo "galaxy-importer $version on $(basename "$tarball"): $errors errors, $warnings warnings"
grep -q 'Importer processing completed successfully' "$log"
[ "$errors" = 0 ] && [ "$warnings" = 0 ]
