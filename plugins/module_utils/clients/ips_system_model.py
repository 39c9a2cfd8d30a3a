# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IPS proxy system that the input of ips_proxy_system asks for, without a request or an engine:
`DesiredSystem` (validated input, the documents to send, when the credentials must be sent), `system_view` (the
flat shape both transports compare and diff), the file's view and ownership test, and the admin's next step.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import check_base_url
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.handoff import check_transport
from ansible_collections.sapcloud.identity.plugins.module_utils.clients.ips import (
    check_system_id, check_system_name, credential_reset, normalize_credentials, normalize_properties,
    parse_transformation, system_document)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import ips_idm_formats as fmt
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import MASK, dumps

KEYS = fmt.SYSTEM_KEYS
CREDENTIAL_PREFIX = 'credential_properties.'
# The import file holds no secret (credential values are never written to it), so others may read it.
FILE_MODE = 0o644
FILE_WHAT = 'a proxy system JSON document'


class DesiredSystem:
    """The validated input; built before any request so bad input fails with zero calls."""

    def __init__(self, params):
        check_system_name(params['name'])
        self.params = params
        self.properties = normalize_properties(params['properties'])
        self.credentials = normalize_credentials(params['credential_properties'])
        self.read = parse_transformation(params['read_transformation'], 'read_transformation')
        self.write = parse_transformation(params['write_transformation'], 'write_transformation')
        if params['proxy_url']:
            check_base_url(params['proxy_url'], 'proxy_url')
        check_transport(params, 'ips_admin')
        if params['system_id']:  # with transport=file, empty until the admin has imported the file
            if params['transport'] == 'api':
                raise ValidationError('system_id applies to transport=file only; with transport=api the server '
                                      'returns the ID')
            check_system_id(params['system_id'], 'system_id')
        if params['state'] == 'present':
            self._check_infrastructure()

    def _check_infrastructure(self):
        if self.params['infrastructure'] == 'sci' and \
                self.properties.get('Authentication') == 'ClientCertificateAuthentication':
            # The certificate generated in the IPS system's Certificate tab logs on: no user, no password.
            if not self.properties.get('URL'):
                raise ValidationError('properties.URL is required with infrastructure=sci: the proxy system holds '
                                      'the S/4HANA Cloud URL itself')
        elif self.params['infrastructure'] == 'sci':
            for name in ('URL', 'User'):
                if not self.properties.get(name):
                    raise ValidationError('properties.%s is required with infrastructure=sci: the proxy system holds '
                                          'the S/4HANA Cloud URL, user and password itself' % name)
            if fmt.DEFAULT_CREDENTIAL_PROPERTY not in self.credentials:
                raise ValidationError('credential_properties.%s is required with infrastructure=sci (the '
                                      'communication user\'s password)' % fmt.DEFAULT_CREDENTIAL_PROPERTY)
        elif not self.params['destination_name'] and not self.properties.get('URL'):
            raise ValidationError('destination_name or properties.URL is required with infrastructure=neo')

    def full_properties(self, current):
        """The properties the system should end with: the current ones, overridden and pruned by the input."""
        out = dict(current or {})
        for name, value in self.properties.items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out

    def document(self, current=None, credentials=None):
        """The full system document to send: current values where the input says nothing."""
        current = current or {}
        p = self.params

        def pick(value, key, default=None):
            return value if value is not None else current.get(key, default)

        return system_document(
            p['name'], pick(p['description'], KEYS['description'], ''), p['connector_type'],
            pick(p['destination_name'], KEYS['destination_name'], ''),
            self.full_properties(current.get(KEYS['properties'])), credentials or {},
            pick(self.read, KEYS['read_transformation']), pick(self.write, KEYS['write_transformation']))

    def to_send(self, current=None, send_secrets=False):
        """The document a create (current None) or replace sends: the credential values only when asked."""
        return self.document(current, self.credentials if send_secrets else {})

    def file_document(self):
        """The document of the import file: the names of the credential properties, never their values."""
        return self.document(credentials=dict((n, None) for n in self.credentials))

    def target(self, current):
        """What the system should look like, with the names of the credentials it will hold (those on the server
        stay unless IPS drops them) and no value; what is compared with current."""
        held = set(credential_names(current)) | set(self.credentials)
        target = self.document(current, dict((n, None) for n in held))
        target['id'] = (current or {}).get('id')
        return target

    def password_policy(self, current):
        """(update_password, lost): `always` where the credentials must be sent although the input says on_create
        (a credential the system lacks, or a URL/host change, after which IPS drops them all); lost names those
        the system holds that such a change drops and the input does not give again."""
        if current is None:
            return self.params['update_password'], []
        on_server = credential_names(current)
        current_properties = current.get(KEYS['properties'])
        reset = credential_reset(current_properties, self.full_properties(current_properties))
        lost = sorted(set(on_server) - set(self.credentials)) if reset else []
        if reset or any(n not in on_server for n in self.credentials):
            return 'always', lost
        return self.params['update_password'], lost

    def secret_fields(self, current=None):
        """The view's fields of every credential named by the input or held by current (masked in the diff)."""
        return [CREDENTIAL_PREFIX + n for n in set(self.credentials) | set(credential_names(current))]

    def credential_fields(self):
        """The view's fields of the credentials the input gives: write-only, the server never shows a value."""
        return [CREDENTIAL_PREFIX + n for n in self.credentials]

    def file_next_step(self, changed):
        """What the admin does by hand after a file run (changed: the file was, or would be, rewritten)."""
        p = self.params
        creds = sorted(self.credentials)
        enter = (' Then enter the credential properties %s on its Properties tab: they are never written to the '
                 'file.' % ', '.join(creds)) if creds else ''
        if p['system_id']:
            edit = (' The file changed: make the same change to system %s in the console by hand (the diff shows '
                    'it), since a new import would create another system with another ID.' % p['system_id']) \
                if changed else ''
            return ('System ID %s given.%s Pass the ID to sapcloud.identity.idm_repository as '
                    'proxy_system.system_id, or pass the CSV that IPS exports for the system as source_csv.'
                    % (p['system_id'], edit))
        return ('In the IPS admin console, open Proxy Systems > Add > Define from File and import %s (the JSON shape '
                'is UNCONFIRMED, see docs/ips-idm-contract.md).%s IPS gives the imported system a new ID, the GUID '
                'at the end of the system\'s URL: pass it as system_id here and as proxy_system.system_id to '
                'sapcloud.identity.idm_repository, or export the system as CSV and pass that file as source_csv.'
                % (p['dest'], enter))


def credential_names(document):
    """The names of the credential properties a system document holds (never with values)."""
    return (document or {}).get(KEYS['credential_properties']) or {}


def property_list(properties):
    """Properties as sorted "name=value" lines: compared exactly, and readable in a diff."""
    return sorted('%s=%s' % (k, v) for k, v in (properties or {}).items())


def system_view(doc):
    """A system document (from the server or the file) in the flat shape that is compared and shown in the diff;
    credentials appear by name, masked."""
    if doc is None:
        return None

    def as_json(key):
        return dumps(doc[KEYS[key]]) if KEYS[key] in doc else None

    out = {
        'name': doc.get(KEYS['name']),
        'description': doc.get(KEYS['description']) or '',
        'connector_type': doc.get(KEYS['connector_type']),
        'destination_name': doc.get(KEYS['destination_name']) or '',
        'properties': property_list(doc.get(KEYS['properties'])),
        'read_transformation': as_json('read_transformation'),
        'write_transformation': as_json('write_transformation'),
    }
    out.update((CREDENTIAL_PREFIX + k, MASK) for k in credential_names(doc))
    return out


def file_view(text):
    """The view of a file written earlier (a marker when it is not this module's JSON)."""
    return system_view(json.loads(text)) if is_system_json(text) else {'content': 'not ' + FILE_WHAT}


def is_system_json(text):
    """Whether text is a proxy system document as ips_proxy_system writes it (a JSON object with its name and
    type)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and isinstance(doc.get(KEYS['name']), str) and KEYS['connector_type'] in doc
