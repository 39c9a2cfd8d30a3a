# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the s4_comm_* modules send to and read from the SAP_COM_0A48 services, declared once.

The writers build their request bodies through `body()`, which refuses a name declared nowhere here; s4_preflight
compares the same declaration with the tenant's $metadata; tests/unit/test_s4_fields.py holds every request the
writers make to it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Entity set: (its properties, {navigation: the properties of the navigation's target}).
USED = {
    'CommunicationUsers': (('ID', 'Name', 'Type', 'Description', 'Password', 'LockStatus', 'PasswordStatus'), {}),
    'CommunicationSystems': (('UUID', 'ID', 'Name', 'HostName', 'TCPPort', 'IsInboundOnly', 'LogicalSystemID',
                              'BusinessSystemID'),
                             {'InboundUsers': ('UUID', 'CommunicationUserID', 'AuthenticationMethod'),
                              'OutboundUsers': ('UUID', 'Name', 'AuthenticationMethod', 'Password')}),
    'InboundUsers': (('UUID', 'CommunicationSystemUUID', 'CommunicationUserID', 'AuthenticationMethod'), {}),
    'OutboundUsers': (('UUID', 'CommunicationSystemUUID', 'Name', 'AuthenticationMethod', 'Password'), {}),
    'CommunicationArrangements': (('UUID', 'CommunicationScenarioID', 'CommunicationSystemID', 'Name'),
                                  {'InboundUser': ('CommunicationSystemInboundUserUUID',),
                                   'OutboundUser': ('CommunicationSystemOutboundUserUUID',)}),
}
# The arrangement's service and property items, sent (and read) only when a task sets the matching
# s4_comm_arrangement option; their shapes are UNCONFIRMED. The first property is the key the server merges by.
ARRANGEMENT_ITEMS = {'InboundServices': ('ID', 'Status'), 'OutboundServices': ('ID', 'Status'),
                     'Properties': ('Name', 'Value')}


def declared(entity_set):
    """(properties, {navigation: target properties}) of entity_set, the arrangement's items among its navigations."""
    properties, navigations = USED[entity_set]
    if entity_set == 'CommunicationArrangements':
        navigations = dict(navigations, **ARRANGEMENT_ITEMS)
    return properties, navigations


def undeclared(entity_set, values):
    """The names in values (a request body, navigations and their items included) that the declaration lacks."""
    properties, navigations = declared(entity_set)
    out = []
    for name, value in values.items():
        if name in navigations:
            for item in value if isinstance(value, list) else [value]:
                out += ['%s/%s' % (name, field) for field in item or {} if field not in navigations[name]]
        elif name not in properties:
            out.append(name)
    return out


def body(entity_set, **values):
    """values as a body for entity_set; a name the declaration lacks is a mistake in the module, caught here before
    it reaches a tenant whose $metadata s4_preflight never compared with it."""
    unknown = undeclared(entity_set, values)
    if unknown:
        raise ValueError('%s: not in the declaration of clients/s4_fields.py: %s' % (entity_set, ', '.join(unknown)))
    return values
