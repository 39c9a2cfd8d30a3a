#!/usr/bin/env bash
# Loads the collection's custom credential types into AWX / Ansible Automation Platform with the awx CLI
# (pip install awxkit): creates the types that do not exist, updates those whose description, inputs or injectors
# differ from the files, leaves the rest alone; a second run changes nothing.
#
#   bash extensions/awx/load_credential_types.sh           # create or update
#   bash extensions/awx/load_credential_types.sh --check   # say what it would do, write nothing
#
# The connection comes from the usual CONTROLLER_HOST and CONTROLLER_USERNAME / CONTROLLER_PASSWORD (or
# CONTROLLER_OAUTH_TOKEN) environment variables. PYTHON names a Python with PyYAML (default python3).
set -euo pipefail
types=$(cd "$(dirname "$0")/credential_types" && pwd)
python=${PYTHON:-python3}
check=false
case "${1:-}" in
  --check) check=true ;;
  '') ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
created=0 updated=0 unchanged=0

# What to do about one type: "create", "update ID" or "unchanged ID", from the type AWX holds under that name.
verdict() {  # verdict FOLDER DESCRIPTION FOUND_JSON
  "$python" - "$types/$1" "$2" "$3" <<'PY'
import json
import sys

import yaml

folder, description, found = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
wanted = {'description': description}
for part in ('inputs', 'injectors'):
    with open('%s/%s.yml' % (folder, part)) as handle:
        wanted[part] = yaml.safe_load(handle)
if not found.get('results'):
    print('create')
else:
    current = found['results'][0]
    same = all(current.get(key) == value for key, value in wanted.items())
    print('%s %s' % ('unchanged' if same else 'update', current['id']))
PY
}

load() {  # load FOLDER NAME DESCRIPTION
  local found action id
  found=$(awx credential_types list --name "$2" -f json)
  read -r action id <<< "$(verdict "$1" "$3" "$found")"
  local files=(--description "$3" --inputs "@$types/$1/inputs.yml" --injectors "@$types/$1/injectors.yml")
  case $action in
    create)
      echo "create: $2"
      $check || awx credential_types create --kind cloud --name "$2" "${files[@]}" > /dev/null
      created=$((created + 1)) ;;
    update)
      echo "update: $2 (id $id)"
      $check || awx credential_types modify "$id" "${files[@]}" > /dev/null
      updated=$((updated + 1)) ;;
    *)
      echo "unchanged: $2 (id $id)"
      unchanged=$((unchanged + 1)) ;;
  esac
}

load s4hana_cloud 'SAP S/4HANA Cloud communication management' \
  'SAP_COM_0A48 communication user of one tenant (sapcloud.identity)'
load btp_neo 'SAP BTP Neo platform API client' \
  'Platform API client and ipsproxy subaccounts on SAP BTP Neo (sapcloud.identity)'
load btp_cf_destination 'SAP BTP Cloud Foundry Destination service key' \
  'Service key of a Destination service instance (sapcloud.identity)'
load s4hana_cloud_certificate 'SAP S/4HANA Cloud communication management (certificate)' \
  'SAP_COM_0A48 communication user of one tenant, client certificate (sapcloud.identity)'
load ips_proxy_client_certificate 'SAP IPS proxy client (certificate)' \
  'IAS administrator of type System with a certificate (sapcloud.identity)'
load ips_proxy_client 'SAP IPS proxy client' \
  'Neo OAuth client for ipsproxy or IAS technical user (sapcloud.identity)'
load ips_admin 'SAP IPS administration (api contract)' \
  'IPS administration through the collection api contract, emulator only (sapcloud.identity)'
load idm_admin 'SAP Identity Management administration (api contract)' \
  'IDM administration through the collection api contract, emulator only (sapcloud.identity)'

if $check; then
  echo "credential types (check mode, nothing written): $created to create, $updated to update, $unchanged unchanged"
else
  echo "credential types: $created created, $updated updated, $unchanged unchanged"
fi
