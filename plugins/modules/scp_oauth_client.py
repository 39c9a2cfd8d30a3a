#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: scp_oauth_client
short_description: Verify a Neo OAuth client for the IPS proxy and give it its roles
version_added: 0.1.0
description:
  - Prepares the SAP BTP, Neo OAuth client that SAP Identity Management uses to call the Identity Provisioning
    (IPS) proxy C(<provider_subaccount>/ipsproxy). Configure it once for the landscape, not per S/4HANA tenant.
  - B(Registering an OAuth client in Neo has no public API) (SAP documents the cockpit only). The module therefore
    does not create the client. It proves the registration by requesting a token for it (client credentials,
    Basic auth) at C(<oauth_url>/oauth2/api/v1/token) (documented). When that fails it stops and names the cockpit
    steps that register the client, with I(client_id) as the client ID chosen by the playbook.
  - >-
    It then makes sure that the user C(oauth_client_<client_id>) (the identity Neo gives a client credentials
    client) holds each of I(roles) of the subscribed application, through the Neo Authorization Management API
    (documented: base URL, scopes and its limit of 100 requests a minute; the role-user endpoints are B(observed
    in SAP's archived Java client) SAP-archive/cloud-neo-api-client, not described in the help pages). It reads
    the role's users and assigns the user only when it is missing. A 429 from that API (it sends no Retry-After)
    is retried after 5, 15 and 45 seconds.
  - I(state=absent) removes the role assignments. The registration itself can only be deleted in the cockpit;
    the module warns about it.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.common, sapcloud.identity.btp_neo,
  sapcloud.identity.client_certificate, sapcloud.identity.attributes, sapcloud.identity.attributes.group_btp]
options:
  client_id:
    description:
      - >-
        ID of the OAuth client, as entered in the cockpit (choose it in the playbook: the cockpit accepts a custom
        ID, which must be unique across SAP BTP).
      - Required. If not set, the value of the E(SAP_NEO_OAUTH_CLIENT_ID) environment variable is used; the module
        fails before any request, naming both, when neither is set.
    type: str
  client_secret:
    description:
      - Secret of the OAuth client. Required with I(state=present) unless I(client_cert) is given. Never returned
        or shown.
      - If not set, the value of the E(SAP_NEO_OAUTH_CLIENT_SECRET) environment variable is used.
    type: str
  provider_subaccount:
    description:
      - Provider subaccount of the subscribed application (the C(<provider>) of C(<provider>/ipsproxy)).
    type: str
    required: true
  application:
    description:
      - The subscribed application the client is registered for.
    type: str
    default: ipsproxy
  roles:
    description:
      - Roles of the application that C(oauth_client_<client_id>) must hold (I(state=present)) or must not hold
        (I(state=absent)). Other roles of that user are left alone.
    type: list
    elements: str
    default: [IPS_PROXY_USER]
  proxy_url:
    description:
      - Base URL of the IPS proxy, used for the returned C(scim_url).
      - Default C(https://ipsproxy<provider_subaccount>-<subaccount>.<landscape_host>).
      - If not set, the value of the E(SAP_NEO_IPS_PROXY_URL) environment variable is used.
    type: str
  state:
    description:
      - C(present) verifies the registration and assigns the roles; C(absent) removes the role assignments.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Check mode still requests the token that proves the registration, which changes nothing.
  - I(subaccount) (alias I(consumer_subaccount)) is the consumer subaccount that is subscribed to the application
    and in which the client is registered.
  - The platform API client needs the Authorization Management scopes (C(readAuthorizationSettings),
    C(manageAuthorizationSettings); which of these or C(manageApplicationRoles) SAP enforces for subscriptions is
    not documented, so grant both kinds).
  - The token proving the registration is cached like every token of the collection; a cached token issued
    earlier for the same client ID and secret counts as proof until it expires.
'''

EXAMPLES = r'''
- name: IDM's OAuth client for the IPS proxy (registered by hand once)
  hosts: localhost
  module_defaults:
    group/sapcloud.identity.btp:  # the Neo connection, once for every BTP task of the play
      landscape_host: hana.ondemand.com
      consumer_subaccount: idmconsumer
      platform_client_id: "{{ neo_platform_client_id }}"
      platform_client_secret: "{{ neo_platform_client_secret }}"
  tasks:
    - name: Prove the registration and give the client role IPS_PROXY_USER
      sapcloud.identity.scp_oauth_client:
        provider_subaccount: ipsprovider
        client_id: idm-ipsproxy-client
        client_secret: "{{ idm_oauth_client_secret }}"
      register: ips_client

    - name: IDM constants for the proxy
      ansible.builtin.debug:
        msg: "token URL {{ ips_client.token_url }}, SCIM {{ ips_client.scim_url }}"

    - name: Take the role away again
      sapcloud.identity.scp_oauth_client:
        provider_subaccount: ipsprovider
        client_id: idm-ipsproxy-client
        state: absent
'''

RETURN = r'''
client_id:
  description: The OAuth client ID.
  returned: always
  type: str
  sample: idm-ipsproxy-client
user_name:
  description: The user Neo gives the client, which holds the roles.
  returned: always
  type: str
  sample: oauth_client_idm-ipsproxy-client
token_url:
  description: Token endpoint of the client (for the IDM constants).
  returned: always
  type: str
  sample: https://oauthasservices-idmconsumer.hana.ondemand.com/oauth2/api/v1/token
roles:
  description: Those of I(roles) the user holds after the run (in check mode, would hold).
  returned: always
  type: list
  elements: str
  sample: [IPS_PROXY_USER]
scim_url:
  description: Base URL of the IPS proxy SCIM API for IDM; append C(/<system id>/Users).
  returned: always
  type: str
  sample: https://ipsproxyipsprovider-idmconsumer.hana.ondemand.com/ipsproxy/api/v1/scim
registration_verified:
  description: Whether a token was obtained for the client (only with I(state=present)).
  returned: always
  type: bool
actions:
  description: C(assign) or C(unassign) when roles were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
'''

import re

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import require
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.btp import (
    IPS_PROXY_SCIM_PATH, NeoAuthorization, check_account, check_application, ips_proxy_url, neo_app_token_url,
    neo_app_tokens, neo_argument_spec, neo_platform_tokens, neo_url)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import client_certificate
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

# Options of a client that logs on with a certificate instead of client_secret (unconfirmed for Neo).
CLIENT_CERT_OPTIONS = ('client_cert', 'client_key', 'client_key_passphrase')
CLIENT_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$')
ROLE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')


def argument_spec():
    spec = dict(
        client_id=env_option('SAP_NEO_OAUTH_CLIENT_ID'),
        client_secret=env_option('SAP_NEO_OAUTH_CLIENT_SECRET', no_log=True),
        client_cert=env_option('SAP_NEO_OAUTH_CLIENT_CERT', type='path'),
        client_key=env_option('SAP_NEO_OAUTH_CLIENT_KEY', type='path', no_log=False),
        client_key_passphrase=env_option('SAP_NEO_OAUTH_CLIENT_KEY_PASSPHRASE', no_log=True),
        provider_subaccount=dict(type='str', required=True),
        application=dict(type='str', default='ipsproxy'),
        roles=dict(type='list', elements='str', default=['IPS_PROXY_USER']),
        proxy_url=env_option('SAP_NEO_IPS_PROXY_URL'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    spec.update(neo_argument_spec())
    return spec


def validate(params):
    require(params, ('client_id',))
    if not CLIENT_ID.fullmatch(params['client_id']):
        raise ValidationError('client_id must start with a letter or digit and hold only letters, digits, ".", "_", '
                              '"@" and "-" (at most 255), got %r' % params['client_id'][:260])
    check_account(params['subaccount'], 'subaccount')
    check_account(params['provider_subaccount'], 'provider_subaccount')
    check_application(params['application'])
    if not params['roles']:
        raise ValidationError('roles must name at least one role')
    for role in params['roles']:
        if not ROLE.fullmatch(role or ''):
            raise ValidationError('roles must be role names (letters, digits, "_", ".", "-"), got %r' % role)
    require(params, ('platform_client_id', 'platform_client_secret'))
    certificate = client_certificate(params, CLIENT_CERT_OPTIONS)
    if params['state'] == 'present' and certificate is None:
        require(params, ('client_secret',), 'with state=present, unless client_cert and client_key are given')
    neo_url(params, 'api_url', 'api')
    return certificate


def registration_steps(params):
    return ('Registering a Neo OAuth client has no public API. In the SAP BTP cockpit, subaccount %(account)s: '
            'Security > OAuth > Clients > Register New Client; Name: any (for example %(client)s); Subscription: '
            '%(provider)s/%(app)s; ID: %(client)s; Confidential: on; Secret: the value given as client_secret; '
            'Authorization Grant: Client Credentials; Token Lifetime: any value other than 0. Save, then run this '
            'task again.' % dict(account=params['subaccount'], client=params['client_id'],
                                 provider=params['provider_subaccount'], app=params['application']))


def verify_registration(params, token_url, certificate):
    try:
        neo_app_tokens(params, token_url, params['client_id'], params['client_secret'],
                       client_cert=certificate).token()
    except ApiError as exc:
        if exc.status is None or exc.status >= 500:
            raise
        raise ApiError('no token for OAuth client %s (%s): it is not registered for %s/%s in subaccount %s, or its '
                       'secret (or certificate) differs. %s'
                       % (params['client_id'], exc.message, params['provider_subaccount'], params['application'],
                          params['subaccount'], registration_steps(params)),
                       'POST', token_url, exc.status)


def ensure_client(module):
    params = module.params
    certificate = validate(params)
    token_url = neo_app_token_url(params)
    proxy_url = ips_proxy_url(params)
    user = 'oauth_client_' + params['client_id']
    present = params['state'] == 'present'
    if present:
        verify_registration(params, token_url, certificate)

    authz = NeoAuthorization(params, neo_platform_tokens(params))
    wanted = list(dict.fromkeys(params['roles']))
    held = [role for role in wanted
            if user in authz.role_users(params['application'], params['provider_subaccount'], role)]
    after = wanted if present else []
    todo = [role for role in wanted if (role in held) != present]
    ensure = Ensure(module)

    def change_roles():
        # One action for the set: the Authorization Management API takes one role a request.
        for role in todo:
            (authz.assign if present else authz.unassign)(params['application'], params['provider_subaccount'],
                                                          role, user)
    if todo:
        ensure.write('assign' if present else 'unassign', {'user': user, 'roles': held}, {'user': user, 'roles': after},
                     change_roles)
    if not present:
        module.warn('the OAuth client registration %s itself can only be removed in the cockpit (subaccount %s, '
                    'Security > OAuth > Clients)' % (params['client_id'], params['subaccount']))
    return ensure.result(client_id=params['client_id'], user_name=user, token_url=token_url,
                         roles=after if todo else held, scim_url=proxy_url + IPS_PROXY_SCIM_PATH,
                         registration_verified=present)


def main():
    module = new_module(argument_spec(), supports_check_mode=True)
    run(module, ensure_client)


if __name__ == '__main__':
    main()
