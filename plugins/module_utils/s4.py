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

from ansible.module_utils.basic import env_fallback

from ansible_collections.sapcloud.identity.plugins.module_utils.base import ValidationError, check_base_url, require, tls_options
from ansible_collections.sapcloud.identity.plugins.module_utils.transport import ApiError, HttpClient
from ansible_collections.sapcloud.identity.plugins.module_utils.odata import (
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


def s4_argument_spec():
    """Options of the sapcloud.identity.s4 doc fragment."""
    return dict(
        api_url=dict(type='str', required=True, fallback=(env_fallback, ['SAP_S4_API_URL'])),
        api_user=dict(type='str', required=True, fallback=(env_fallback, ['SAP_S4_API_USER'])),
        api_password=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['SAP_S4_API_PASSWORD'])),
        sap_client=dict(type='str', fallback=(env_fallback, ['SAP_S4_CLIENT'])),
        use_etag=dict(type='bool', default=True),
    )


def check_connection(params):
    """The connection options, checked before any request: an empty user or password would only earn a 401."""
    check_base_url(params['api_url'], 'api_url')
    require(params, ('api_user', 'api_password'))


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


class S4Client:
    """One HTTP session (cookies, CSRF) for the three communication management services of one tenant.

    Reads return entities without OData annotations; the ETag of every entity read is kept by its URL and sent as
    If-Match on its next write (whether SAP requires it here is UNCONFIRMED).
    """

    def __init__(self, params):
        check_connection(params)
        self.http = HttpClient(params['api_url'], auth=(params['api_user'], params['api_password']),
                               error_parser=describe_odata_error, **tls_options(params))
        query = {'sap-client': params['sap_client']} if params.get('sap_client') else None
        use_etag = params.get('use_etag', True)
        self.users = ODataService(self.http, COMM_USER_SERVICE, use_etag=use_etag, params=query)
        self.systems = ODataService(self.http, COMM_SYSTEM_SERVICE, use_etag=use_etag, params=query)
        self.arrangements = ODataService(self.http, COMM_ARRANGEMENT_SERVICE, use_etag=use_etag, params=query)
        self.etags = {}

    def _keep(self, relative, entity):
        """Remember the ETag of entity (found at relative) and return it without annotations."""
        if entity is None:
            return None
        self.etags[relative] = etag_of(entity)
        return strip_annotations(entity)

    @staticmethod
    def _unconfirmed(operation, hint, call):
        """Run a write SAP does not document; a refusal fails with a message that says so."""
        try:
            return call()
        except ApiError as exc:
            if exc.status not in REFUSED or exc.code == 'csrf-required':
                raise
            raise ApiError('%s. %s is UNCONFIRMED on real SAP S/4HANA Cloud tenants (SAP_COM_0A48 does not document '
                           'it) and this server refused it; %s' % (exc.message.rstrip('.'), operation, hint),
                           exc.method, exc.path, exc.status, exc.transaction_id, code=exc.code)

    # ---- communication users ----

    @staticmethod
    def user_path(user):
        return key_path(USERS, user['ID'])

    def list_users(self, names=None):
        """All communication users, or those with the given names (one request)."""
        found = self.users.list(USERS, filter=any_of('Name', names) if names else None)
        return [self._keep(self.user_path(u), u) for u in found]

    def find_user(self, name):
        return self._keep_user(self.users.find_one(USERS, eq_filter(Name=name)))

    def _keep_user(self, user):
        return self._keep(self.user_path(user), user) if user else None

    def user_ids(self, names, parameter, missing=None):
        """{name: CC... ID} for communication user names. A name that does not exist fails naming parameter, unless
        missing(message) (Ensure.missing: check mode) lets it through with the ID ''."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        ids = dict((u['Name'], u['ID']) for u in self.list_users(wanted))
        absent = [n for n in wanted if n not in ids]
        if absent:
            message = '%s: communication user %s does not exist' % (parameter, ', '.join(absent))
            if missing is None:
                raise ValidationError(message)
            missing(message)
            ids.update((n, '') for n in absent)
        return ids

    def create_user(self, desired):
        created = self.users.create(USERS, desired, find=lambda: self.find_user(desired['Name']))
        return self._keep_user(created)

    def update_user(self, user, delta):
        def patch():
            self.users.update(self.user_path(user), delta, self.etags.get(self.user_path(user)))
        if 'Password' in delta:
            self._unconfirmed('Changing a communication user password by PATCH',
                              'rotate by creating a second communication user and cutting over to it', patch)
        else:
            patch()

    def delete_user(self, user):
        self._unconfirmed('Deleting a communication user', 'delete it in the Maintain Communication Users app',
                          lambda: self.users.delete(self.user_path(user), self.etags.get(self.user_path(user))))

    # ---- communication systems and their inbound/outbound users ----

    @staticmethod
    def system_path(system):
        return key_path(SYSTEMS, system['UUID'])

    def _keep_system(self, system):
        if system is None:
            return None
        for kind in ('InboundUsers', 'OutboundUsers'):
            for child in system.get(kind) or []:
                self.etags[key_path(kind, child['UUID'])] = etag_of(child)
        return self._keep(self.system_path(system), system)

    def list_systems(self, system_id=None):
        """Systems with their inbound and outbound users (one request)."""
        found = self.systems.list(SYSTEMS, filter=eq_filter(ID=system_id) if system_id else None, expand=SYSTEM_EXPAND)
        return [self._keep_system(s) for s in found]

    def find_system(self, system_id):
        return self._keep_system(self.systems.find_one(SYSTEMS, eq_filter(ID=system_id), expand=SYSTEM_EXPAND))

    def create_system(self, desired):
        created = self.systems.create(SYSTEMS, desired, find=lambda: self.find_system(desired['ID']))
        return self._keep_system(created)

    def update_system(self, system, delta):
        self.systems.update(self.system_path(system), delta, self.etags.get(self.system_path(system)))

    def delete_system(self, system):
        self._unconfirmed('Deleting a communication system', 'delete it in the Communication Systems app',
                          lambda: self.systems.delete(self.system_path(system), self.etags.get(self.system_path(system))))

    def add_system_user(self, system, kind, desired):
        """POST an inbound or outbound user (kind InboundUsers/OutboundUsers) through the system's navigation.

        Not retried after an ambiguous failure: users have no natural key to look them up by before repeating.
        """
        created = self.systems.create('%s/%s' % (self.system_path(system), kind), desired)
        return self._keep(key_path(kind, created['UUID']), created)

    def update_system_user(self, kind, child, delta):
        path = key_path(kind, child['UUID'])

        def patch():
            self.systems.update(path, delta, self.etags.get(path))
        if 'Password' in delta:
            self._unconfirmed('Changing an outbound user password by PATCH', 'change it in the Communication Systems app',
                              patch)
        else:
            patch()

    def delete_system_user(self, kind, child):
        path = key_path(kind, child['UUID'])
        self._unconfirmed('Deleting a user of a communication system', 'remove it in the Communication Systems app',
                          lambda: self.systems.delete(path, self.etags.get(path)))

    # ---- communication arrangements ----

    @staticmethod
    def arrangement_path(arrangement):
        return key_path(ARRANGEMENTS, arrangement['UUID'])

    def _keep_arrangement(self, arrangement):
        if arrangement is None:
            return None
        for binding in ('InboundUser', 'OutboundUser'):
            if arrangement.get(binding):
                self.etags['%s/%s' % (self.arrangement_path(arrangement), binding)] = etag_of(arrangement[binding])
        return self._keep(self.arrangement_path(arrangement), arrangement)

    def list_arrangements(self, scenario_id=None, system_id=None, name=None):
        fields = dict((k, v) for k, v in (('CommunicationScenarioID', scenario_id), ('CommunicationSystemID', system_id),
                                          ('Name', name)) if v)
        found = self.arrangements.list(ARRANGEMENTS, filter=eq_filter(**fields) if fields else None,
                                       expand=ARRANGEMENT_EXPAND)
        return [self._keep_arrangement(a) for a in found]

    def find_arrangement(self, scenario_id, system_id):
        """The arrangement of a scenario on a system: scenario and system identify it, whatever its name."""
        return self._keep_arrangement(self.arrangements.find_one(
            ARRANGEMENTS, eq_filter(CommunicationScenarioID=scenario_id, CommunicationSystemID=system_id),
            expand=ARRANGEMENT_EXPAND))

    def create_arrangement(self, desired):
        created = self.arrangements.create(
            ARRANGEMENTS, desired,
            find=lambda: self.find_arrangement(desired['CommunicationScenarioID'], desired['CommunicationSystemID']))
        return self._keep_arrangement(created)

    def update_arrangement(self, arrangement, delta):
        path = self.arrangement_path(arrangement)
        self.arrangements.update(path, delta, self.etags.get(path))

    def bind_arrangement_user(self, arrangement, binding, user_uuid):
        """Point the arrangement's InboundUser/OutboundUser at a user of its system (PATCH, or POST if unbound)."""
        path = '%s/%s' % (self.arrangement_path(arrangement), binding)
        body = {'CommunicationSystem%sUUID' % binding: user_uuid}
        if arrangement.get(binding):
            self.arrangements.update(path, body, self.etags.get(path))
        else:
            self.arrangements.create(path, body)

    def delete_arrangement(self, arrangement):
        path = self.arrangement_path(arrangement)
        self._unconfirmed('Deleting a communication arrangement', 'delete it in the Communication Arrangements app',
                          lambda: self.arrangements.delete(path, self.etags.get(path)))
