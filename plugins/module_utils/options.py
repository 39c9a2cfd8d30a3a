# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Declaring options: the common TLS/timeout options every module has, options that fall back to an environment
variable, and the keyword arguments of the HTTP layer made from them. Service clients declare their connection
options with these, so this sits below the clients, not with the module plumbing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback


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
