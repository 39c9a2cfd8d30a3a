# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP S/4HANA Cloud client: the only place that knows its URLs.

Communication management is scenario SAP_COM_0A48: three OData V4 services (documented). The caller is the
inbound user of a SAP_COM_0A48 arrangement created once by hand in the Fiori apps.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.sapcloud.identity.plugins.module_utils.checks import (
    check_base_url, check_length, check_sap_client, require)
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.certificates import client_certificate
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from ansible_collections.sapcloud.identity.plugins.module_utils.options import env_option, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError, HttpClient
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.odata import (
    ODataService, any_of, describe_odata_error, eq_filter, etag_of, key_path, strip_annotations)

COMM_USER_SERVICE = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
COMM_SYSTEM_SERVICE = '/sap/opu/odata4/sap/aps_com_cs_a4c_odata/srvd_a2x/sap/aps_com_cs_a4c_odata/0001'
COMM_ARRANGEMENT_SERVICE = '/sap/opu/odata4/sap/aps_com_ca_a4c_odata/srvd_a2x/sap/aps_com_ca_a4c_odata/0001'

USERS = 'CommunicationUsers'
SYSTEMS = 'CommunicationSystems'
ARRANGEMENTS = 'CommunicationArrangements'
SYSTEM_EXPAND = 'InboundUsers,OutboundUsers'
ARRANGEMENT_EXPAND = 'InboundServices,InboundUser,OutboundServices,OutboundUser,Properties'
# Write-only fields: never returned, masked in diffs.
SECRET_FIELDS = ('Password',)
AUTH_METHODS = ('basic', 'x509', 'none', 'oauth2', 'oauth2_mtls', 'sso2', 'oauth1')
# Answers that mean "the server does not do this", as opposed to logon, ETag or transport trouble.
REFUSED = (400, 403, 405, 409, 422, 500, 501)

PASSWORD_RULE = ('at least 20 characters with an upper-case letter, a lower-case letter, a digit and a special '
                 'character, and no comma (IPS rejects commas in user and password)')


def s4_argument_spec(writes=True):
    """Options of the sapcloud.identity.s4 doc fragment; without use_etag for a caller that only reads."""
    spec = dict(
        # Required, but checked by check_connection so the message names the environment variable too.
        api_url=env_option('SAP_S4_API_URL'),
        api_user=env_option('SAP_S4_API_USER'),
        api_password=env_option('SAP_S4_API_PASSWORD', no_log=True),
        sap_client=env_option('SAP_S4_CLIENT'),
    )
    spec.update(s4_client_certificate_spec())
    if writes:
        spec['use_etag'] = dict(type='bool', default=True)
    return spec


# Options of a client certificate (X.509) that logs on instead of api_user and api_password.
CLIENT_CERT_OPTIONS = ('api_client_cert', 'api_client_key', 'api_client_key_passphrase')


def s4_client_certificate_spec():
    return dict(
        api_client_cert=env_option('SAP_S4_API_CLIENT_CERT', type='path'),
        api_client_key=env_option('SAP_S4_API_CLIENT_KEY', type='path', no_log=False),
        api_client_key_passphrase=env_option('SAP_S4_API_CLIENT_KEY_PASSPHRASE', no_log=True),
    )


# Length limits checked before any request, with where each comes from. A limit the tenant's $metadata declares
# differently is reported by s4_preflight.
LIMITS = {
    'user_name': (40, 'UNCONFIRMED: the length of a business user\'s UserName in the SOAP API; SAP documents none '
                      'for communication users'),
    'logical_system_id': (10, 'the MaxLength of LogicalSystemID, the LOGSYS domain'),
    'arrangement_name': (80, 'the documented limit of a communication arrangement name'),
}


def check_connection(params):
    """The connection options, checked before any request: an empty user or password would only earn a 401.
    Returns the client certificate (cert, key, passphrase) when one logs on instead of user and password."""
    require(params, ('api_url',))
    check_base_url(params['api_url'], 'api_url')
    check_sap_client(params.get('sap_client'))
    certificate = client_certificate(params, CLIENT_CERT_OPTIONS)
    if certificate is None:
        require(params, ('api_user', 'api_password'))
    return certificate


def check_limit(value, parameter, limit):
    """value within LIMITS[limit]."""
    check_length(value, parameter, *LIMITS[limit])


def check_password(value, parameter):
    """Raise ValidationError unless value meets the S/4 communication user password policy (stricter side)."""
    if value is None:
        return
    problems = []
    if len(value) < 20:
        problems.append('it has %d characters' % len(value))
    for pattern, what in ((r'[A-Z]', 'an upper-case letter'), (r'[a-z]', 'a lower-case letter'),
                          (r'[0-9]', 'a digit'), (r'[^A-Za-z0-9]', 'a special character')):
        if not re.search(pattern, value):
            problems.append('it lacks %s' % what)
    if ',' in value:
        problems.append('it contains a comma')
    if problems:
        raise ValidationError('%s must have %s; %s' % (parameter, PASSWORD_RULE, ', '.join(problems)))


def s4_http(params, **kwargs):
    """The HTTP session of one tenant, for the connection options checked first: Basic auth as api_user, or the
    client certificate (mutual TLS) when one is given."""
    certificate = check_connection(params)
    auth = None if certificate else (params['api_user'], params['api_password'])
    return HttpClient(params['api_url'], auth=auth, client_cert=certificate, **dict(tls_options(params), **kwargs))


class EntitySet:
    """One entity set of an SAP_COM_0A48 service: reads, writes and the ETags that go with them.

    Reads return entities without OData annotations; the ETag of every entity read (and of the expanded navigations
    in `nested`) is kept by its path and sent as If-Match on its next write (whether SAP requires it here is
    UNCONFIRMED). `natural` names the fields that find an entity again after an ambiguous create; without them a
    create is not repeated. `noun` and `app` word the message when the server refuses an undocumented write.
    """

    def __init__(self, service, etags, name, key, noun, app, natural=(), expand=None, nested=()):
        self.service = service
        self.etags = etags
        self.name = name
        self.key = key
        self.words = (noun, app)
        self.natural = tuple(natural)
        self.expand = expand
        self.nested = tuple(nested)

    def path(self, entity):
        return key_path(self.name, entity[self.key])

    def keep(self, entity):
        """Remember the ETags of entity and of its nested entities; return it without annotations."""
        if entity is None:
            return None
        path = self.path(entity)
        self.etags[path] = etag_of(entity)
        for nav, child_path in self.nested:
            for child in entity.get(nav) if isinstance(entity.get(nav), list) else [entity.get(nav)]:
                if child:
                    self.etags[child_path(path, nav, child)] = etag_of(child)
        return strip_annotations(entity)

    def list(self, filter=None, **fields):
        """The entities matching filter, or whose fields equal those given and not None (all without either), in
        one request."""
        fields = dict((k, v) for k, v in fields.items() if v is not None)
        if fields:
            filter = eq_filter(**fields)
        return [self.keep(e) for e in self.service.list(self.name, filter=filter, expand=self.expand)]

    def find(self, **fields):
        """The single entity whose fields equal these, or None."""
        return self.keep(self.service.find_one(self.name, eq_filter(**fields), expand=self.expand))

    def reread(self, entity):
        """Read entity again, so the next write carries its current ETags (after a write that moved them); without
        ETags (use_etag=false) there is nothing to refresh."""
        if not self.service.use_etag:
            return entity
        return self.keep(self.service.read(self.path(entity), expand=self.expand)) or entity

    def read_again(self, entity):
        """Read entity anew by its key (None when it is gone): what an earlier task read may be stale, and a write
        needs the entity's current ETags."""
        return self.keep(self.service.read(self.path(entity), expand=self.expand))

    def create(self, body, parent_path=None):
        """POST body to the set, or through the navigation of the entity at parent_path."""
        target = '%s/%s' % (parent_path, self.name) if parent_path else self.name

        def find():
            return self.find(**dict((f, body[f]) for f in self.natural))
        return self.keep(self.service.create(target, body, find=find if self.natural else None))

    def update(self, entity, delta):
        path = self.path(entity)

        def patch():
            self.service.update(path, delta, self.etags.get(path))
        if 'Password' in delta:
            unconfirmed('Changing the password of %s by PATCH' % self.words[0],
                        'create a second one and cut over to it, or change it in %s' % self.words[1], patch)
        else:
            patch()

    def delete(self, entity):
        path = self.path(entity)
        unconfirmed('Deleting %s' % self.words[0], 'delete it in %s' % self.words[1],
                    lambda: self.service.delete(path, self.etags.get(path)))


def unconfirmed(operation, hint, call):
    """Run a write SAP does not document; a refusal fails with a message that says so."""
    try:
        return call()
    except ApiError as exc:
        if exc.status not in REFUSED or exc.code == 'csrf-required':
            raise
        raise ApiError('%s. %s is UNCONFIRMED on real SAP S/4HANA Cloud tenants (SAP_COM_0A48 does not document '
                       'it) and this server refused it; %s' % (exc.message.rstrip('.'), operation, hint),
                       exc.method, exc.path, exc.status, exc.transaction_id, code=exc.code)


def _set_path(_parent_path, nav, child):
    return key_path(nav, child['UUID'])


def _nav_path(parent_path, nav, _child):
    return '%s/%s' % (parent_path, nav)


class S4Client:
    """One HTTP session (cookies, CSRF) for the three communication management services of one tenant, one
    EntitySet each for communication users, systems, their inbound and outbound users, and arrangements."""

    def __init__(self, params):
        self.http = s4_http(params, error_parser=describe_odata_error)
        query = {'sap-client': params['sap_client']} if params.get('sap_client') else None
        use_etag = params.get('use_etag', True)
        services = dict((name, ODataService(self.http, path, use_etag=use_etag, params=query))
                        for name, path in (('users', COMM_USER_SERVICE), ('systems', COMM_SYSTEM_SERVICE),
                                           ('arrangements', COMM_ARRANGEMENT_SERVICE)))
        self.etags = {}
        app = 'the Communication Systems app'
        self.users = EntitySet(services['users'], self.etags, USERS, 'ID', 'a communication user',
                               'the Maintain Communication Users app', natural=('Name',))
        self.systems = EntitySet(services['systems'], self.etags, SYSTEMS, 'UUID', 'a communication system', app,
                                 natural=('ID',), expand=SYSTEM_EXPAND,
                                 nested=(('InboundUsers', _set_path), ('OutboundUsers', _set_path)))
        self.system_users = dict((kind, EntitySet(services['systems'], self.etags, kind, 'UUID',
                                                  'a user of a communication system', app))
                                 for kind in ('InboundUsers', 'OutboundUsers'))
        self.arrangements = EntitySet(services['arrangements'], self.etags, ARRANGEMENTS, 'UUID',
                                      'a communication arrangement', 'the Communication Arrangements app',
                                      natural=('CommunicationScenarioID', 'CommunicationSystemID'),
                                      expand=ARRANGEMENT_EXPAND,
                                      nested=(('InboundUser', _nav_path), ('OutboundUser', _nav_path)))

    def user_ids(self, names, parameter, missing=None, known=None):
        """{name: CC... ID} for communication user names (one request for those known does not name). A name that
        does not exist fails naming parameter, unless missing(message) (Ensure.missing: check mode) lets it through
        with the ID ''."""
        known = dict((name, user_id) for name, user_id in (known or {}).items() if user_id and name in names)
        wanted = sorted(set(names) - set(known))
        if not wanted:
            return known
        ids = dict((u['Name'], u['ID']) for u in self.users.list(any_of('Name', wanted)))
        ids.update(known)
        absent = [n for n in wanted if n not in ids]
        if absent:
            message = '%s: communication user %s does not exist' % (parameter, ', '.join(absent))
            if missing is None:
                raise ValidationError(message)
            missing(message)
            ids.update((n, '') for n in absent)
        return ids

    def bind_arrangement_user(self, arrangement, binding, user_uuid):
        """Point the arrangement's InboundUser/OutboundUser at a user of its system (PATCH, or POST if unbound)."""
        path = '%s/%s' % (self.arrangements.path(arrangement), binding)
        body = {'CommunicationSystem%sUUID' % binding: user_uuid}
        service = self.arrangements.service
        if arrangement.get(binding):
            service.update(path, body, self.etags.get(path))
        else:
            service.create(path, body)
