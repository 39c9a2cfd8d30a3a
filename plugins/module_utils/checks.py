# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks shared by the modules, made before any request: host names, ports, SAP clients and lengths.
(Options of type str given a dict or a list are refused for every module by base.new_module.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError

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
