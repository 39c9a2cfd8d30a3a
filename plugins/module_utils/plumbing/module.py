# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module plumbing every module shares: building the AnsibleModule with the common options, and running
a module body so that the collection's own exceptions become clean failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback, missing_required_lib

from ansible_collections.sapcloud.identity.plugins.module_utils.errors import (
    MissingOption, PartialChange, ValidationError)
from ansible_collections.sapcloud.identity.plugins.module_utils.options import common_argument_spec
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import (
    ApiError, HAS_REQUESTS, REQUESTS_IMPORT_ERROR)


def new_module(argument_spec, **kwargs):
    spec = common_argument_spec()
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if module.params.get('timeout') is not None and module.params['timeout'] <= 0:
        module.fail_json(msg='timeout must be a positive number of seconds (the deadline of one request, retries '
                             'included), got %s' % module.params['timeout'])
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    problem = string_problem(spec)
    if problem:
        module.fail_json(msg=problem)
    return module


def string_problem(spec):
    """An option of type str given a dict or a list, or None (the arguments as the task gave them are read again:
    the module's params hold their string form already)."""
    try:
        given = _load_params()
    except Exception:  # pylint: disable=broad-except  # no arguments to read again: nothing more to check
        return None
    try:
        check_strings(spec, given if isinstance(given, dict) else {})
    except ValidationError as exc:
        return str(exc)
    return None


def run(module, body):
    """Run body(module) -> result dict; ApiError and ValidationError become clean failures, never tracebacks."""
    try:
        result = body(module)
    except MissingOption as exc:
        module.fail_json(msg=str(exc) + environment_hint(module.argument_spec.get(exc.name)))
    except ValidationError as exc:
        module.fail_json(msg=str(exc))
    except ApiError as exc:
        module.fail_json(msg=str(exc), error=exc.as_dict())
    except PartialChange as exc:
        error = exc.cause.as_dict() if isinstance(exc.cause, ApiError) else None
        module.fail_json(msg='%s applied, then: %s' % (', '.join(exc.result['actions']), exc.cause), error=error,
                         **exc.result)
    module.exit_json(**result)


def environment_hint(option):
    """'; set it or the environment variable X' for an option that falls back to X, else ''."""
    fallback = (option or {}).get('fallback')
    if fallback and fallback[0] is env_fallback and fallback[1]:
        return '; set it or the environment variable %s' % fallback[1][0]
    return ''


def check_strings(spec, given, prefix=''):
    """Options of type str or path (also inside suboptions) that the task gave a dict or a list: their string form
    would reach the server or the disk as a name. given is the task's arguments as it passed them, before Ansible converted them."""
    for name, option in spec.items():
        value = (given or {}).get(name)
        if value is None:
            continue
        label = prefix + name
        if option.get('type', 'str') in ('str', 'path') and isinstance(value, (dict, list)):
            raise ValidationError('%s must be a string, got a %s' % (label, 'dict' if isinstance(value, dict)
                                                                     else 'list'))
        suboptions = option.get('options')
        if suboptions and isinstance(value, dict):
            check_strings(suboptions, value, label + '.')
        elif suboptions and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    check_strings(suboptions, item, '%s[%d].' % (label, index))


def run_hand_off(argument_spec, desired, apply_api, apply_file):
    """main() of a module with the two transports: desired(params) validates the input before any request, then
    apply_api or apply_file(module, desired) makes it so."""
    module = new_module(argument_spec, supports_check_mode=True)

    def body(module):
        apply = apply_api if module.params['transport'] == 'api' else apply_file
        return apply(module, desired(module.params))

    run(module, body)
