#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ips_preflight
short_description: Check that the client IDM uses gets a token for the IPS proxy, reading only
version_added: 0.2.0
description:
  - Read-only check before the first run. Makes one token request and no write.
  - The client is the OAuth client registered for C(<provider>/ipsproxy) on SAP BTP, Neo, or the IAS administrator
    of type System on SAP Cloud Identity Services (O(infrastructure)). Both are made by hand; no API creates them.
  - Returns the fact in the shape of M(sapcloud.identity.s4_preflight) (fact, expected, found, verdict, set).
  - The O(ips_admin_url), O(ips_admin_user) and O(ips_admin_password) options are accepted so that
    C(module_defaults) of C(group/sapcloud.identity.ips) reach this module; it does not use them.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.ips, sapcloud.identity.ips.proxy,
  sapcloud.identity.client_certificate, sapcloud.identity.ips.admin, sapcloud.identity.common,
  sapcloud.identity.preflight, sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_ips]
seealso:
  - module: sapcloud.identity.ips_proxy_check
  - module: sapcloud.identity.neo_preflight
'''

EXAMPLES = r'''
- name: Does the IAS administrator of type System get a token?
  sapcloud.identity.ips_preflight:
    infrastructure: sci
    proxy_url: https://mytenant.accounts.ondemand.com
    client_id: 8f2a4c1e-ias-system-administrator
    client_secret: "{{ ias_client_secret }}"
  register: ips_preflight
'''

RETURN = r'''
facts:
  description: One entry, as in M(sapcloud.identity.s4_preflight).
  returned: always
  type: list
  elements: dict
  sample:
    - fact: client of IDM (IAS administrator of type System) gets a token
      expected: a token from https://mytenant.accounts.ondemand.com/oauth2/token
      found: token issued
      verdict: confirmed
      set: ""
'''

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url, require
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import (
    ProxyClient, default_token_url, ips_argument_spec, ips_proxy_argument_spec, proxy_client_credentials)
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.preflight import Facts, preflight_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

CLIENTS = {'neo': 'OAuth client registered for <provider>/ipsproxy', 'sci': 'IAS administrator of type System'}
MAKE_IT = {
    'neo': 'cockpit of the consumer subaccount: Security > OAuth > Clients, subscription <provider>/ipsproxy, '
           'client credentials',
    'sci': 'IAS admin console: Users & Authorizations > Administrators > Add > System, permission Access Proxy '
           'System API, a secret under Secrets',
}


def preflight(module):
    params = module.params
    facts = Facts(params['setting_names'])
    token_url = params['token_url'] or default_token_url(params['infrastructure'], params['proxy_url'])
    require(dict(params, token_url=token_url), ('token_url', 'client_id'))
    proxy_client_credentials(params)
    check_base_url(token_url, 'token_url')
    fact = 'client of IDM (%s) gets a token' % CLIENTS[params['infrastructure']]
    expected = 'a token from %s' % token_url
    try:
        ProxyClient(params, token_url, token_url).token()
    except ApiError as exc:
        if exc.status:
            names = (facts.name('client_id'), facts.name('client_secret'), MAKE_IT[params['infrastructure']])
            to_set = '%s and %s, or make the client: %s' % names
        else:
            to_set = '%s (the token endpoint); for TLS trouble SAPCLOUD_CA_PATH' % facts.name('token_url')
        facts.add(fact, expected, 'HTTP %s' % exc.status if exc.status else str(exc), 'different', to_set)
    else:
        facts.add(fact, expected, 'token issued', 'confirmed')
    return dict(changed=False, facts=facts.rows)


def main():
    spec = ips_argument_spec()
    spec.update(ips_proxy_argument_spec())
    spec.update(preflight_argument_spec())
    module = new_module(spec, supports_check_mode=True)
    run(module, preflight)


if __name__ == '__main__':
    main()
