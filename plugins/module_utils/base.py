# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: TLS/timeout options and running a module body."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback, missing_required_lib

from ansible_collections.sapcloud.identity.plugins.module_utils.transport import (
    ApiError, HAS_REQUESTS, REQUESTS_IMPORT_ERROR)


def common_argument_spec():
    """Options of the sapcloud.identity.common doc fragment."""
    return dict(
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['SAPCLOUD_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['SAPCLOUD_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['SAPCLOUD_TIMEOUT'])),
    )


def env_option(variable, **spec):
    """An option's spec (type str unless given) that falls back to the environment variable."""
    option = dict(type='str')
    option.update(spec)
    option['fallback'] = (env_fallback, [variable])
    return option


def tls_options(params):
    """Keyword arguments for HttpClient/TokenSource from the common options."""
    return dict(validate_certs=params['validate_certs'], ca_path=params['ca_path'], timeout=params['timeout'])


class ValidationError(Exception):
    """Bad input found before any request; the message names the parameter and the rule."""


class PartialChange(Exception):
    """A write failed after others were applied: the cause, and the result (changed, actions, diff) so far."""

    def __init__(self, cause, result):
        super(PartialChange, self).__init__(str(cause))
        self.cause = cause
        self.result = result


# The environment variable behind each option of the running module (from its argument spec), for messages.
ENV_VARS = {}


def require(params, names, why=''):
    """ValidationError naming the first of names that is missing or empty, and its environment variable."""
    for name in names:
        if params.get(name) in (None, ''):
            env = ENV_VARS.get(name)
            hint = '; set it or the environment variable %s' % env if env else ''
            raise ValidationError('%s is required%s%s' % (name, ' ' + why if why else '', hint))


def check_base_url(value, parameter):
    """value without a trailing slash; ValidationError naming parameter unless it is an http(s) URL with a host."""
    problem = base_url_problem(value)
    if problem:
        raise ValidationError('%s must be a full base URL such as https://host[:port] (%s), got %r'
                              % (parameter, problem, value))
    return value.rstrip('/')


def base_url_problem(value):
    """What keeps value from being a base URL the transport can call, or None: checked before any request, so a
    blank or a port out of range fails naming the option instead of as "no response"."""
    if not isinstance(value, str) or not value:
        return 'it is empty'
    if re.search(r'\s', value):
        return 'it contains a blank or line break'
    parts = urlsplit(value)
    if parts.scheme not in ('http', 'https'):
        return 'the scheme must be https or http'
    if not parts.hostname:
        return 'it has no host'
    if parts.username is not None or parts.password is not None:
        return 'credentials do not belong in the URL'
    if parts.query or parts.fragment:
        return 'a base URL has no query or fragment'
    try:
        port = parts.port
    except ValueError:
        return 'the port must be a number between 1 and 65535'
    if port == 0:
        return 'the port must be a number between 1 and 65535'
    return None


def new_module(argument_spec, **kwargs):
    spec = common_argument_spec()
    spec.update(argument_spec)
    ENV_VARS.clear()
    ENV_VARS.update((name, option['fallback'][1][0]) for name, option in spec.items()
                    if option.get('fallback') and option['fallback'][0] is env_fallback and option['fallback'][1])
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
    except ValidationError as exc:
        module.fail_json(msg=str(exc))
    except ApiError as exc:
        module.fail_json(msg=str(exc), error=exc.as_dict())
    except PartialChange as exc:
        error = exc.cause.as_dict() if isinstance(exc.cause, ApiError) else None
        module.fail_json(msg='%s applied, then: %s' % (', '.join(exc.result['actions']), exc.cause), error=error,
                         **exc.result)
    module.exit_json(**result)


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
