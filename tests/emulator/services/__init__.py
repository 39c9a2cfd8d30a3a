"""Emulated hosts, one module a system. KINDS maps a topology kind to 'module:Class' (imported on demand)."""

import importlib

KINDS = {
    's4': 's4:S4Tenant',
    'neo_api': 'neo:NeoApi',
    'neo_configapi': 'neo:NeoConfigApi',
    'neo_oauth': 'neo:NeoOAuth',
    'cf_uaa': 'cf:XsuaaTokens',
    'cf_destination': 'cf:DestinationService',
    'ips': 'ips:IpsTenant',
    'ias': 'ias:IasTenant',
    'idm': 'idm:IdmServer',
}


def service_class(kind):
    module, cls = KINDS[kind].split(':')
    return getattr(importlib.import_module('emulator.services.' + module), cls)


def available_kinds():
    """Kinds whose module exists (the emulator grows service by service)."""
    out = {}
    for kind in KINDS:
        try:
            out[kind] = service_class(kind)
        except (ImportError, AttributeError):
            continue
    return out
