#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: s4_preflight
short_description: Check what the collection assumes about an SAP S/4HANA Cloud tenant, reading only
version_added: 0.2.0
description:
  - Read-only check of one tenant before the first integration run. Makes at most six GET requests and no write,
    four when the tenant declares no concurrency control and lists every scenario needed in its metadata.
  - The first request (the C($metadata) of the communication user service) settles reachability, TLS, the logon
    of O(api_user) and whether C(sap-client) is needed. It is never repeated on 401, so a wrong password costs
    one failed logon, not a lock (S/4HANA Cloud locks a communication user after three).
  - Then it reads the C($metadata) of the three C(SAP_COM_0A48) services and compares every entity set, property,
    navigation and maximum length the C(s4_comm_*) modules send with what the tenant declares; whether the
    entity sets are concurrency-controlled (C(Core.OptimisticConcurrency)) and whether entities carry ETags;
    and whether the scenarios of the connector profile are offered on the tenant.
  - Each fact is returned with what the collection expects, what the tenant shows, a verdict (C(confirmed),
    C(different) or C(unknown)) and, when different, what to set. A fact is C(different) only when this run depends
    on it (see O(arrangement_items)); each names the setting that clears it or says that no setting does.
  - A refused first request is named by its cause (logon, C(sap-client), TLS, proxy, a missing service), not as an
    unreachable host.
author: sapcloud.identity contributors (@sapcloud)
extends_documentation_fragment: [sapcloud.identity.s4, sapcloud.identity.common, sapcloud.identity.preflight,
  sapcloud.identity.attributes.info, sapcloud.identity.attributes.group_s4]
options:
  values:
    description:
      - Values the integration will send, each checked against the maximum length the tenant declares for its
        property.
    type: list
    elements: dict
    default: []
    suboptions:
      property:
        description: Entity set and property, for example C(CommunicationUsers.Name).
        type: str
        required: true
      value:
        description: The value that will be sent.
        type: str
        required: true
      setting:
        description: The variable the user sets to change the value (named in the verdict).
        type: str
      base:
        description: The part of O(values[].value) the setting gives, when the playbook adds to it (such as C(_A)).
        type: str
  arrangement_items:
    description:
      - The arrangement navigations the run sends items through (C(InboundServices), C(OutboundServices),
        C(Properties)), that is those whose O(sapcloud.identity.s4_comm_arrangement#module:inbound_services),
        O(sapcloud.identity.s4_comm_arrangement#module:outbound_services) or
        O(sapcloud.identity.s4_comm_arrangement#module:properties) it sets.
      - Only these are C(different) when the tenant does not declare them or their item properties; the others
        are reported C(unknown) (their shapes are unconfirmed and this run does not depend on them).
    type: list
    elements: str
    choices: [InboundServices, OutboundServices, Properties]
    default: []
  scenarios:
    description: Communication scenarios the connector profile needs on the tenant.
    type: list
    elements: str
    default: []
  alternatives:
    description:
      - Other connector profiles and their scenarios (profile name to list of scenario IDs), to name one whose
        scenarios are all offered when a needed scenario is not (as the value of C(profile) in O(setting_names)).
    type: dict
    default: {}
seealso:
  - module: sapcloud.identity.s4_comm_user
  - module: sapcloud.identity.s4_comm_system
  - module: sapcloud.identity.s4_comm_arrangement
'''

EXAMPLES = r'''
- name: What holds on this tenant?
  sapcloud.identity.s4_preflight:
    api_url: https://my300000-api.s4hana.cloud.sap
    api_user: COMM_0A48_AUTOMATION
    api_password: "{{ s4_api_password }}"
    scenarios: [SAP_COM_0093, SAP_COM_0066]
    values:
      - property: CommunicationUsers.Name
        value: IDM_IPS_PROXY_A
        setting: sapcloud_comm_user_name
        base: IDM_IPS_PROXY
  register: s4_preflight

- name: Show the facts that differ
  ansible.builtin.debug:
    msg: "{{ s4_preflight.facts | selectattr('verdict', 'equalto', 'different') | list }}"
'''

RETURN = r'''
facts:
  description: One entry per fact checked.
  returned: always
  type: list
  elements: dict
  contains:
    fact:
      description: What was checked.
      type: str
    expected:
      description: What the collection assumes.
      type: str
    found:
      description: What the tenant showed.
      type: str
    verdict:
      description: C(confirmed), C(different) or C(unknown) (not settled by a read, or not reached).
      type: str
    set:
      description: What to set or do when the verdict is C(different) or C(unknown); empty when confirmed.
      type: str
  sample:
    - fact: CommunicationUsers.Name fits
      expected: at least 15 characters (IDM_IPS_PROXY_A)
      found: MaxLength 12
      verdict: different
      set: "sapcloud_comm_user_name: at most 10 characters"
'''

import difflib
import re

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import SERVICES, S4Client, s4_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_certificates import certificate_facts
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4_fields import ARRANGEMENT_ITEMS, USED
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.edmx import MetadataError, parse
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.module import new_module, run
from ansible_collections.sapcloud.identity.plugins.module_utils.plumbing.preflight import Facts, preflight_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError

# A logon page that comes with HTTP 200 (an ICF node that answers browsers) is a failed logon all the same.
LOGON_PAGE = re.compile(r'<html.*(logon|log on|anmeldung)', re.I | re.S)
LOGON_CAUSES = ('SAP answers all three alike with its logon page: (1) a wrong password: check {password}; '
                '(2) a locked user: Maintain Communication Users app, lock status; (3) {user} is not the inbound '
                'user of a SAP_COM_0A48 arrangement: Communication Arrangements app. Check (2) and (3) in the apps '
                'before the next try: every failed logon counts and the third locks the user.')


def first_request(client, facts, params):
    """The $metadata of the user service: reachability, TLS, logon and sap-client in one GET, never repeated."""
    user = params['api_user']
    host = params['api_url']
    try:
        response = client.metadata(SERVICES[0][1], answers=(200, 400, 401, 403, 404, 500))
    except ApiError as exc:
        text = str(exc)
        if exc.unanswered == 'tls':
            facts.add('API host reachable', 'HTTPS answer from %s' % host, 'reached', 'confirmed')
            facts.add('TLS certificate trusted', 'a certificate the controller trusts', text, 'different',
                      'SAPCLOUD_CA_PATH (or ca_path) to the CA that issued the tenant certificate')
        elif exc.unanswered == 'proxy':
            facts.add('HTTP proxy', 'the proxy of HTTPS_PROXY/NO_PROXY passes requests to %s' % host, text,
                      'different', 'HTTPS_PROXY and NO_PROXY of the controller (or the AWX job environment)')
        else:
            facts.add('API host reachable', 'an answer from %s' % host, text, 'different',
                      '%s: the tenant API host, https://<tenant>-api.s4hana.cloud.sap' % facts.name('api_url'))
        return None
    facts.add('API host reachable', 'an answer from %s' % host, 'HTTP %d' % response.status_code, 'confirmed')
    if host.startswith('https://'):
        facts.add('TLS certificate trusted', 'a certificate the controller trusts', 'verified', 'confirmed')
    status = response.status_code
    logon = 'logon as %s (SAP_COM_0A48)' % user
    if status == 400:
        body = ' '.join((response.text or '').split())[:200]
        if 'client' in body.lower():
            facts.add('sap-client', 'not needed' if not params.get('sap_client') else 'client %s' % params['sap_client'],
                      'HTTP 400: %s' % body, 'different',
                      "%s: the tenant's client (three digits, shown in the tenant URL or by the admin)"
                      % facts.name('sap_client'))
        else:
            facts.add('SAP_COM_0A48 services on the tenant', 'the three OData V4 services', 'HTTP 400: %s' % body,
                      'different', 'no setting: report this answer to the collection')
        return None
    if status == 200 and LOGON_PAGE.search(response.text[:2000] or ''):
        status = 401
    if status == 401:
        facts.add(logon, 'the SAP_COM_0A48 services answer', 'HTTP 401 with the logon page', 'different',
                  LOGON_CAUSES.format(password=facts.name('api_password'), user=user))
        return None
    if status == 403:
        facts.add(logon, 'the SAP_COM_0A48 services answer', 'HTTP 403: logged on, not authorized', 'different',
                  'bind %s as inbound user to the SAP_COM_0A48 arrangement (Communication Arrangements app)' % user)
        return None
    if status in (404, 500):
        facts.add('SAP_COM_0A48 services on the tenant', 'the three OData V4 services', 'HTTP %d' % status, 'different',
                  'S/4HANA Cloud public edition 2408 or later: on-premise and private edition have no such API')
        return None
    facts.add(logon, 'the SAP_COM_0A48 services answer', 'answered', 'confirmed')
    client_value = params.get('sap_client')
    facts.add('sap-client', 'not needed (the tenant default client)' if not client_value else 'client %s' % client_value,
              'answered %s' % ('without sap-client' if not client_value else 'with sap-client=%s' % client_value),
              'confirmed')
    return response.text


def metadata_of(client, path, text=None):
    return parse(client.metadata(path).text if text is None else text)


def compare_items(facts, sets, types, sent):
    """The arrangement's service and property items: different only where this run sends them."""
    declared = (sets.get('CommunicationArrangements') or {}).get('navigations') or {}
    for nav, properties in ARRANGEMENT_ITEMS.items():
        fact = 'CommunicationArrangements/%s items' % nav
        problems = ['navigation not declared'] if nav not in declared else \
            missing(properties, types.get(declared[nav], {'properties': {}})['properties'])
        expected = ', '.join(properties) + ('' if nav in sent else ' (only when sent; this run sends none)')
        if not problems:
            facts.add(fact, expected, 'all declared', 'confirmed')
        elif nav in sent:
            facts.add(fact, expected, 'missing: ' + ', '.join(problems), 'different',
                      'no setting: this tenant does not take the %s items the run sends; leave out that option of '
                      's4_comm_arrangement, or report the tenant $metadata to the collection' % nav)
        else:
            facts.add(fact, expected, 'missing: ' + ', '.join(problems), 'unknown',
                      'nothing to do for this run; s4_comm_arrangement cannot send %s items on this tenant' % nav)


def compare_sets(facts, sets, types):
    for entity_set, (properties, navigations) in USED.items():
        fact = '%s: properties and navigations the modules use' % entity_set
        expected = ', '.join(properties + tuple(navigations))
        declared = sets.get(entity_set)
        if declared is None:
            facts.add(fact, expected, 'entity set not declared', 'different',
                      'no setting: the modules cannot work with this tenant; report its $metadata to the collection')
            continue
        problems = missing(properties, declared['properties'])
        for nav, target_properties in navigations.items():
            if nav not in declared['navigations']:
                problems.append('navigation %s missing' % nav)
                continue
            target = types.get(declared['navigations'][nav], {'properties': {}})
            problems += ['%s/%s' % (nav, p) for p in missing(target_properties, target['properties'])]
        if problems:
            facts.add(fact, expected, 'missing: ' + '; '.join(problems), 'different',
                      'no setting: the s4_comm_* modules send these names; report this table and the tenant '
                      '$metadata to the collection before a real run')
        else:
            facts.add(fact, expected, 'all declared', 'confirmed')


def missing(names, declared):
    """Names not declared, each with the closest declared name when there is one (a renamed property)."""
    out = []
    for name in names:
        if name in declared:
            continue
        close = [d for d in declared if d.lower() == name.lower()] or \
            difflib.get_close_matches(name, list(declared), n=1, cutoff=0.7)
        out.append('%s (tenant has %s)' % (name, close[0]) if close else name)
    return out


def compare_lengths(facts, sets, values):
    for item in values:
        entity_set, prop = (item['property'].split('.', 1) + [''])[:2]
        declared = (sets.get(entity_set) or {}).get('properties', {}).get(prop)
        value = item['value'] or ''
        fact = '%s fits' % item['property']
        expected = 'at least %d characters (%s)' % (len(value), value)
        if declared is None:
            facts.add(fact, expected, 'property not declared', 'unknown', 'see the properties fact of %s' % entity_set)
        elif declared['max_length'] is None:
            facts.add(fact, expected, 'no MaxLength declared', 'unknown',
                      'a write shows the limit; the run stops there with the value named if it is too long')
        elif declared['max_length'] >= len(value):
            facts.add(fact, expected, 'MaxLength %s' % declared['max_length'], 'confirmed')
        else:
            extra = len(value) - len(item['base']) if item.get('base') else 0
            facts.add(fact, expected, 'MaxLength %d' % declared['max_length'], 'different',
                      '%s: at most %d characters' % (item.get('setting') or item['property'],
                                                     declared['max_length'] - extra))


def concurrency(facts, client, sets, params):
    """Whether If-Match is required (metadata) and, only then, whether entities carry ETags (one read)."""
    required = sorted(name for name in USED if (sets.get(name) or {}).get('concurrency'))
    # The modules send If-Match with the ETag they read (use_etag, default true), so a tenant that requires it is
    # served as it is; only use_etag=false, or a required ETag the entities do not carry, would make writes fail.
    fact = 'If-Match required (Core.OptimisticConcurrency)'
    expected = 'If-Match sent where required (use_etag: %s)' % ('true' if params['use_etag'] else 'false')
    if not required:
        facts.add(fact, expected, 'not declared', 'confirmed')
        return
    rows = client.some_users(top=1)
    carried = 'entities carry ETags' if any('@odata.etag' in r for r in rows) else \
        ('no ETag on the entity read' if rows else 'no entity to read')
    found = 'required on %s; %s' % (', '.join(required), carried)
    if not params['use_etag']:
        facts.add(fact, expected, found, 'different', '%s: true (the default)' % facts.name('use_etag'))
    elif carried == 'no ETag on the entity read':
        facts.add(fact, expected, found, 'unknown',
                  'a write shows it: without an ETag to send, S/4HANA refuses writes that need If-Match (HTTP 428)')
    else:
        facts.add(fact, expected, found, 'confirmed')


def scenarios(facts, client, sets, params):
    """Scenarios offered: from a value-help entity set keyed by CommunicationScenarioID when the tenant declares
    one, and, for those it does not list, from the arrangements that exist (an arrangement proves its scenario)."""
    if not params['scenarios']:
        return
    value_help = next((name for name, info in sorted(sets.items())
                       if name != 'CommunicationArrangements' and info['keys'] == ['CommunicationScenarioID']), None)
    offered = client.scenarios_listed(value_help) if value_help else None
    in_use = set()
    if not all(scenario in (offered or ()) for scenario in params['scenarios']):
        in_use = client.scenarios_in_use()
    for scenario in params['scenarios']:
        fact = 'scenario %s offered' % scenario
        if scenario in (offered or ()):
            facts.add(fact, 'offered', 'offered (%s)' % value_help, 'confirmed')
        elif scenario in in_use:
            facts.add(fact, 'offered', 'offered (has an arrangement)', 'confirmed')
        elif offered is not None:
            facts.add(fact, 'offered', 'not in %s' % value_help, 'different', alternative(params, offered | in_use))
        else:
            facts.add(fact, 'offered', 'no arrangement yet and no scenario list in the metadata', 'unknown',
                      'look it up in the Display Communication Scenarios app')


def alternative(params, offered):
    for profile, needed in sorted(params['alternatives'].items()):
        if needed and all(s in offered for s in needed):
            return '%s: %s (all its scenarios are offered)' % (params['setting_names'].get('profile', 'profile'), profile)
    return 'no connector profile fits: ask SAP which scenario replaces it on this tenant'


LATER = (('SAP_COM_0A48 $metadata', 'the three services declare what the modules use'),
         ('If-Match required (Core.OptimisticConcurrency)', 'If-Match sent where required'))


def preflight(module):
    params = module.params
    facts = Facts(params['setting_names'])
    client = S4Client(params)
    first = first_request(client, facts, params)
    if first is None:
        facts.skipped(LATER + tuple(('scenario %s offered' % s, 'offered') for s in params['scenarios']),
                      'the first request failed')
        return dict(changed=False, facts=facts.rows)
    sets, types = {}, {}
    for (label, path), text in zip(SERVICES, (first, None, None)):
        try:
            found_sets, found_types = metadata_of(client, path, text)
        except MetadataError as exc:
            facts.add('$metadata of the %s service' % label, 'CSDL XML', str(exc), 'different',
                      'no setting: this tenant does not serve the SAP_COM_0A48 metadata the modules rely on')
            continue
        sets.update(found_sets)
        types.update(found_types)
    compare_sets(facts, sets, types)
    compare_items(facts, sets, types, params['arrangement_items'])
    compare_lengths(facts, sets, params['values'])
    concurrency(facts, client, sets, params)
    scenarios(facts, client, sets, params)
    certificate_facts(facts, sets)  # issue 19: what the tenant declares for certificate authentication
    return dict(changed=False, facts=facts.rows)


def main():
    spec = s4_argument_spec()
    spec.update(
        values=dict(type='list', elements='dict', default=[], options=dict(
            property=dict(type='str', required=True), value=dict(type='str', required=True),
            setting=dict(type='str'), base=dict(type='str'))),
        scenarios=dict(type='list', elements='str', default=[]),
        arrangement_items=dict(type='list', elements='str', default=[],
                               choices=['InboundServices', 'OutboundServices', 'Properties']),
        alternatives=dict(type='dict', default={}),
        **preflight_argument_spec()
    )
    module = new_module(spec, supports_check_mode=True)
    run(module, preflight)


if __name__ == '__main__':
    main()
