# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP S/4HANA Cloud client: the only place that knows its URLs.

Communication management is scenario SAP_COM_0A48: three OData V4 services (documented). The caller is the
inbound user of a SAP_COM_0A48 arrangement created once by hand in the Fiori apps.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.http import HttpClient
from ansible_collections.sapcloud.identity.plugins.module_utils.odata import ODataService, describe_odata_error

COMM_USER_SERVICE = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
COMM_SYSTEM_SERVICE = '/sap/opu/odata4/sap/aps_com_cs_a4c_odata/srvd_a2x/sap/aps_com_cs_a4c_odata/0001'
COMM_ARRANGEMENT_SERVICE = '/sap/opu/odata4/sap/aps_com_ca_a4c_odata/srvd_a2x/sap/aps_com_ca_a4c_odata/0001'

PASSWORD_RULE = ('at least 20 characters with an upper-case letter, a lower-case letter, a digit and a special '
                 'character, and no comma (IPS rejects commas in user and password)')


def s4_argument_spec():
    """Options of the sapcloud.identity.s4 doc fragment."""
    return dict(
        api_url=dict(type='str', required=True, fallback=(env_fallback, ['SAP_S4_API_URL'])),
        api_user=dict(type='str', required=True, fallback=(env_fallback, ['SAP_S4_API_USER'])),
        api_password=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['SAP_S4_API_PASSWORD'])),
        sap_client=dict(type='str', fallback=(env_fallback, ['SAP_S4_CLIENT'])),
        use_etag=dict(type='bool', default=True),
    )


def check_password(value, parameter):
    """Raise ValidationError unless value meets the S/4 communication user password policy (stricter side)."""
    if value is None:
        return
    problems = []
    if len(value) < 20:
        problems.append('it has %d characters' % len(value))
    for pattern, what in ((r'[A-Z]', 'an upper-case letter'), (r'[a-z]', 'a lower-case letter'),
                          (r'[0-9]', 'a digit'), (r'[^A-Za-z0-9]', 'a special character')):
        if not re.search(pattern, value):
            problems.append('it lacks %s' % what)
    if ',' in value:
        problems.append('it contains a comma')
    if problems:
        raise ValidationError('%s must have %s; %s' % (parameter, PASSWORD_RULE, ', '.join(problems)))


class S4Client:
    """One HTTP session (cookies, CSRF) for the three communication management services of one tenant."""

    def __init__(self, params):
        self.http = HttpClient(params['api_url'], auth=(params['api_user'], params['api_password']),
                               error_parser=describe_odata_error, **tls_options(params))
        query = {'sap-client': params['sap_client']} if params.get('sap_client') else None
        use_etag = params.get('use_etag', True)
        self.users = ODataService(self.http, COMM_USER_SERVICE, use_etag=use_etag, params=query)
        self.systems = ODataService(self.http, COMM_SYSTEM_SERVICE, use_etag=use_etag, params=query)
        self.arrangements = ODataService(self.http, COMM_ARRANGEMENT_SERVICE, use_etag=use_etag, params=query)
