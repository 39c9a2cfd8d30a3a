# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role_input_problems filter: the roles' inputs, as the playbooks derive them from the inventory, checked
against each role's own argument spec (roles/<role>/meta/argument_specs.yml, the one declaration of the inputs), once
per tenant before any request (documented in role_input_problems.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
_SPECS = []


def validator_spec(options):
    out = {}
    for name, option in (options or {}).items():
        option = dict((k, v) for k, v in option.items() if k not in DOCS)
        if 'options' in option:
            option['options'] = validator_spec(option['options'])
        out[name] = option
    return out


def entry_points():
    """[(role, entry point, spec)] of every role of the collection with an argument spec, read once."""
    if not _SPECS:
        for role in sorted(os.listdir(ROLES)):
            path = os.path.join(ROLES, role, 'meta', 'argument_specs.yml')
            if not os.path.isfile(path):
                continue
            with open(path) as handle:
                specs = yaml.safe_load(handle)['argument_specs']
            _SPECS.extend((role, entry, validator_spec(specs[entry].get('options')))
                          for entry in ENTRY_POINTS if entry in specs)
    return _SPECS


def role_input_names():
    """Every input the checked entry points declare: what the playbook hands this filter."""
    return sorted(set(name for _role, _entry, spec in entry_points() for name in spec))


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
    """Problems of the roles' inputs (values: input name to value, None where the playbook does not define it),
    each naming the role, the input, and the inventory variables it came from; no secret is shown."""
    values = dict((k, v) for k, v in (values or {}).items() if v is not None)
    out = []
    for role, entry, spec in entry_points():
        given_values = dict((k, v) for k, v in values.items() if k in spec)
        result = ArgumentSpecValidator(spec).validate(given_values)
        for message in result.error_messages:
            named = [n for n in spec if re.search(r"\b%s\b" % re.escape(n), message)]
            given = sorted(set(s for n in named for s in sources(values.get(n), variables)))
            out.append('Settings of %s: role %s (%s): %s%s' % (
                host, role, entry, masked(message, secrets(spec, given_values)),
                (' The value comes from %s.' % ', '.join(given)) if given else
                ' The value is derived from the sapcloud_* settings (playbooks/vars/steps.yml).'))
    return out


class FilterModule(object):
    def filters(self):
        return {'role_input_problems': role_input_problems}
