#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ips_proxy_system
short_description: Define an SAP Identity Provisioning proxy system for SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Ensures a proxy system in SAP Identity Provisioning (IPS) that exposes an SAP S/4HANA Cloud tenant as a SCIM 2.0
    service provider for SAP Identity Management.
  - B(IPS has no public API to manage systems), only its admin console and JSON import/export. This module therefore
    has two transports, and neither talks to an SAP API.
  - O(transport=file) writes the JSON file for the console's C(Add > Define from File). The shape follows an IPS
    export as seen in third-party documentation; whether IPS imports exactly this file is B(UNCONFIRMED). Credential
    properties are never written to the file. This is a two-phase hand-off. First the admin imports the file and
    enters the credential properties. IPS gives the imported system a new ID. Then the admin passes that ID (or the
    CSV that IPS exports for the system) to the next step, M(sapcloud.identity.idm_repository).
  - O(transport=api) uses the collection's own REST contract over the same JSON shape
    (C(docs/ips-idm-contract.md)). SAP does not offer this API; today only the collection's emulator implements it.
  - Verify a proxy system through the documented proxy SCIM API with M(sapcloud.identity.ips_proxy_check).
options:
  name:
    description:
      - System name, unique in the IPS tenant. It identifies the system.
      - 1 to 100 characters of C(a-z), C(A-Z), C(0-9), C(-), C(_), C(.) and space.
    type: str
    required: true
  description:
    description:
      - Description of the system. Not compared when not given.
    type: str
  connector_type:
    description:
      - The system type, as written in the C(connectorTypeString) field of an IPS JSON export.
      - B(UNCONFIRMED) for SAP S/4HANA Cloud. The default is inferred by analogy (C(SAP_COMMERCE_CLOUD) is seen for
        SAP Commerce Cloud). Export a system created by hand in the console as JSON and use the value found there.
    type: str
    default: SAP_S4HANA_CLOUD
  destination_name:
    description:
      - Name of the Neo destination that holds the S/4HANA Cloud URL, user and password (O(infrastructure=neo)).
      - When a property is both in the destination and in O(properties), the property wins (IPS rule).
      - Not compared when not given; an empty string removes it.
    type: str
  properties:
    description:
      - Properties of the system, as name and value. Values are kept as text. Booleans become C(true)/C(false).
      - C(URL) is the tenant's API host (C(https://my123456-api.s4hana.cloud.sap)), never the UI host.
      - Documented properties of the S/4HANA Cloud proxy are checked, for example C(Type) (C(HTTP)),
        C(ProxyType) (C(Internet)), C(Authentication) (C(BasicAuthentication) or
        C(ClientCertificateAuthentication)), C(User) (no comma), C(s4hana.cloud.api.version) (C(1) for the SOAP
        Business User API of SAP_COM_0193, C(3) for SCIM of SAP_COM_0465), C(s4hana.cloud.hr.switch.active),
        C(ips.date.variable.format). Other names pass through unchecked.
      - Properties on the system that are not listed here are kept. To remove a property, set it to V(null).
      - With O(infrastructure=sci) the system carries C(URL) and C(User) itself, so both are required.
    type: dict
  credential_properties:
    description:
      - Credential properties, for example C(Password), the communication user's password (no comma).
      - Write-only. IPS never shows or exports them, so they cannot be compared.
      - They are sent when the system is created, when C(URL) or C(Host) changes (IPS drops all credential
        properties then), when the system shows one of them unset, and always with O(update_password=always).
      - Never written to the file of O(transport=file); enter them in the console after the import.
      - With O(infrastructure=sci), C(Password) is required.
    type: dict
  update_password:
    description:
      - V(on_create) sends O(credential_properties) only in the cases listed there; V(always) on every run, which then
        always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  read_transformation:
    description:
      - The read transformation, as a dict or as JSON text. Compared by meaning (key order and spacing do not
        matter). Not compared when not given.
    type: raw
  write_transformation:
    description:
      - The write transformation, as a dict or as JSON text. Compared by meaning. Not compared when not given.
    type: raw
  dest:
    description:
      - File to write with O(transport=file). It is rewritten only when its content would change, so the file is
        byte-stable for the same input. It is written to a temporary file in the same directory and renamed.
    type: path
  system_id:
    description:
      - With O(transport=file), the ID that IPS gave the system when the admin imported the file. The module then
        returns the proxy SCIM URL. Not allowed with O(transport=api), where the server returns the ID.
    type: str
extends_documentation_fragment: [sapcloud.identity.hand_off, sapcloud.identity.ips, sapcloud.identity.ips.admin,
  sapcloud.identity.common, sapcloud.identity.attributes, sapcloud.identity.attributes.group_ips]
notes:
  - Credential properties are masked in the diff and never returned.
seealso:
  - module: sapcloud.identity.ips_proxy_check
  - module: sapcloud.identity.idm_repository
author: sapcloud.identity contributors (@sapcloud)
'''

EXAMPLES = r'''
- name: >-
    Write the IPS import file for the S/4HANA Cloud proxy (Neo, destination based); once the admin has imported it,
    run again with the ID IPS gave the system to get its SCIM URL
  sapcloud.identity.ips_proxy_system:
    name: S4HC proxy
    description: S/4HANA Cloud my123456 for IDM
    destination_name: S4HC_IPS
    properties:
      s4hana.cloud.api.version: "1"
      ips.date.variable.format: yyyy-MM-dd
    transport: file
    dest: "{{ playbook_dir }}/out/ips-s4hc-proxy.json"
    system_id: "{{ imported_system_id | default(omit) }}"  # for example 8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b
    proxy_url: https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com
  register: proxy

- name: IPS on SAP Cloud Identity Services, through the collection's REST contract (emulator)
  sapcloud.identity.ips_proxy_system:
    name: S4HC proxy
    infrastructure: sci
    properties:
      URL: https://my123456-api.s4hana.cloud.sap
      User: IPS_COMM_USER
      Authentication: BasicAuthentication
    credential_properties:
      Password: "{{ s4_comm_password }}"
    transport: api
    ips_admin_url: "{{ emulator_urls.ias }}"
    ips_admin_user: "{{ emulator_demo.ips_admin_user }}"
    ips_admin_password: "{{ emulator_demo.ips_admin_password }}"
    proxy_url: "{{ emulator_urls.ias }}"
'''

RETURN = r'''
system:
  description:
    - The system as the server holds it (O(transport=api)) or as written to the file (O(transport=file)), in the
      shape of an IPS JSON export.
    - C(encryptedProperties) lists the names of the credential properties with the value V(null), never the values.
  returned: when O(state=present)
  type: dict
system_id:
  description: ID of the proxy system (from the server, or O(system_id) with O(transport=file)).
  returned: when known
  type: str
  sample: 8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b
scim_url:
  description: Base URL of the system's proxy SCIM API (documented pattern), when O(proxy_url) and the ID are known.
  returned: always
  type: str
  sample: https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com/ipsproxy/api/v1/scim/8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b
path:
  description: The file written or removed (O(transport=file)).
  returned: with O(transport=file)
  type: str
next_step:
  description: What an admin does by hand next (O(transport=file)).
  returned: with O(transport=file)
  type: str
actions:
  description: What was done or would be done (create, update, delete).
  returned: always
  type: list
  elements: str
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import (
    HandOffFile, hand_off_argument_spec)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import (
    IpsAdminClient, ips_argument_spec, render_json, scim_base_url)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips_system_model import (
    DesiredSystem, FILE_MODE, FILE_WHAT, file_view, is_system_json, system_view)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import run_hand_off


def argument_spec():
    spec = dict(
        name=dict(type='str', required=True),
        description=dict(type='str'),
        connector_type=dict(type='str', default=fmt.DEFAULT_CONNECTOR_TYPE),
        destination_name=dict(type='str'),
        properties=dict(type='dict'),
        credential_properties=dict(type='dict', no_log=True),
        read_transformation=dict(type='raw'),
        write_transformation=dict(type='raw'),
        system_id=dict(type='str'),
    )
    spec.update(hand_off_argument_spec())
    spec.update(ips_argument_spec())
    return spec


def apply_api(module, desired):
    p = module.params
    client = IpsAdminClient(p)
    current = client.find(p['name'])
    ensure = Ensure(module, desired.secret_fields(current))
    if p['state'] == 'absent':
        client.absent(ensure, current, system_view)
        return ensure.result(system_id=current['id'] if current else None, scim_url=None)

    update_password, lost = desired.password_policy(current)
    if lost:
        module.warn('URL/host changes: IPS drops the credential properties %s; give them in credential_properties to '
                    'keep them' % ', '.join(lost))
    system = client.ensure_document(ensure, current, desired, system_view, desired.credential_fields(), update_password)
    return ensure.result(system=system, system_id=system.get('id'),
                         scim_url=scim_base_url(p['infrastructure'], p['proxy_url'], system.get('id')))


def apply_file(module, desired):
    p = module.params
    ensure = Ensure(module, desired.secret_fields())
    hand_off = HandOffFile(p['dest'], FILE_MODE, file_view, is_system_json, FILE_WHAT, p['force'])
    if p['state'] == 'absent':
        hand_off.absent(ensure)
        return ensure.result(path=p['dest'], scim_url=None,
                             next_step='Delete the proxy system %r in the IPS admin console by hand (IPS has no API '
                                       'for it).' % p['name'])
    document = desired.file_document()
    changed = hand_off.ensure(ensure, render_json(document))
    return ensure.result(path=p['dest'], system=document, system_id=p['system_id'],
                         scim_url=scim_base_url(p['infrastructure'], p['proxy_url'], p['system_id']),
                         next_step=desired.file_next_step(changed))


def main():
    run_hand_off(argument_spec(), DesiredSystem, apply_api, apply_file)


if __name__ == '__main__':
    main()
