"""Emulated hosts, one package a system, each with its model (state and rules, no HTTP) apart from its routes
(parse the request, call the model, shape the answer). KINDS maps a topology kind to 'package:Class'."""

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
    """Every kind with its class. A broken service module fails here, loudly, instead of being left out."""
    return dict((kind, service_class(kind)) for kind in KINDS)
