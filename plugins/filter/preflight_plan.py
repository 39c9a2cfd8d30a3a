# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the playbooks derive for the preflight (documented in the integration_preflight_*.yml files): the values
a run will send, checked against the tenant's maximum lengths; the rows of the IPS and IDM transports and of a
preflight module that could not run; and whether integrate.yml runs the tenant part before its first write."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.sapcloud.identity.plugins.filter.integration import role_option

NOT_RUN = {'expected': 'a table of facts', 'verdict': 'unknown', 'set': 'fix this and run preflight again'}
# Per transport: what the file hand-off is, and what to set when the collection's api contract does not answer.
TRANSPORTS = {
    'IPS': ('file: an import file for the IPS console (IPS has no public API for proxy systems)',
            'sapcloud_ips_transport: file (real IPS has no API for proxy systems)'),
    'IDM': ('file: a CSV for the IDM admin UI (IDM has no public API for repositories)',
            'sapcloud_idm_transport: file (real IDM has no API for repositories)'),
}


def failed(result):
    return bool((result or {}).get('failed'))


def not_run(system, result):
    """The row of a preflight module that failed: its check could not run, so its facts are unknown."""
    return [dict(NOT_RUN, fact='%s preflight ran' % system, found=result.get('msg') or '')] if failed(result) else []


def transport_row(system, transport, result):
    """The row of the IPS or IDM transport: the file hand-off needs no request; the api contract answered or not."""
    expected_file, to_set = TRANSPORTS[system]
    if transport == 'file':
        return {'fact': '%s transport file' % system, 'expected': expected_file, 'found': 'no request needed',
                'verdict': 'confirmed', 'set': ''}
    broken = failed(result)
    return {'fact': '%s transport api' % system, 'expected': "the collection's own contract answers (emulator only)",
            'found': (result.get('msg') or 'answered') if broken else 'answered',
            'verdict': 'different' if broken else 'confirmed', 'set': to_set if broken else ''}


def integration_preflight_values(plan, description=''):
    """The values the run will send to the tenant (checked against its maximum lengths), each with the setting that
    names it and, for a name the run extends, its base. description: the communication user's, when the inventory
    sets one (else the s4_communication role's default)."""
    description = description or role_option('s4_communication', 's4_communication_user_description')['default']
    user_base, system_id = plan['comm_user_base'], plan['comm_system_id']
    first_scenario = (plan['scenarios'] or [{'id': ''}])[0]['id']
    return [
        {'property': 'CommunicationUsers.Name', 'value': user_base + '_A', 'setting': 'sapcloud_comm_user_name',
         'base': user_base},
        {'property': 'CommunicationUsers.Description', 'value': description},
        {'property': 'CommunicationSystems.ID', 'value': system_id, 'setting': 'sapcloud_comm_system_id'},
        {'property': 'CommunicationSystems.Name', 'value': system_id, 'setting': 'sapcloud_comm_system_id'},
        {'property': 'CommunicationSystems.HostName', 'value': plan['proxy_host'], 'setting': 'sapcloud_ips_proxy_url'},
        {'property': 'OutboundUsers.Name', 'value': 'DUMMY'},
        {'property': 'CommunicationArrangements.Name', 'value': '%s_%s' % (system_id, first_scenario),
         'setting': 'sapcloud_comm_system_id', 'base': system_id},
    ]


def integration_preflight_facts(plan, s4=None, ips=None, idm=None):
    """One tenant's facts: the S/4HANA Cloud preflight's (or one row when it could not run), then the IPS and IDM
    transports. s4, ips, idm: the registered results of s4_preflight, ips_proxy_system_info, idm_repository_info."""
    s4, ips, idm = s4 or {}, ips or {}, idm or {}
    return (list(s4.get('facts') or []) + not_run('S/4HANA Cloud', s4)
            + [transport_row('IPS', plan['ips_transport'], ips), transport_row('IDM', plan['idm_transport'], idm)])


def integration_preflight_shared(neo=None, ias=None):
    """The facts of the shared systems, checked once for the landscape: Neo's, or the IAS administrator's on sci,
    and one row for a check that could not run."""
    neo, ias = neo or {}, ias or {}
    return (list(neo.get('facts') or []) + list(ias.get('facts') or []) + not_run('SAP BTP, Neo', neo)
            + not_run('SAP Cloud Identity Services', ias))


def integration_preflight_due(plan, existing_users=None):
    """Whether integrate.yml runs the tenant part of the preflight before its first write: always, never, or on
    first contact (none of the alternating communication users exists yet)."""
    mode = plan['preflight_mode']
    return mode == 'always' or (mode == 'first' and not existing_users)


class FilterModule(object):
    def filters(self):
        return {'integration_preflight_values': integration_preflight_values,
                'integration_preflight_facts': integration_preflight_facts,
                'integration_preflight_shared': integration_preflight_shared,
                'integration_preflight_due': integration_preflight_due}
