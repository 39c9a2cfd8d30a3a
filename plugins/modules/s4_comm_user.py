#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_comm_user
short_description: Manage a communication user in SAP S/4HANA Cloud
version_added: 0.1.0
description:
  - Creates, updates or deletes a communication user through the Communication Management Integration API
    (scenario C(SAP_COM_0A48), OData V4 service C(aps_com_cu_a4c_odata)).
  - The user is found by its name; the server generates its ID (C(CC) followed by 10 digits), which later steps
    (communication systems) need.
  - Manages the user's X.509 certificates (O(certificates)), for inbound users that authenticate with a client
    certificate (C(x509)) instead of a password.
  - Unconfirmed on real tenants, because SAP does not document them for this API - deleting a user (O(state=absent)),
    changing its password by PATCH (O(update_password=always) on an existing user) and whether updates need an ETag.
    When the server refuses one of these operations the module fails and says so.
  - Also unconfirmed - how a certificate is written (property and encoding, see O(certificate_property)), whether a
    user may be created without a password, and how many certificates a user may hold.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.s4.comm, sapcloud.identity.common,
  sapcloud.identity.attributes, sapcloud.identity.attributes.group_s4]
options:
  name:
    description:
      - User name of the communication user (the logon name, shown as User Name in the Fiori app).
      - It must not contain a comma, which SAP Identity Provisioning rejects in user names.
      - At most 40 characters, checked before any request. SAP documents no limit for communication users; 40 is
        the length of a business user's name (UNCONFIRMED for communication users).
    type: str
    required: true
  description:
    description:
      - Description of the user. SAP requires one when the user is created.
      - When omitted, an existing user's description is left as it is.
    type: str
  password:
    description:
      - Password of the user, needed to create it unless O(certificates) are given (a user that logs on with a
        certificate needs none; whether a tenant accepts a user without password is unconfirmed, and a tenant that
        refuses it fails the create naming this option).
      - At least 20 characters with an upper-case letter, a lower-case letter, a digit and a special character, and
        no comma. This is stricter than SAP's rule (20 characters and a special character), so SAP always accepts it.
      - Write-only, it cannot be read back, so it is compared never; see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is created.
      - V(always) also sends it to an existing user on every run, which reports a change each time. Changing a
        password by PATCH is unconfirmed on real tenants; rotating by cut-over to a second user needs no password
        change.
    type: str
    choices: [on_create, always]
    default: on_create
  known:
    description:
      - The user as an earlier task of the same run read it (an element of RV(sapcloud.identity.s4_comm_user_info#module:users),
        or RV(user) of this module). The module then makes no read of its own unless a write looks needed, and
        decides every write on a fresh read, so a user changed in between is not overwritten blindly.
      - Ignored unless its C(Name) is O(name) and it has an C(ID); then the module reads the user itself.
    type: dict
  certificates:
    description:
      - PEM files, one X.509 certificate each (no key, no chain), that the user holds, for example the certificate
        generated and downloaded in the SAP Identity Provisioning system's Certificate tab.
      - A certificate counts as held when the user has one with the same subject and issuer. Missing ones are
        uploaded; others the user holds are kept unless O(purge_certificates=true).
      - Each file is checked before any request - PEM, one certificate, valid now.
      - When omitted, the user's certificates are neither read nor changed.
    type: list
    elements: path
  purge_certificates:
    description:
      - Remove the certificates the user holds that O(certificates) does not list. New ones are uploaded first, so
        a replaced certificate works until its successor does.
    type: bool
    default: false
  certificate_property:
    description:
      - Property of the C(Certificates) entity set a certificate is written with. Unconfirmed, so by default it is
        read from the tenant's C($metadata) (one request, only when a certificate is uploaded) - the one
        C(Edm.Binary) or C(Edm.String) property besides C(UserID), C(SubjectHash), C(IssuerHash), C(Subject) and
        C(Issuer).
    type: str
  certificate_encoding:
    description:
      - How the certificate is written - V(base64) (the DER bytes in base64, as OData writes C(Edm.Binary)), V(pem)
        (the PEM text) or V(auto) (C(Edm.Binary) means base64, C(Edm.String) PEM, from C($metadata)).
    type: str
    choices: [auto, base64, pem]
    default: auto
  state:
    description:
      - V(present) creates or updates the user, V(absent) deletes it (unconfirmed on real tenants).
    type: str
    choices: [present, absent]
    default: present
notes:
  - A no-op run makes one request (a GET by name that also fetches the CSRF token), and one more to read the
    certificates when O(certificates) is given.
  - The diff shows subject and issuer of each certificate, and validity and SHA-256 fingerprint of those uploaded;
    never a key.
seealso:
  - module: sapcloud.identity.s4_comm_user_info
  - module: sapcloud.identity.s4_comm_system
'''

EXAMPLES = r'''
- name: Communication user for SAP Identity Provisioning
  sapcloud.identity.s4_comm_user:
    api_url: https://my123456-api.s4hana.cloud.sap
    api_user: COMM_0A48_ADMIN
    api_password: "{{ vault_s4_0a48_password }}"
    name: IPS_COMM_USER
    description: SAP Identity Provisioning proxy
    password: "{{ vault_ips_comm_user_password }}"
  register: ips_user

- name: Remove it again (connection options from module_defaults)
  module_defaults:
    group/sapcloud.identity.s4:
      api_url: https://my123456-api.s4hana.cloud.sap
      api_user: COMM_0A48_ADMIN
      api_password: "{{ vault_s4_0a48_password }}"
  sapcloud.identity.s4_comm_user:
    name: IPS_COMM_USER
    state: absent
'''

RETURN = r'''
user_id:
  description: ID of the communication user (C(CC) and 10 digits). Empty in check mode when the user would be created.
  returned: success
  type: str
  sample: CC0000000042
user:
  description: The user as the server holds it (the password is never returned). Empty after a delete.
  returned: success
  type: dict
  sample:
    ID: CC0000000042
    Name: IPS_COMM_USER
    Type: customer_communication
    Description: SAP Identity Provisioning proxy
    IsLocked: false
    LockStatus: not_locked
    PasswordStatus: productive
certificates:
  description:
    - The certificates the user holds (or, in check mode, would hold) when O(certificates) is given - subject and
      issuer as the server shows them, plus validity and SHA-256 fingerprint for those uploaded in this run.
  returned: when certificates is given
  type: list
  elements: dict
  sample:
    - subject: CN=ips-s4-link,O=Example
      issuer: CN=SAP Cloud Root CA,O=SAP SE
actions:
  description: The writes made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: str
  sample: [create, add_certificate]
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import (
    S4Client, SECRET_FIELDS, USERS, check_limit, check_password, s4_argument_spec)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_certificates import (
    UserCertificates, ensure_certificates)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_fields import body
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import load_certificate
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run


def ensure_user(module):
    params = module.params
    if ',' in params['name'] or not params['name'].strip():
        raise ValidationError('name must be a non-empty user name without a comma, got %r' % params['name'])
    check_limit(params['name'], 'name', 'user_name')
    check_password(params['password'], 'password')
    wanted = None
    if params['certificates'] is not None:
        wanted = [load_certificate(path, 'certificates[%d]' % index) for index, path in enumerate(params['certificates'])]
    client = S4Client(params)
    ensure = Ensure(module, SECRET_FIELDS)
    known = params['known'] if params['state'] == 'present' else None
    if known and known.get('Name') == params['name'] and known.get('ID'):
        current, confirm = known, client.users.read_again  # read again only before a write
    else:
        current, confirm = client.users.find(Name=params['name']), None
    if params['state'] == 'absent':
        ensure.absent(current, client.users.delete)
        return ensure.result(user_id=current['ID'] if current else '', user={})

    if current is None:
        for option in ('description',) + (() if wanted else ('password',)):
            if not params[option]:
                raise ValidationError('%s is required to create communication user %s%s' % (
                    option, params['name'], ' (or certificates, for a user that logs on with one)'
                    if option == 'password' else ''))
    desired = body(USERS, Name=params['name'], Description=params['description'], Password=params['password'],
                   Type='customer_communication' if current is None else None)
    user = ensure.present(current, desired, client.users.create, client.users.update, write_only=SECRET_FIELDS,
                          update_password=params['update_password'], confirm=confirm)
    if wanted is None:
        return ensure.result(user_id=user.get('ID', ''), user=user)
    held = UserCertificates(client.users.service).held(user['ID']) if user.get('ID') else []
    after = ensure_certificates(ensure, client.users.service, user, held, wanted, params, module.check_mode)
    return ensure.result(user_id=user.get('ID', ''), user=user, certificates=after)


def main():
    module = new_module(
        dict(s4_argument_spec(),
             name=dict(type='str', required=True),
             description=dict(type='str'),
             password=dict(type='str', no_log=True),
             update_password=dict(type='str', choices=['on_create', 'always'], default='on_create', no_log=False),
             known=dict(type='dict'),
             certificates=dict(type='list', elements='path'),
             purge_certificates=dict(type='bool', default=False),
             certificate_property=dict(type='str'),
             certificate_encoding=dict(type='str', choices=['auto', 'base64', 'pem'], default='auto'),
             state=dict(type='str', choices=['present', 'absent'], default='present')),
        supports_check_mode=True)
    run(module, ensure_user)


if __name__ == '__main__':
    main()
