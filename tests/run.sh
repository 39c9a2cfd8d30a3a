#!/usr/bin/env bash
# make test: every check, as concurrent stages so both cores stay busy (the stages are independent; each starts
# the emulators it needs on free loopback ports). Each stage's output goes to .tmp/test-logs/<stage>.log; a failed
# stage's log is printed at the end. The exit status is non-zero when any stage failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
logs=$repo/.tmp/test-logs
rm -rf "$logs"
mkdir -p "$logs"
cd "$repo"
# The tree every stage resolves the collection from, made before the stages start.
bash "$repo/tests/collections_root.sh" > /dev/null

declare -A stages=(
  [tests]="$bin/python -m pytest -q -n 2 --dist load tests/unit && $bin/python -m pytest -q -n 2 --dist load tests/integration"
  [sanity]="bash tests/sanity/run.sh"
  [lint]="bash tests/lint.sh"
  [faults]="$bin/python tests/faults/run.py --quick"
  [variants]="$bin/python tests/variants/run.py --quick"
  [ecosystem]="bash tests/ecosystem/run.sh"
  [importer]="bash tests/ecosystem/importer.sh"
  [docs]="PATH=$bin:\$PATH bash docs/docsite/site/build.sh"
)
order=(tests sanity faults variants ecosystem importer docs lint)

declare -A pids started
for stage in "${order[@]}"; do
  started[$stage]=$SECONDS
  ( eval "${stages[$stage]}" > "$logs/$stage.log" 2>&1; echo $? > "$logs/$stage.rc"; echo $SECONDS > "$logs/$stage.end" ) &
  pids[$stage]=$!
done

failed=()
for stage in "${order[@]}"; do
  wait "${pids[$stage]}"
done
start=${started[tests]}
printf '%-10s %8s  %s\n' stage seconds result
for stage in "${order[@]}"; do
  rc=$(cat "$logs/$stage.rc")
  seconds=$(( $(cat "$logs/$stage.end") - start ))
  printf '%-10s %8d  %s\n' "$stage" "$seconds" "$([ "$rc" = 0 ] && echo passed || echo "FAILED (rc $rc)")"
  # The last lines of each stage: pass counts, ansible-playbook runs, the faults line.
  grep -E 'passed|failed|ansible-playbook runs|^faults:|^variants:|Passed|FATAL|^galaxy-importer|^Docs site' \
    "$logs/$stage.log" | tail -4 | sed 's/^/           /'
  [ "$rc" = 0 ] || failed+=("$stage")
done
for stage in "${failed[@]}"; do
  echo "==== $stage failed; last 80 lines of $logs/$stage.log"
  tail -80 "$logs/$stage.log"
done
[ ${#failed[@]} -eq 0 ]
