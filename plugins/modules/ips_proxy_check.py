#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ips_proxy_check
short_description: Verify the chain from an IPS proxy system to SAP S/4HANA Cloud through documented APIs
version_added: 0.1.0
description:
  - Read-only check of an SAP Identity Provisioning (IPS) proxy system, as SAP Identity Management would call it.
    It uses documented runtime APIs only.
  - First it requests a token with the client credentials (Neo OAuth client, or IAS administrator of type System).
    Then it reads C(GET <SCIM URL>/Users?count=1) and C(GET <SCIM URL>/Groups?count=1) through the proxy, which calls
    S/4HANA Cloud behind it.
  - Optionally it reads the C(LockStatus) and C(PasswordStatus) of the communication user that IPS uses. It reads
    them through the S/4HANA Cloud communication user service of SAP_COM_0A48.
  - On failure it names the hop that failed (C(token), C(proxy) or C(s4), the system behind the proxy) and why. IPS
    does not document the status it returns for a failure of the system behind it. The module treats a 5xx answer
    from the proxy as such a failure and shows the proxy's message.
  - The O(ips_admin_url), O(ips_admin_user) and O(ips_admin_password) options are accepted so that
    C(module_defaults) of C(group/sapcloud.identity.ips) reach this module; it does not use them.
options:
  system_id:
    description: ID of the proxy system in IPS.
    type: str
    required: true
  comm_user:
    description:
      - Name of the S/4HANA Cloud communication user that the proxy system uses. It is the C(User) of its
        destination (neo) or of its properties (sci).
      - When given, its lock and password status are read. This needs O(s4_connection).
    type: str
  s4_connection:
    description:
      - How to read communication users in S/4HANA Cloud (scenario SAP_COM_0A48). These are the same values as the
        S/4 modules take. Each suboption falls back to the same environment variable as there.
      - Give V({}) to take every value from the environment.
      - O(s4_connection.api_url), O(s4_connection.api_user) and O(s4_connection.api_password) are required, as
        options or environment variables; a missing one fails before any request.
    type: dict
    suboptions:
      api_url:
        description:
          - Base URL of the tenant's API host, for example C(https://my123456-api.s4hana.cloud.sap).
          - If not set, the value of the E(SAP_S4_API_URL) environment variable is used.
        type: str
      api_user:
        description:
          - User name of the SAP_COM_0A48 communication user.
          - If not set, the value of the E(SAP_S4_API_USER) environment variable is used.
        type: str
      api_password:
        description:
          - Password of O(s4_connection.api_user).
          - If not set, the value of the E(SAP_S4_API_PASSWORD) environment variable is used.
        type: str
      sap_client:
        description:
          - Optional C(sap-client) query parameter.
          - If not set, the value of the E(SAP_S4_CLIENT) environment variable is used.
        type: str
      api_client_cert:
        description:
          - PEM file with the client certificate of the SAP_COM_0A48 communication user, which then logs on by mutual
            TLS instead of O(s4_connection.api_user) and O(s4_connection.api_password).
          - If not set, the value of the E(SAP_S4_API_CLIENT_CERT) environment variable is used.
        type: path
      api_client_key:
        description:
          - PEM file with the private key of O(s4_connection.api_client_cert).
          - If not set, the value of the E(SAP_S4_API_CLIENT_KEY) environment variable is used.
        type: path
      api_client_key_passphrase:
        description:
          - Passphrase of an encrypted O(s4_connection.api_client_key).
          - If not set, the value of the E(SAP_S4_API_CLIENT_KEY_PASSPHRASE) environment variable is used.
        type: str
  comm_user_certificate:
    description:
      - PEM file of the certificate O(comm_user) logs on with, when IPS authenticates with a client certificate
        (C(ClientCertificateAuthentication)). Then the user's password status does not matter; instead the user
        must hold this certificate (same subject and issuer, read through the C(Certificates) entity set).
      - The certificate is checked before any request (PEM, one certificate, valid now).
    type: path
  certificate_expiry_days:
    description:
      - Warn when O(comm_user_certificate) expires within this many days, naming the user, the subject and the
        date.
    type: int
    default: 30
extends_documentation_fragment: [sapcloud.identity.ips, sapcloud.identity.ips.proxy,
  sapcloud.identity.client_certificate, sapcloud.identity.ips.admin, sapcloud.identity.common,
  sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_ips]
notes:
  - Read-only. It runs the same reads in check mode and never reports a change.
  - The token request is a POST to the token endpoint, and it is not cached. The check must prove that the secret
    works now.
seealso:
  - module: sapcloud.identity.ips_proxy_system
  - module: sapcloud.identity.idm_repository
author: sapcloud.identity contributors (@sapcloud)
'''

EXAMPLES = r'''
- name: Verify the Neo proxy chain
  sapcloud.identity.ips_proxy_check:
    system_id: "{{ proxy.system_id }}"
    infrastructure: neo
    proxy_url: https://ipsproxyabcd1234-idmconsumer.hana.ondemand.com
    token_url: https://oauthasservices-idmconsumer.hana.ondemand.com/oauth2/api/v1/token
    client_id: "{{ neo_oauth_client_id }}"
    client_secret: "{{ neo_oauth_client_secret }}"
    comm_user: IPS_COMM_USER
    s4_connection:
      api_url: https://my123456-api.s4hana.cloud.sap
      api_user: COMM_0A48_ADMIN
      api_password: "{{ s4_admin_password }}"

- name: Verify the proxy on SAP Cloud Identity Services (token URL derived from the tenant host)
  sapcloud.identity.ips_proxy_check:
    system_id: "{{ proxy.system_id }}"
    infrastructure: sci
    proxy_url: https://mytenant.accounts.ondemand.com
    client_id: "{{ ias_admin_client_id }}"
    client_secret: "{{ ias_admin_client_secret }}"
'''

RETURN = r'''
scim_url:
  description: The proxy system's SCIM base URL that was checked.
  returned: always
  type: str
token_url:
  description: The token endpoint that was used.
  returned: always
  type: str
hops:
  description:
    - One entry per step, in order. Each has C(hop) (C(token), C(proxy) or C(s4)), C(step), C(ok), and on failure
      C(status), C(message) and C(cause).
  returned: always
  type: list
  elements: dict
users_total:
  description: C(totalResults) of the Users list (may be an estimate, as the proxy documentation says).
  returned: when the Users read succeeded
  type: int
groups_total:
  description: C(totalResults) of the Groups list.
  returned: when the Groups read succeeded
  type: int
comm_user_status:
  description: C(ID), C(LockStatus) and C(PasswordStatus) of O(comm_user).
  returned: when O(comm_user) is given and found
  type: dict
comm_user_certificate:
  description:
    - Subject, issuer, validity, SHA-256 fingerprint and C(days_left) of O(comm_user_certificate).
  returned: when O(comm_user_certificate) is given and the user was found
  type: dict
  sample:
    subject: CN=Identity Provisioning,O=SAP
    issuer: CN=SAP Cloud Root CA,O=SAP SE
    not_before: '2026-01-01T00:00:00Z'
    not_after: '2027-01-01T00:00:00Z'
    fingerprint_sha256: 'AB:CD:...'
    days_left: 300
'''

import datetime

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url, require
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import (
    ProxyClient, check_system_id, default_token_url, ips_argument_spec, ips_proxy_argument_spec,
    proxy_client_credentials, scim_base_url)
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import S4Client, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_certificates import UserCertificates, holds
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import (
    describe, load_certificate, not_after)
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

# Communication user states that stop IPS from logging on (values CONFIRMED, SAP_COM_0A48 constants).
USABLE_LOCK_STATUS = ('not_locked',)
UNUSABLE_PASSWORD_STATUS = ('inactive',)

CALLER = {
    'neo': 'the Neo OAuth client %(id)s (registered for <provider>/ipsproxy with the client credentials grant)',
    'sci': 'the IAS administrator of type System with client ID %(id)s',
}
PROXY_REFUSED = {
    'neo': 'the token is valid but the proxy refused it: assign role IPS_PROXY_USER of <provider>/ipsproxy to '
           'oauth_client_%(id)s',
    'sci': 'the token is valid but the proxy refused it: the IAS administrator %(id)s needs the permission '
           '"Access Proxy System API"',
}


def argument_spec():
    spec = dict(
        system_id=dict(type='str', required=True),
        comm_user=dict(type='str'),
        s4_connection=dict(type='dict', options=s4_argument_spec(writes=False)),
        comm_user_certificate=dict(type='path'),
        certificate_expiry_days=dict(type='int', default=30),
    )
    spec.update(ips_argument_spec())
    spec.update(ips_proxy_argument_spec())
    return spec


def validate(p):
    check_system_id(p['system_id'], 'system_id')
    require(p, ('proxy_url', 'client_id'), 'to call the proxy')
    proxy_client_credentials(p)
    check_base_url(p['proxy_url'], 'proxy_url')
    token_url = p['token_url'] or default_token_url(p['infrastructure'], p['proxy_url'])
    if not token_url:
        raise ValidationError('token_url is required with infrastructure=neo '
                              '(https://oauthasservices-<consumer>.<host>/oauth2/api/v1/token)')
    check_base_url(token_url, 'token_url')
    if p['comm_user_certificate'] and not p['comm_user']:
        raise ValidationError('comm_user_certificate needs comm_user (the user that holds it)')
    if p['certificate_expiry_days'] < 0:
        raise ValidationError('certificate_expiry_days must be 0 or more, got %d' % p['certificate_expiry_days'])
    if p['comm_user'] and p['s4_connection'] is None:
        raise ValidationError('s4_connection is required with comm_user (to read its status through SAP_COM_0A48)')
    if p['s4_connection']:
        connection = p['s4_connection']
        spec = s4_argument_spec(writes=False)
        names = ('api_url',) if connection.get('api_client_cert') else ('api_url', 'api_user', 'api_password')
        for name in names:
            if not connection.get(name):
                raise ValidationError('s4_connection.%s is required with comm_user; set it or the environment '
                                      'variable %s' % (name, spec[name]['fallback'][1][0]))
        check_base_url(connection['api_url'], 's4_connection.api_url')
    return token_url


def failure(hop, step, exc, cause):
    return {'hop': hop, 'step': step, 'ok': False, 'status': exc.status, 'message': str(exc), 'cause': cause}


def proxy_cause(p, exc, scim_url):
    who = {'id': p['client_id']}
    if exc.status in (401, 403):
        return 'proxy', PROXY_REFUSED[p['infrastructure']] % who
    if exc.status == 404:
        return 'proxy', ('no proxy system %s at %s: check system_id and infrastructure (%s)'
                         % (p['system_id'], scim_url, p['infrastructure']))
    if exc.status is None:
        return 'proxy', 'cannot reach the proxy at %s' % p['proxy_url']
    if exc.status >= 500:
        return 's4', ('the proxy could not complete the call to the system behind it: check the destination or '
                      'the URL, User and Password properties, that the communication user is not locked, and the '
                      'communication arrangement (SAP_COM_0193/SAP_COM_0093 for s4hana.cloud.api.version 1, '
                      'SAP_COM_0465 for 3)')
    return 'proxy', 'the proxy answered HTTP %s' % exc.status


def check_comm_user(p, certificate=None):
    params = dict(p['s4_connection'])
    params.update(validate_certs=p['validate_certs'], ca_path=p['ca_path'], timeout=p['timeout'])
    step = 'communication user %s' % p['comm_user']
    try:
        user = S4Client(params).users.find(Name=p['comm_user'])
    except ApiError as exc:
        return failure('s4', step, exc, 'cannot read communication users through SAP_COM_0A48'), None
    if user is None:
        return {'hop': 's4', 'step': step, 'ok': False, 'status': None, 'message': 'not found',
                'cause': 'the proxy system names a communication user that does not exist'}, None
    status = dict((k, user.get(k)) for k in ('ID', 'LockStatus', 'PasswordStatus'))
    problems = []
    if status['LockStatus'] not in USABLE_LOCK_STATUS:
        problems.append('it is locked (LockStatus %s)' % status['LockStatus'])
    if certificate is not None:
        # Certificate authentication: the password does not matter, the certificate must be one the user holds.
        held = UserCertificates(S4Client(params).users.service).held(status['ID'])
        if not holds(held, certificate):
            problems.append('it does not hold the certificate of %s (subject %s)' % (
                p['comm_user_certificate'], certificate.subject.rfc4514_string()))
    elif status['PasswordStatus'] in UNUSABLE_PASSWORD_STATUS:
        problems.append('its password is %s' % status['PasswordStatus'])
    entry = {'hop': 's4', 'step': step, 'ok': not problems}
    if problems:
        entry.update(status=None, message=' and '.join(problems),
                     cause='IPS cannot log on to S/4HANA Cloud with this user')
    return entry, status


def certificate_in_use(module, p):
    """(description, certificate) of the certificate the communication user logs on with, checked before any
    request; a warning naming user, subject and date when it expires within certificate_expiry_days."""
    certificate = load_certificate(p['comm_user_certificate'], 'comm_user_certificate')
    info = describe(certificate)
    left = (not_after(certificate) - datetime.datetime.now(datetime.timezone.utc)).days
    info['days_left'] = left
    if left < p['certificate_expiry_days']:
        module.warn('the certificate of communication user %s (subject %s) expires on %s, in %d days: generate a new '
                    'one in IPS and rotate it (playbooks/rotate.yml)' % (p['comm_user'], info['subject'],
                                                                         info['not_after'], left))
    return info, certificate


def body(module):
    p = module.params
    token_url = validate(p)
    certificate_info, certificate = certificate_in_use(module, p) if p['comm_user_certificate'] else (None, None)
    scim_url = scim_base_url(p['infrastructure'], p['proxy_url'], p['system_id'])
    client = ProxyClient(p, scim_url, token_url)
    hops = []
    result = dict(changed=False, scim_url=scim_url, token_url=token_url, hops=hops)
    try:
        client.token()
        hops.append({'hop': 'token', 'step': 'POST %s' % token_url, 'ok': True})
    except ApiError as exc:
        caller = CALLER[p['infrastructure']] % {'id': p['client_id']}
        cause = ('cannot reach the token endpoint' if exc.status is None else
                 'the token endpoint refused the client credentials of %s' % caller)
        hops.append(failure('token', 'POST %s' % token_url, exc, cause))
    if hops[0]['ok']:
        for resource, key in (('Users', 'users_total'), ('Groups', 'groups_total')):
            step = 'GET %s/%s?count=1' % (scim_url, resource)
            try:
                page = client.page(resource) or {}
                hops.append({'hop': 'proxy', 'step': step, 'ok': True})
                result[key] = page.get('totalResults')
            except ApiError as exc:
                hop, cause = proxy_cause(p, exc, scim_url)
                hops.append(failure(hop, step, exc, cause))
    if p['comm_user']:
        entry, status = check_comm_user(p, certificate)
        hops.append(entry)
        if status:
            result['comm_user_status'] = status
        if certificate_info:
            result['comm_user_certificate'] = certificate_info
    failed = [h for h in hops if not h['ok']]
    if failed:
        module.fail_json(msg='; '.join('%s hop failed at %s: %s (%s)' % (h['hop'], h['step'], h['message'], h['cause'])
                                       for h in failed), **result)
    return result


def main():
    run(new_module(argument_spec(), supports_check_mode=True), body)


if __name__ == '__main__':
    main()
