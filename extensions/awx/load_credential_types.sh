#!/usr/bin/env bash
# Creates the collection's custom credential types in AWX / Ansible Automation Platform with the awx CLI
# (pip install awxkit). The connection comes from the usual CONTROLLER_HOST and CONTROLLER_USERNAME /
# CONTROLLER_PASSWORD (or CONTROLLER_OAUTH_TOKEN) environment variables. To change a type later:
# awx credential_types modify NAME --inputs @.../inputs.yml --injectors @.../injectors.yml
set -euo pipefail
types=$(cd "$(dirname "$0")/credential_types" && pwd)

create() {  # create FOLDER NAME DESCRIPTION
  awx credential_types create --kind cloud --name "$2" --description "$3" \
    --inputs "@$types/$1/inputs.yml" --injectors "@$types/$1/injectors.yml"
}

create s4hana_cloud 'SAP S/4HANA Cloud communication management' \
  'SAP_COM_0A48 communication user of one tenant (sapcloud.identity)'
create btp_neo 'SAP BTP Neo platform API client' \
  'Platform API client and ipsproxy subaccounts on SAP BTP Neo (sapcloud.identity)'
create btp_cf_destination 'SAP BTP Cloud Foundry Destination service key' \
  'Service key of a Destination service instance (sapcloud.identity)'
create s4hana_cloud_certificate 'SAP S/4HANA Cloud communication management (certificate)' \
  'SAP_COM_0A48 communication user of one tenant, client certificate (sapcloud.identity)'
create ips_proxy_client_certificate 'SAP IPS proxy client (certificate)' \
  'IAS administrator of type System with a certificate (sapcloud.identity)'
create ips_proxy_client 'SAP IPS proxy client' \
  'Neo OAuth client for ipsproxy or IAS technical user (sapcloud.identity)'
create ips_admin 'SAP IPS administration (api contract)' \
  'IPS administration through the collection api contract, emulator only (sapcloud.identity)'
create idm_admin 'SAP Identity Management administration (api contract)' \
  'IDM administration through the collection api contract, emulator only (sapcloud.identity)'
