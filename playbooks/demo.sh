#!/usr/bin/env bash
# make demo: the whole integration for two tenants of the local emulator, then the proof that it is idempotent
# (a second run changes nothing and makes no write request), then the runtime check.
# make preflight (demo.sh preflight): only the read-only preflight.yml against a fresh emulator.
# make demo-certificate (demo.sh certificate): the same with certificate authentication from IPS to S/4HANA Cloud
# over mutual TLS: a first run stops before any write while the IPS certificate is missing, the manual download is
# stood in for by the emulator, then the first run, the no-op second run and verify.yml.
set -euo pipefail
mode=${1:-demo}
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${VENV_BIN:-$repo/.venv/bin}
work=$repo/.tmp/demo
output=${SAPCLOUD_OUTPUT_DIR:-$repo/output}
tenants=s4_t1,s4_t2

# The collection is resolved from this checkout, as in the tests.
root=$(bash "$repo/tests/collections_root.sh")

extra=()
emulator_flags=()
if [ "$mode" = certificate ]; then
  work=$repo/.tmp/demo-certificate
  output=${SAPCLOUD_OUTPUT_DIR:-$repo/output/certificate}
  emulator_flags=(--mtls)
  extra=(-e sapcloud_ips_s4_authentication=certificate -e "sapcloud_ips_certificate_file=$work/ips-certificate.pem")
fi

rm -rf "$work"
mkdir -p "$work"
echo "== starting the emulator (state in $work/emulator)"
PYTHONPATH=$repo/tests "$bin/python" -m emulator --base-port 0 --state-dir "$work/emulator" --seed-demo --tenants 2 \
  ${emulator_flags[@]+"${emulator_flags[@]}"} > "$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null; wait "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
  [ -s "$work/emulator/vars.json" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
  sleep 0.05
done
[ -s "$work/emulator/vars.json" ] || { echo "the emulator did not start"; cat "$work/emulator.log"; exit 1; }
control=$("$bin/python" -c 'import json,sys; print(next(iter(json.load(open(sys.argv[1]))["emulator_urls"].values())))' \
  "$work/emulator/vars.json")/_emulator
# With --mtls the emulator serves HTTPS with a throw-away CA: the modules and the helpers below trust it.
if [ -s "$work/emulator/ca.pem" ]; then
  export SAPCLOUD_CA_PATH=$work/emulator/ca.pem
fi

emulator() {  # emulator METHOD ACTION: the emulator's own control API (never an SAP API)
  "$bin/python" - "$1" "$control/$2" <<'PY'
import json, os, ssl, sys, urllib.request
request = urllib.request.Request(sys.argv[2], method=sys.argv[1], data=b'{}' if sys.argv[1] == 'POST' else None,
                                 headers={'Content-Type': 'application/json'})
context = ssl.create_default_context(cafile=os.environ.get('SAPCLOUD_CA_PATH'))
print(json.dumps(json.load(urllib.request.urlopen(request, timeout=30, context=context))))
PY
}

export ANSIBLE_COLLECTIONS_PATH=$root
export ANSIBLE_LOCAL_TEMP=$work/ansible-tmp
export SAPCLOUD_TOKEN_CACHE_DIR=$work/token-cache
export PATH=$bin:$PATH
playbook() {  # playbook NAME LOG [args]: one run against the emulated tenants
  local name=$1 log=$2
  shift 2
  ansible-playbook -i "$repo/playbooks/inventory/emulator" "$repo/playbooks/$name" --limit "$tenants" \
    -e "@$work/emulator/vars.json" -e "sapcloud_secrets_dir=$work/secrets" -e "sapcloud_output_dir=$output" \
    ${extra[@]+"${extra[@]}"} "$@" 2>&1 | tee "$log"
  return "${PIPESTATUS[0]}"
}

if [ "$mode" = preflight ]; then
  echo "== preflight.yml: what holds on the emulated landscape, before any write"
  emulator POST stats/reset > /dev/null
  playbook preflight.yml "$work/preflight.log"
  writes=$(emulator GET stats | "$bin/python" -c '
import json, sys
stats = json.load(sys.stdin)
print(sum(n for host in stats["hosts"].values() for call, n in host["paths"].items()
          if not call.startswith("GET ") and "token" not in call))')
  echo "   write requests seen by the emulator (token requests aside): $writes"
  echo "Report: $output/preflight.md"
  [ "$writes" = 0 ]
  tail -n 1 "$output/preflight.md"
  exit
fi

writes_now() {  # write requests the emulator saw since the last stats reset (SOAP reads aside)
  emulator GET stats | "$bin/python" -c '
import json, sys
stats = json.load(sys.stdin)
print(sum(n for host in stats["hosts"].values() for call, n in host["paths"].items()
          if not call.startswith("GET ") and not call.endswith("/querybusinessuserin")))'
}

if [ "$mode" = certificate ]; then
  echo "== integrate.yml before the IPS certificate exists: it must stop before any write"
  emulator POST stats/reset > /dev/null
  if playbook integrate.yml "$work/integrate-0.log"; then
    echo "FAILED: the run went on without the IPS certificate"
    exit 1
  fi
  writes=$(writes_now)
  echo "   stopped as it should; write requests seen by the emulator: $writes"
  [ "$writes" = 0 ] || { echo "FAILED: writes before the certificate was there"; exit 1; }
  grep -q "tab Certificate, choose Generate" "$work/integrate-0.log" || { echo "FAILED: the manual step was not named"; exit 1; }
  echo "== the manual step, stood in for by the emulator: IPS Certificate tab, Generate, Download"
  "$bin/python" - "$work/ips-certificate.pem" "$work/emulator/vars.json" <<'PY'
import base64, json, os, ssl, sys, urllib.request
emulated = json.load(open(sys.argv[2]))
demo = emulated['emulator_demo']
token = base64.b64encode(('%s:%s' % (demo['ips_admin_user'], demo['ips_admin_password'])).encode()).decode()
request = urllib.request.Request(emulated['emulator_urls']['ips'] + '/emulator-ui/ips/certificate', method='POST',
                                 data=b'', headers={'Authorization': 'Basic ' + token})
context = ssl.create_default_context(cafile=os.environ['SAPCLOUD_CA_PATH'])
with open(sys.argv[1], 'wb') as handle:
    handle.write(urllib.request.urlopen(request, timeout=30, context=context).read())
PY
  echo "   saved $work/ips-certificate.pem"
fi

echo "== integrate.yml, first run"
start=$SECONDS
playbook integrate.yml "$work/integrate-1.log"
echo "   first run: $((SECONDS - start)) s"
cp "$output/integrate.md" "$output/integrate-first-run.md"

echo "== integrate.yml, second run: nothing may change and nothing may be written"
emulator POST stats/reset > /dev/null
start=$SECONDS
playbook integrate.yml "$work/integrate-2.log"
echo "   second run: $((SECONDS - start)) s"
cp "$output/integrate.md" "$output/integrate-second-run.md"
changed=$(awk '/^PLAY RECAP/ {recap=1; next} recap && /changed=/ {sub(/.*changed=/, ""); sub(/ .*/, ""); s += $0} END {print s + 0}' \
  "$work/integrate-2.log")
# Every non-GET counts as a write at the emulator's HTTP layer. QueryBusinessUserIn (the worker check) is a SOAP
# read, and SOAP sends every call as POST, so it is left out.
writes=$(writes_now)
echo "   changed tasks: $changed, write requests seen by the emulator (SOAP reads aside): $writes"
if [ "$changed" != 0 ] || [ "$writes" != 0 ]; then
  echo "FAILED: the second run was not a no-op"
  exit 1
fi

echo "== verify.yml: the runtime chain IDM -> IPS proxy -> S/4HANA Cloud"
playbook verify.yml "$work/verify.log"

echo
echo "Demo passed. Summaries: $output/integrate-first-run.md (what the first run created),"
echo "  $output/integrate-second-run.md (the no-op second run), $output/verify.md (the runtime check)"
echo "Logs: $work/*.log"
