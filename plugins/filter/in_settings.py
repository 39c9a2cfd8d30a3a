# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in_settings filter: a module's failure message, followed by the inventory variables (and environment
variables) behind the module options it speaks of (documented in in_settings.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# What a message says, and the module options it is about. A module names its own options; the user set inventory
# variables that the playbooks passed into them.
CAUSES = (
    (re.compile(r'sap-client|\bsap_client\b', re.I), ('sap_client',)),
    (re.compile(r'\bapi_url\b|answers with TLS|connection error|Name or service not known', re.I), ('api_url',)),
    (re.compile(r'logon of user|check user and password|\bapi_user\b|\bapi_password\b', re.I),
     ('api_user', 'api_password')),
    (re.compile(r'client id and secret|\bclient_id\b|\bclient_secret\b', re.I), ('client_id', 'client_secret')),
    (re.compile(r'\bplatform_client_(id|secret)\b|platform API client', re.I),
     ('platform_client_id', 'platform_client_secret')),
    (re.compile(r'\bprovider_subaccount\b', re.I), ('provider_subaccount',)),
    (re.compile(r'\blandscape_host\b', re.I), ('landscape_host',)),
)


def in_settings(message, names):
    """message, plus ' In your settings: <variable (ENV)>, ...' for each option it speaks of that names maps."""
    message = '' if message is None else str(message)
    settings = []
    for pattern, options in CAUSES:
        if pattern.search(message):
            settings += [names[o] for o in options if (names or {}).get(o) and names[o] not in settings]
    if not settings or all(s in message for s in settings):
        return message
    return '%s In your settings: %s.' % (message.rstrip(), ', '.join(settings))


class FilterModule(object):

    def filters(self):
        return {'in_settings': in_settings}
