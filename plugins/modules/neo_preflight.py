#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: neo_preflight
short_description: Check what the collection assumes about an SAP BTP Neo subaccount, reading only
version_added: 0.2.0
description:
  - Read-only check of the Neo side of the integration before the first run. Writes nothing; token requests are
    the only POSTs.
  - Settles whether the platform API client gets a token (reachability, TLS, credentials), whether it may read
    destinations (configuration service) and the subscription's roles (Authorization Management API), whether the
    subaccount is subscribed to C(<provider>/ipsproxy), whether the OAuth client of IDM is registered (one token
    request), and, for each destination in O(destinations) that exists already, whether the configuration
    service returns its password.
  - Each fact is returned with what the collection expects, what Neo shows, a verdict (C(confirmed),
    C(different) or C(unknown)) and, when not confirmed, what to set or do.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.btp_neo, sapcloud.identity.common, sapcloud.identity.preflight,
  sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_btp]
options:
  provider_subaccount:
    description: Technical name of the subaccount that provides the C(ipsproxy) application.
    type: str
    required: true
  client_id:
    description:
      - ID of the OAuth client IDM uses, registered by hand for C(<provider_subaccount>/ipsproxy).
      - Without it (or O(client_secret)) the registration is reported as unknown.
    type: str
  client_secret:
    description: Secret of O(client_id).
    type: str
  destinations:
    description: Destination names to check for password read-back (those that do not exist yet are unknown).
    type: list
    elements: str
    default: []
seealso:
  - module: sapcloud.identity.scp_oauth_client
  - module: sapcloud.identity.scp_destination
'''

EXAMPLES = r'''
- name: What holds on the Neo subaccount?
  sapcloud.identity.neo_preflight:
    landscape_host: hana.ondemand.com
    subaccount: idmconsumer
    provider_subaccount: ipsprovider
    platform_client_id: "{{ neo_platform_client_id }}"
    platform_client_secret: "{{ neo_platform_client_secret }}"
    client_id: idm-ipsproxy-client
    client_secret: "{{ neo_oauth_client_secret }}"
    destinations: [S4HC_MY300000]
  register: neo_preflight
'''

RETURN = r'''
facts:
  description: One entry per fact checked, as in M(sapcloud.identity.s4_preflight).
  returned: always
  type: list
  elements: dict
  sample:
    - fact: OAuth client idm-ipsproxy-client registered for ipsprovider/ipsproxy
      expected: a token for the client
      found: HTTP 401
      verdict: different
      set: "register it in the cockpit: Security > OAuth > Clients"
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.btp import (
    NeoAuthorization, NeoDestinations, check_account, neo_app_token_url, neo_app_tokens, neo_argument_spec,
    neo_platform_tokens, neo_url)
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.preflight import Facts, preflight_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

APPLICATION = 'ipsproxy'
ROLE = 'IPS_PROXY_USER'


def failure(exc):
    return 'HTTP %s' % exc.status if exc.status else str(exc)


def platform_client(facts, params):
    fact = 'platform API client %s gets a token' % params['platform_client_id']
    try:
        tokens = neo_platform_tokens(params)
        tokens.token()
    except ApiError as exc:
        to_set = ('%s and %s (cockpit: Security > OAuth > Platform API)'
                  % (facts.name('platform_client_id'), facts.name('platform_client_secret'))) if exc.status else \
            '%s (or api_url): the region host, such as hana.ondemand.com; for TLS trouble SAPCLOUD_CA_PATH' \
            % facts.name('landscape_host')
        facts.add(fact, 'a token from %s' % neo_url(params, 'api_url', 'api'), failure(exc), 'different', to_set)
        return None
    facts.add(fact, 'a token from %s' % neo_url(params, 'api_url', 'api'), 'token issued', 'confirmed')
    return tokens


def destinations(facts, params, tokens):
    fact = 'destinations of subaccount %s readable' % params['subaccount']
    client = NeoDestinations(params, tokens)
    try:
        names = client.names()
    except ApiError as exc:
        facts.add(fact, 'the configuration service answers', failure(exc), 'different',
                  'give the platform API client the scopes Read Destinations and Manage Destinations')
        return
    facts.add(fact, 'the configuration service answers', '%d destination(s)' % len(names), 'confirmed')
    for name in params['destinations']:
        fact = 'configuration service returns the password of %s' % name
        expected = 'not returned (write-only; update_password decides whether it is sent)'
        if name not in names:
            facts.add(fact, expected, 'the destination does not exist yet', 'unknown',
                      'run preflight again after the first integrate run')
            continue
        values = client.get(name) or {}
        if values.get('Password'):
            facts.add(fact, expected, 'returned', 'different',
                      'nothing to set: scp_destination then compares the password itself')
        else:
            facts.add(fact, expected, 'not returned', 'confirmed')


def subscription(facts, params, tokens):
    fact = 'subaccount %s subscribed to %s/%s' % (params['subaccount'], params['provider_subaccount'], APPLICATION)
    try:
        NeoAuthorization(params, tokens).role_users(APPLICATION, params['provider_subaccount'], ROLE)
    except ApiError as exc:
        to_set = ('%s: the subaccount that provides ipsproxy (or subscribe %s to it)'
                  % (facts.name('provider_subaccount'), params['subaccount'])) if exc.status == 404 else \
            'give the platform API client the scopes Read/Manage Authorization Settings'
        facts.add(fact, 'role %s of the subscription readable' % ROLE, failure(exc), 'different', to_set)
        return
    facts.add(fact, 'role %s of the subscription readable' % ROLE, 'readable', 'confirmed')


def oauth_client(facts, params):
    fact = 'OAuth client of IDM registered for %s/%s' % (params['provider_subaccount'], APPLICATION)
    if not params['client_id'] or not params['client_secret']:
        facts.add(fact, 'a token for the client', 'no client ID or secret given', 'unknown',
                  '%s and %s' % (facts.name('client_id'), facts.name('client_secret')))
        return
    token_url = neo_app_token_url(params)
    try:
        neo_app_tokens(params, token_url, params['client_id'], params['client_secret']).token()
    except ApiError as exc:
        facts.add(fact, 'a token for %s' % params['client_id'], failure(exc), 'different',
                  'register %s in the cockpit (subaccount %s, Security > OAuth > Clients, subscription %s/%s, '
                  'client credentials) or fix %s' % (params['client_id'], params['subaccount'],
                                                     params['provider_subaccount'], APPLICATION,
                                                     facts.name('client_secret')))
        return
    facts.add(fact, 'a token for %s' % params['client_id'], 'token issued', 'confirmed')


def preflight(module):
    params = module.params
    facts = Facts(params['setting_names'])
    check_account(params['subaccount'], 'subaccount')
    check_account(params['provider_subaccount'], 'provider_subaccount')
    tokens = platform_client(facts, params)
    if tokens is None:
        facts.skipped([('destinations of subaccount %s readable' % params['subaccount'], 'the configuration service answers'),
                       ('subaccount subscribed to ipsproxy', 'role %s readable' % ROLE)], 'no platform token')
    else:
        destinations(facts, params, tokens)
        subscription(facts, params, tokens)
    oauth_client(facts, params)
    return dict(changed=False, facts=facts.rows)


def main():
    spec = neo_argument_spec()
    spec.update(
        provider_subaccount=dict(type='str', required=True),
        client_id=dict(type='str'),
        client_secret=dict(type='str', no_log=True),
        destinations=dict(type='list', elements='str', default=[]),
        **preflight_argument_spec()
    )
    module = new_module(spec, supports_check_mode=True)
    run(module, preflight)


if __name__ == '__main__':
    main()
