# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles' inputs that follow from the inventory alone (step_inputs), and their check against each role's own
argument spec (roles/<role>/meta/argument_specs.yml, the one declaration of the inputs) with ansible-core's
validator: integration_plan runs both once per tenant, so the settings check reports a refused input before any
request, and integrate.yml imports the roles without their own per-task check. The filter role_input_problems
(documented in role_input_problems.yml) checks any inputs the same way."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import re

import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

ROLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'roles')
# The entry points the shipped playbooks import with the inputs of vars/steps.yml unchanged: every role's main, and
# the read of the communication users. (teardown.yml and rotate.yml change inputs where they import a role, and
# leave the role's own check on.)
ENTRY_POINTS = ('main', 'active_user')
# Keys of an argument spec's documentation, which the validator does not take.
DOCS = ('description', 'short_description', 'version_added', 'author')
_SPECS = {}


def validator_spec(options):
    """A copy of the options without their documentation (the validator fills defaults in where it checks)."""
    out = {}
    for name, option in (options or {}).items():
        option = copy.deepcopy(dict((k, v) for k, v in option.items() if k not in DOCS))
        if 'options' in option:
            option['options'] = validator_spec(option['options'])
        out[name] = option
    return out


def role_specs(role):
    """The argument specs of a role of the collection ({} without one), read once a process. With libyaml's loader
    when there is one: each task's worker reads them afresh, and the pure-Python loader costs a tenth of a second."""
    if role not in _SPECS:
        path = os.path.join(ROLES, role, 'meta', 'argument_specs.yml')
        if os.path.isfile(path):
            with open(path) as handle:
                _SPECS[role] = yaml.load(handle, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))['argument_specs']
        else:
            _SPECS[role] = {}
    return _SPECS[role]


def entry_points():
    """[(role, entry point, validator spec)] of the checked entry points of every role of the collection."""
    return [(role, entry, validator_spec(role_specs(role)[entry].get('options')))
            for role in sorted(os.listdir(ROLES)) for entry in ENTRY_POINTS if entry in role_specs(role)]


def step_inputs(plan, variables):
    """The roles' inputs that follow from the plan and the inventory alone, by input name; vars/steps.yml hands
    them to the roles. The others follow from what earlier tasks found (the communication user in use, its
    password, the proxy system's ID, the steps' results) and are named there."""
    variables = variables or {}
    neo, s4, ips_system_name = plan['neo'], plan['s4'], plan['ips_system_name']
    # The connection of the OAuth client and the proxy as IDM uses them, the same for each role that takes it.
    idm_client = dict(infrastructure=plan['infrastructure'], proxy_url=plan['proxy_url'], token_url=plan['token_url'],
                      client_id=plan['client_id'], client_secret=plan['client_secret'])
    out = dict(
        s4_communication_connection=s4, s4_communication_user_base=plan['comm_user_base'],
        s4_communication_system_id=plan['comm_system_id'], s4_communication_host_name=plan['proxy_host'],
        s4_communication_scenarios=plan['scenarios'], s4_communication_retired_scenarios=plan['all_scenarios'],
        s4_communication_outbound_password_file=os.path.join(plan['secrets_dir'], plan['comm_system_id'] + '.DUMMY'),
        s4_communication_authentication=plan['ips_s4_auth'],
        s4_communication_certificate_file=plan['ips_certificate_file'],
        btp_oauth_client_neo=neo, btp_oauth_client_id=plan['client_id'], btp_oauth_client_secret=plan['client_secret'],
        btp_oauth_client_provider_subaccount=plan['neo_provider'], btp_oauth_client_proxy_url=plan['proxy_url'],
        btp_destination_neo=neo, btp_destination_name=plan['destination_name'],
        btp_destination_url=plan['s4_api_url'], btp_destination_authentication=plan['s4_authentication_type'],
        btp_destination_properties=plan['destination_properties'],
        ips_proxy_system_infrastructure=plan['infrastructure'], ips_proxy_system_proxy_url=plan['proxy_url'],
        ips_proxy_system_transport=plan['ips_transport'], ips_proxy_system_admin=plan['ips_admin'],
        ips_proxy_system_dest=plan['ips_file'],
        ips_proxy_system_system_id=variables.get('sapcloud_ips_system_id') or '',
        ips_proxy_system_name=ips_system_name, ips_proxy_system_destination_name=plan['destination_name'],
        ips_proxy_system_url=plan['s4_api_url'], ips_proxy_system_authentication=plan['s4_authentication_type'],
        ips_proxy_system_properties=plan['ips_properties'],
        worker_check_workers=variables.get('sapcloud_workers', []), worker_check_api=plan['worker_check_api'],
        idm_repository_transport=plan['idm_transport'], idm_repository_admin=plan['idm_admin'],
        idm_repository_dest=plan['idm_file'], idm_repository_name=plan['idm_repository_name'],
        idm_repository_initial_load=plan['idm_initial_load'],
        chain_check_s4_connection=s4, chain_check_comm_user_certificate=plan['comm_user_certificate'],
        chain_check_certificate_expiry_days=plan['certificate_expiry_days'],
        chain_check_write_user=variables.get('sapcloud_verify_write_user') or '',
        chain_check_write_group=variables.get('sapcloud_verify_write_group') or '',
        summary_tenant=plan['tenant'], summary_output_dir=plan['output_dir'], summary_settings=plan['settings'],
    )
    for role in ('idm_repository', 'chain_check'):
        out.update(('%s_%s' % (role, key), value) for key, value in idm_client.items())
    return out


def sources(value, variables):
    """The inventory variables that hold value itself (a pass-through input), or for a dict or list input one of
    its items: where the user set what a role refuses."""
    parts = [value] + (list(value.values()) if isinstance(value, dict) else list(value) if isinstance(value, list)
                       else [])
    return sorted(name for name, given in (variables or {}).items()
                  if not isinstance(given, bool) and given not in (None, '', [], {}) and any(
                      given == part and type(given) is type(part) for part in parts))


def secrets(spec, values):
    """The values of the options (and suboptions) the spec marks no_log."""
    out = []
    for name, option in spec.items():
        value = (values or {}).get(name)
        if option.get('no_log') and isinstance(value, (str, int, float)):
            out.append(str(value))
        elif option.get('options') and isinstance(value, dict):
            out.extend(secrets(option['options'], value))
    return out


def masked(message, secrets):
    """message with each secret that stands as a value of its own (not inside a longer word) masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = re.sub(r'(?<![\w])%s(?![\w])' % re.escape(secret), '********', message)
    return message


def role_input_problems(values, variables=None, host=''):
    """Problems of the roles' inputs (values: input name to value; an input left out is not required here, as a
    later task gives it), each naming the role, the input, and the inventory variables the value came from; no
    secret is shown."""
    # Plain data: the validator deep-copies what it checks, and a copy of the templating's lazy containers costs
    # seconds a tenant.
    values = json.loads(json.dumps(dict((k, v) for k, v in (values or {}).items() if v is not None), default=str))
    variables = json.loads(json.dumps(variables or {}, default=str))
    out = []
    for role, entry, spec in entry_points():
        spec = dict((name, option if name in values else dict(option, required=False))
                    for name, option in spec.items())
        given_values = dict((k, v) for k, v in values.items() if k in spec)
        result = ArgumentSpecValidator(spec).validate(given_values)
        for message in result.error_messages:
            named = [n for n in spec if re.search(r"\b%s\b" % re.escape(n), message)]
            given = sorted(set(s for n in named for s in sources(values.get(n), variables)))
            out.append('Settings of %s: role %s (%s): %s%s' % (
                host, role, entry, masked(message, secrets(spec, given_values)),
                (' The value comes from %s.' % ', '.join(given)) if given else
                ' The value is derived from the sapcloud_* settings.'))
    return out


class FilterModule(object):
    def filters(self):
        return {'role_input_problems': role_input_problems}
