# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks shared by the modules, made before any request: required options, base URLs, host names, ports,
SAP clients and lengths. (Options of type str given a dict or a list are refused for every module by
plumbing.module.new_module.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible_collections.sapcloud.identity.plugins.module_utils.errors import MissingOption, ValidationError

# A DNS name (labels of letters, digits and inner hyphens) or an IPv4 address; no scheme, path, port or blanks.
HOST_LABEL = r'[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
HOST_NAME = re.compile(r'^(?=.{1,253}$)%s(?:\.%s)*\.?$' % (HOST_LABEL, HOST_LABEL))
# An SAP client is three digits (the classic MANDT domain, CHAR 3 of digits).
SAP_CLIENT = re.compile(r'^[0-9]{3}$')


def check_host_name(value, parameter):
    """A host name such as ipsproxy.example.com; a URL, a port or blanks fail naming parameter."""
    if value is None:
        return
    if not HOST_NAME.fullmatch(value):
        raise ValidationError('%s must be a host name such as host.example.com (no scheme, path, port or blanks), '
                              'got %r' % (parameter, value))


def check_port(value, parameter):
    if value is not None and not 0 < value < 65536:
        raise ValidationError('%s must be between 1 and 65535, got %s' % (parameter, value))


def check_sap_client(value, parameter='sap_client'):
    if value not in (None, '') and not SAP_CLIENT.fullmatch(value):
        raise ValidationError('%s must be three digits such as 100, got %r' % (parameter, value))


def check_length(value, parameter, limit, source):
    """value at most limit characters (source says where the limit comes from)."""
    if value is not None and len(value) > limit:
        raise ValidationError('%s must have at most %d characters (%s), got %d' % (parameter, limit, source, len(value)))


def require(params, names, why=''):
    """MissingOption naming the first of names that is missing or empty (run() adds its environment variable)."""
    for name in names:
        if params.get(name) in (None, ''):
            raise MissingOption(name, why)


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
