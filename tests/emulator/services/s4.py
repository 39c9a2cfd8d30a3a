"""Emulated SAP S/4HANA Cloud (public edition) tenant: communication management, scenario SAP_COM_0A48.

Three OData V4 services at their real base paths (communication users, systems, arrangements), behind the
tenant's own logon (Basic auth with the communication user's name, lock after 3 failures), scenario-based
authorization (a caller may use a service only as the inbound user of an arrangement whose scenario grants it)
and Gateway CSRF protection. The provenance of every route and rule is listed in tests/emulator/README.md.
"""

import re
import secrets
import uuid
from http.cookies import CookieError, SimpleCookie

from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.demo import DEMO
from emulator.odata import ODataEntities, check_payload, metadata, now, v4_error
from emulator.services import s4_fields
from emulator.services.s4_business import S4BusinessApis
from emulator.services.s4_certificates import S4Certificates

CU = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
CS = '/sap/opu/odata4/sap/aps_com_cs_a4c_odata/srvd_a2x/sap/aps_com_cs_a4c_odata/0001'
CA = '/sap/opu/odata4/sap/aps_com_ca_a4c_odata/srvd_a2x/sap/aps_com_ca_a4c_odata/0001'

BUSINESS_USER_SOAP = ['/sap/bc/srt/scs_ext/sap/querybusinessuserin', '/sap/bc/srt/scs_ext/sap/managebusinessuserin',
                      '/sap/bc/srt/scs/sap/querybusinessuserin', '/sap/bc/srt/scs/sap/managebusinessuserin']

# Which path prefixes an arrangement of a scenario lets its inbound user call.
SCENARIO_SERVICES = {
    'SAP_COM_0A48': [CU, CS, CA],
    'SAP_COM_0093': BUSINESS_USER_SOAP,
    'SAP_COM_0193': BUSINESS_USER_SOAP,
    'SAP_COM_0465': ['/sap/bc/http/sap/aps_iam_api_scim'],
    'SAP_COM_0008': ['/sap/opu/odata/sap/API_BUSINESS_PARTNER'],
    # UNCONFIRMED what SAP_COM_0066 is or grants: nothing until a tenant shows it.
    'SAP_COM_0066': [],
}

# Scenarios whose arrangement needs an outbound user (CM_APS_CA/027, OBSERVED for some scenarios). Which ones is
# UNCONFIRMED; SAP_COM_0066 stands in for the integration guide's "dummy outbound user". Topology config
# 'outbound_user_required' replaces this list.
OUTBOUND_USER_REQUIRED = ['SAP_COM_0066']

# Gateway CSRF protection covers OData and the SCIM interface; SOAP has none.
CSRF_PROTECTED = ('/sap/opu/', '/sap/bc/http/sap/aps_iam_api_scim')
SESSION_COOKIE = 'SAP_SESSIONID_EMU_100'
XSRF_COOKIE = 'sap-XSRF_EMU_100'
MAX_FAILED_LOGONS = 3

LOGON_FAILED = ('<html><head><title>Logon failed</title></head><body><h1>Logon failed</h1>'
                '<p>The user name and password combination is not valid, or the user is locked.</p></body></html>')

USER_TYPES = ('customer_communication', 'provider_communication')
LOCK_STATUSES = ('not_locked', 'locked_global_by_admin', 'locked_local_by_admin', 'locked_by_system')
PASSWORD_STATUSES = ('active', 'inactive', 'productive', 'initial')
AUTH_METHODS = ('x509', 'basic', 'none', 'oauth2', 'oauth2_mtls', 'sso2', 'oauth1')
SERVICE_STATUSES = ('active', 'inactive')
SCENARIO_ID = re.compile(r'^(SAP_COM_[A-Z0-9_]+|YY1_[A-Za-z0-9_]+)$')

ARRANGEMENT = s4_fields.ARRANGEMENT
ARRANGEMENT_NAVS = tuple(ARRANGEMENT['navs'])
# Seeding writes these directly, as an admin does in the Fiori apps.
SYSTEM_FIELDS = set(s4_fields.SYSTEM['fields']) - {'UUID', 'ChangedAt', 'ChangedBy'}
ARRANGEMENT_FIELDS = {'CommunicationScenarioID', 'CommunicationSystemID', 'Name', 'Description'} | set(ARRANGEMENT_NAVS)
# Navigation properties per table; they appear only when $expand names them.
NAVS = {'users': (), 'certificates': (), 'systems': ('InboundUsers', 'OutboundUsers'), 'inbound_users': (), 'outbound_users': (),
        'arrangements': ARRANGEMENT_NAVS}
HIDDEN = ('Password',)  # write-only: never in any response


class S4Tenant(S4Certificates, S4BusinessApis, ODataEntities, Service):
    """One S/4HANA Cloud tenant (API host)."""

    kind = 's4'
    hidden = HIDDEN

    @property
    def navs(self):
        """Navigations per table, without those a tenant variant leaves out of $metadata."""
        dropped = set(p.split('.', 1)[1] for p in self.switch('metadata_drop', []) if p.startswith('CommunicationArrangement.'))
        return dict(NAVS, arrangements=tuple(n for n in ARRANGEMENT_NAVS if n not in dropped))

    def __init__(self, name, config, emulator):
        self.sessions = {}  # CSRF sessions live in memory only, as a real session does not survive a restart
        self.caller = None
        super().__init__(name, config, emulator)

    def initial_state(self):
        return {'users': {}, 'certificates': {}, 'systems': {}, 'inbound_users': {}, 'outbound_users': {}, 'arrangements': {},
                'seq': {'user': 0, 'etag': 0}, 'enforce_etag': bool(self.config.get('enforce_etag', False))}

    def reset(self):
        self.sessions.clear()
        super().reset()

    # ---- logon, authorization, CSRF: every request to the tenant passes here ----

    def handle(self, request):
        try:
            self.check_client(request)
            served = self.switch('soap_endpoint')
            if served and request.path.startswith('/sap/bc/srt/') and not request.path.startswith('/sap/bc/srt/%s/' % served):
                raise HttpError(self.not_found(request))  # variant: the SOAP services only under one ICF path
            self.caller = self.logon(request)
            self.authorize(self.caller, request.path)
            protected = request.path.startswith(CSRF_PROTECTED)
            if protected and request.method not in ('GET', 'HEAD'):
                self.check_csrf(request, self.caller)
            if request.method == 'DELETE' and request.path.startswith((CU, CS, CA)) and self.switch('delete_refused'):
                raise v4_error(405, 'EMULATOR/DELETE_REFUSED', 'Deletion is not supported for this entity; use the '
                               'Fiori app')
        except HttpError as exc:
            return exc.response
        response = super().handle(request)
        if protected and request.method not in ('GET', 'HEAD') and response.status < 300 \
                and self.switch('csrf_expire_after_write'):
            self.sessions.clear()  # variant: the token is good for one write
        if protected and request.method == 'GET' and (request.header('X-CSRF-Token') or '').lower() == 'fetch' \
                and response.status < 500:
            self.issue_csrf(request, self.caller, response)
        return response

    def check_client(self, request):
        """Variant sap_client_required: the API host has no default client, so every request names one."""
        client = self.switch('sap_client_required')
        if client and request.query.get('sap-client') != client:
            raise HttpError(text_response(400, 'Logon client missing or unknown: pass the URL parameter sap-client=<'
                                               'client> (the tenant\'s client); got %r' % request.query.get('sap-client')))

    def logon(self, request):
        """Basic auth with the communication user's name; 3 wrong passwords in a row lock the user. Without Basic
        auth, a client certificate (mutual TLS) uploaded to a user logs on as that user, for x509 inbound users."""
        credentials = request.basic_auth()
        self.auth_method = 'basic'
        if credentials is None and request.client_cert:
            self.auth_method = 'x509'
            user = self.user_by_certificate(request.client_cert)
            if user is None or user['LockStatus'] != 'not_locked':
                raise self.logon_failed()
            return user
        user = self.user_by_name(credentials[0]) if credentials else None
        if user is None or user['LockStatus'] != 'not_locked':
            raise self.logon_failed()
        if credentials[1] != user.get('Password'):
            user['_failures'] = user.get('_failures', 0) + 1
            if user['_failures'] >= MAX_FAILED_LOGONS:
                user['LockStatus'] = 'locked_by_system'
                user['IsLocked'] = True
            self.save()
            raise self.logon_failed()
        if user.get('_failures'):
            user['_failures'] = 0
            self.save()
        return user

    def logon_failed(self):
        # Variant logon_page_status: the logon page comes with HTTP 200, as a browser-facing ICF node answers.
        return HttpError(text_response(self.switch('logon_page_status', 401), LOGON_FAILED, 'text/html; charset=utf-8',
                                       {'WWW-Authenticate': 'Basic realm="SAP NetWeaver Application Server [EMU/100]"'}))

    def bound_scenarios(self, user):
        """The scenarios of the arrangements whose inbound user is this user with the method it logged on with
        (basic: user and password, x509: client certificate)."""
        method = getattr(self, 'auth_method', 'basic')
        bindings = set(key for key, inbound in self.state['inbound_users'].items()
                       if inbound.get('CommunicationUserID') == user['ID'] and inbound.get('AuthenticationMethod') == method)
        return set(a['CommunicationScenarioID'] for a in self.state['arrangements'].values()
                   if (a.get('InboundUser') or {}).get('CommunicationSystemInboundUserUUID') in bindings)

    def granted_prefixes(self, user):
        return [prefix for scenario in sorted(self.bound_scenarios(user)) for prefix in SCENARIO_SERVICES.get(scenario, [])]

    def authorize(self, user, path):
        """A user bound to no arrangement gets the logon page (401, as for a wrong password or a locked user,
        observed); one bound only to arrangements of other scenarios gets a 403 (unconfirmed)."""
        granted = self.granted_prefixes(user)
        if not self.bound_scenarios(user):
            if self.switch('unbound_status') == 403:
                raise HttpError(text_response(403, 'No authorization: communication user %s is not the inbound user '
                                                   'of any communication arrangement' % user['Name']))
            raise self.logon_failed()
        for prefix in granted:
            if path == prefix or path.startswith(prefix + '/'):
                return
        raise HttpError(text_response(403, 'No authorization: communication user %s is not the inbound user of a '
                                           'communication arrangement whose scenario grants %s' % (user['Name'], path)))

    def session_of(self, request, user):
        try:
            cookies = SimpleCookie(request.header('Cookie') or '')
        except CookieError:
            return None
        sid, xsrf = cookies.get(SESSION_COOKIE), cookies.get(XSRF_COOKIE)
        session = self.sessions.get(sid.value) if sid else None
        if session and session['user'] == user['ID'] and xsrf and xsrf.value == session['xsrf']:
            return session
        return None

    def check_csrf(self, request, user):
        session = self.session_of(request, user)
        if not session or request.header('X-CSRF-Token') != session['token']:
            raise HttpError(text_response(403, 'CSRF token validation failed', headers={'x-csrf-token': 'Required'}))

    def issue_csrf(self, request, user, response):
        session = self.session_of(request, user)
        if session is None:
            sid = secrets.token_hex(16)
            session = {'user': user['ID'], 'token': secrets.token_urlsafe(18), 'xsrf': secrets.token_urlsafe(24)}
            self.sessions[sid] = session
            response.headers['Set-Cookie'] = ['%s=%s; path=/; HttpOnly' % (SESSION_COOKIE, sid),
                                              '%s=%s; path=/; HttpOnly' % (XSRF_COOKIE, session['xsrf'])]
        response.headers['x-csrf-token'] = session['token']

    # ---- OData: the generic part is emulator/odata.py; here the tenant's model and its navigations ----

    def model(self):
        """The three services as this tenant declares them (field definitions plus emulator-only changes and the
        host's tenant variants)."""
        changes = dict(self.state.get('metadata_changes') or {})
        if self.switch('max_length'):
            changes['max_length'] = dict(changes.get('max_length') or {}, **self.switch('max_length'))
        changes['drop'] = list(self.switch('metadata_drop', []))
        if self.switch('no_scenario_list'):
            changes['drop'].append('ca.CommunicationScenarios')
        return s4_fields.changed_services(changes, self.certificate_variant()['shape'])

    def entity_type(self, service, name):
        return self.model()[service]['types'][name]

    def payload(self, request, service, type_name, flag, extra=()):
        return check_payload(request, self.entity_type(service, type_name), flag, extra)

    def navigation(self, table, entity, nav):
        if table == 'systems':
            child = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
            return [self.render(child, c) for c in self.state[child].values() if c['CommunicationSystemUUID'] == entity['UUID']]
        value = entity.get(nav)
        if isinstance(value, list):
            return [self.render(None, v) for v in value]
        return self.render(None, value) if value else None

    def metadata(self, service):
        return metadata(self.model()[service], concurrency=self.etag_enforced(),
                        max_lengths=not self.switch('metadata_no_max_length'))

    def etag_enforced(self):
        return bool(self.state.get('enforce_etag') or self.switch('etag_required'))

    def offered_scenarios(self):
        offered = self.state.get('offered_scenarios', self.switch('offered_scenarios'))
        return sorted(SCENARIO_SERVICES) if offered is None else offered

    # ---- lookups ----

    def user_by_name(self, name):
        for user in self.state['users'].values():
            if user['Name'].upper() == (name or '').upper():
                return user
        return None

    def system_by_id(self, system_id):
        for system in self.state['systems'].values():
            if system['ID'] == system_id:
                return system
        return None

    def get(self, table, key, what):
        entity = self.state[table].get(key if table == 'users' else key.lower())
        if entity is None:
            raise self.missing(what)
        return entity

    def children(self, table, system_uuid):
        return [c for c in self.state[table].values() if c['CommunicationSystemUUID'] == system_uuid]

    # ---- communication users ----

    @route('GET', CU + '/?')
    def users_service(self, request):
        return self.service_document(['CommunicationUsers'])

    @route('GET', CU + r'/\$metadata')
    def users_metadata(self, request):
        return self.metadata('cu')

    @route('GET', CU + '/CommunicationUsers')
    def users_list(self, request):
        return self.collection(request, 'CommunicationUsers', 'users', list(self.state['users'].values()))

    @route('POST', CU + '/CommunicationUsers')
    def users_create(self, request):
        body = self.payload(request, 'cu', 'CommunicationUser', 'c')
        next_id = 'CC%010d' % (self.state['seq']['user'] + 1)
        if not body.get('Name'):
            raise v4_error(400, 'EMULATOR/REQUIRED', "Property 'Name' is required", 'Name')
        if self.user_by_name(body['Name']):
            raise v4_error(400, 'EMULATOR/DUPLICATE', 'User name %s is already used' % body['Name'], 'Name')
        if not body.get('Description'):
            raise v4_error(400, 'EMULATOR/DESCRIPTION', 'User %s must have a description' % next_id, 'Description')
        if body.get('Type') not in USER_TYPES:
            raise v4_error(400, 'EMULATOR/VALUE', "Type must be one of %s" % ', '.join(USER_TYPES), 'Type')
        self.check_password_policy(body.get('Password'))
        if not body.get('Password') and self.certificate_variant()['password_required']:
            raise v4_error(400, 'EMULATOR/PASSWORD_REQUIRED', 'A communication user needs a password', 'Password')
        user = self.put_user(body)
        return self.created(CU, "CommunicationUsers('%s')" % user['ID'], 'users', user)

    @staticmethod
    def check_password_policy(password):
        # The documented rule (SAP Help, How to Create Communication Users): at least 20 characters and a special character.
        if password is not None and (len(password) < 20 or not re.search(r'[^A-Za-z0-9]', password)):
            raise v4_error(400, 'EMULATOR/PASSWORD_POLICY', 'The password does not meet the password policy: at least '
                           '20 characters including a special character', 'Password')

    def put_user(self, fields):
        self.state['seq']['user'] += 1
        user = {'ID': 'CC%010d' % self.state['seq']['user'], 'Name': fields['Name'],
                'Type': fields.get('Type', 'customer_communication'), 'Description': fields.get('Description', ''),
                'IsLocked': False, 'LockStatus': 'not_locked',
                'PasswordStatus': 'productive' if fields.get('Password') else 'inactive', 'Password': fields.get('Password')}
        self.set_lock(user, fields.get('LockStatus', 'not_locked'))
        if fields.get('PasswordStatus'):
            user['PasswordStatus'] = fields['PasswordStatus']
        self.state['users'][user['ID']] = self.touch(user)
        return user

    @staticmethod
    def set_lock(user, status):
        user['LockStatus'] = status
        user['IsLocked'] = status != 'not_locked'
        if status == 'not_locked':
            user['_failures'] = 0

    @route('GET', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_read(self, request, key):
        return self.single(request, 'CommunicationUsers', 'users', self.get('users', key, "CommunicationUsers('%s')" % key))

    @route('PATCH', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_update(self, request, key):
        user = self.get('users', key, "CommunicationUsers('%s')" % key)
        self.check_etag(request, user)
        body = self.payload(request, 'cu', 'CommunicationUser', 'u')
        if 'Description' in body and not body['Description']:
            raise v4_error(400, 'EMULATOR/DESCRIPTION', 'User %s must have a description' % key, 'Description')
        if 'LockStatus' in body and body['LockStatus'] not in LOCK_STATUSES:
            raise v4_error(400, 'EMULATOR/VALUE', 'LockStatus must be one of %s' % ', '.join(LOCK_STATUSES), 'LockStatus')
        if 'Password' in body:
            if self.switch('password_patch_refused'):
                raise v4_error(400, 'EMULATOR/READ_ONLY', "Property 'Password' cannot be changed; create a new "
                               'communication user', 'Password')
            self.check_password_policy(body['Password'])
            user['Password'] = body['Password']
            user['PasswordStatus'] = 'productive'
        if 'LockStatus' in body:
            self.set_lock(user, body['LockStatus'])
        if 'Description' in body:
            user['Description'] = body['Description']
        self.touch(user)
        return self.updated(request, 'users', user)

    @route('DELETE', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_delete(self, request, key):
        user = self.get('users', key, "CommunicationUsers('%s')" % key)
        self.check_etag(request, user)
        for inbound in self.state['inbound_users'].values():
            if inbound.get('CommunicationUserID') == key:
                system = self.state['systems'][inbound['CommunicationSystemUUID']]
                raise v4_error(400, 'EMULATOR/IN_USE', 'Communication user %s is still an inbound user of communication '
                               'system %s' % (key, system['ID']))
        self.drop_certificates(key)
        del self.state['users'][key]
        return self.deleted()

    # ---- communication systems and their inbound/outbound users ----

    @route('GET', CS + '/?')
    def systems_service(self, request):
        return self.service_document(['CommunicationSystems', 'InboundUsers', 'OutboundUsers'])

    @route('GET', CS + r'/\$metadata')
    def systems_metadata(self, request):
        return self.metadata('cs')

    @route('GET', CS + '/CommunicationSystems')
    def systems_list(self, request):
        return self.collection(request, 'CommunicationSystems', 'systems', list(self.state['systems'].values()))

    @route('POST', CS + '/CommunicationSystems')
    def systems_create(self, request):
        body = self.payload(request, 'cs', 'CommunicationSystem', 'c', ('InboundUsers', 'OutboundUsers'))
        inline = body.pop('InboundUsers', None) if self.switch('deep_insert_accepted') else None
        if 'InboundUsers' in body:
            raise v4_error(400, 'CM_APS_CS/026', 'User ID or OAuth client ID is missing', 'InboundUsers')
        if 'OutboundUsers' in body:
            raise v4_error(400, 'EMULATOR/DEEP_INSERT', 'Create outbound users after the system (deep insert is not '
                           'emulated)', 'OutboundUsers')
        if not body.get('ID'):
            raise v4_error(400, 'EMULATOR/REQUIRED', "Property 'ID' is required", 'ID')
        if self.system_by_id(body['ID']):
            raise v4_error(400, 'EMULATOR/DUPLICATE', 'Communication system ID %s is already used' % body['ID'], 'ID')
        self.validate_system(body)
        for item in inline or []:
            self.validate_inbound(dict(item, CommunicationSystemUUID=''), None)
        system = self.put_system(body)
        for item in inline or []:
            self.put_inbound(dict(item, CommunicationSystemUUID=system['UUID']))
        return self.created(CS, 'CommunicationSystems(%s)' % system['UUID'], 'systems', system)

    @staticmethod
    def validate_system(system):
        if len(system.get('LogicalSystemID') or '') > 10:
            raise v4_error(400, 'EMULATOR/MAXLENGTH', "Value of property 'LogicalSystemID' exceeds MaxLength=10",
                           'LogicalSystemID')
        if not system.get('IsInboundOnly') and not system.get('HostName'):
            raise v4_error(400, 'CM_APS_CS/025', 'Host name is missing; enter a host name or mark the system as '
                           'inbound only', 'HostName')

    def put_system(self, fields):
        system = {'UUID': str(uuid.uuid4()), 'Type': 'customer_managed', 'Name': fields['ID'], 'Description': '',
                  'HostName': '', 'TCPPort': 443, 'LogicalSystemID': '', 'BusinessSystemID': '', 'IsInboundOnly': False}
        system.update(dict((k, v) for k, v in fields.items() if k in SYSTEM_FIELDS and k != 'UUID'))
        self.state['systems'][system['UUID']] = self.touch(system)
        return system

    @route('GET', CS + r'/CommunicationSystems\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_read(self, request, key):
        return self.single(request, 'CommunicationSystems', 'systems', self.get('systems', key, 'CommunicationSystems(%s)' % key))

    @route('PATCH', CS + r'/CommunicationSystems\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_update(self, request, key):
        system = self.get('systems', key, 'CommunicationSystems(%s)' % key)
        self.check_etag(request, system)
        body = self.payload(request, 'cs', 'CommunicationSystem', 'u')
        merged = dict(system, **body)
        self.validate_system(merged)
        system.update(body)
        self.touch(system)
        return self.updated(request, 'systems', system)

    @route('DELETE', CS + r'/CommunicationSystems\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_delete(self, request, key):
        system = self.get('systems', key, 'CommunicationSystems(%s)' % key)
        self.check_etag(request, system)
        used = sorted(a['Name'] for a in self.state['arrangements'].values() if a['CommunicationSystemID'] == system['ID'])
        if used:
            raise v4_error(400, 'EMULATOR/IN_USE', 'Communication system %s is used in communication arrangements %s'
                           % (system['ID'], ', '.join(used)))
        for table in ('inbound_users', 'outbound_users'):
            for child in self.children(table, system['UUID']):
                del self.state[table][child['UUID']]
        del self.state['systems'][system['UUID']]
        return self.deleted()

    @route('GET', CS + r'/CommunicationSystems\((?P<key>[0-9a-fA-F-]{36})\)/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_list(self, request, key, nav):
        system = self.get('systems', key, 'CommunicationSystems(%s)' % key)
        table = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
        return self.collection(request, nav, table, self.children(table, system['UUID']))

    @route('POST', CS + r'/CommunicationSystems\((?P<key>[0-9a-fA-F-]{36})\)/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_create(self, request, key, nav):
        system = self.get('systems', key, 'CommunicationSystems(%s)' % key)
        body = self.payload(request, 'cs', nav[:-1], 'c')
        body['CommunicationSystemUUID'] = system['UUID']
        return self.create_system_user(nav, body)

    @route('GET', CS + r'/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_all(self, request, nav):
        table = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
        return self.collection(request, nav, table, list(self.state[table].values()))

    @route('POST', CS + r'/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_post(self, request, nav):
        body = self.payload(request, 'cs', nav[:-1], 'c')
        if not self.state['systems'].get(str(body.get('CommunicationSystemUUID') or '').lower()):
            raise v4_error(400, 'EMULATOR/UNKNOWN_SYSTEM', 'Communication system UUID %s does not exist'
                           % body.get('CommunicationSystemUUID'), 'CommunicationSystemUUID')
        body['CommunicationSystemUUID'] = body['CommunicationSystemUUID'].lower()
        return self.create_system_user(nav, body)

    def create_system_user(self, nav, body):
        if nav == 'InboundUsers':
            self.validate_inbound(body, None)
            child = self.put_inbound(body)
            table = 'inbound_users'
        else:
            self.validate_outbound(body, None)
            child = self.put_outbound(body)
            table = 'outbound_users'
        return self.created(CS, '%s(%s)' % (nav, child['UUID']), table, child)

    def validate_inbound(self, inbound, own_uuid):
        if not inbound.get('CommunicationUserID') and not inbound.get('OAuth2ClientID'):
            raise v4_error(400, 'CM_APS_CS/026', 'User ID or OAuth client ID is missing', 'CommunicationUserID')
        if inbound.get('CommunicationUserID') and inbound['CommunicationUserID'] not in self.state['users']:
            raise v4_error(400, 'EMULATOR/UNKNOWN_USER', 'Communication user %s does not exist'
                           % inbound['CommunicationUserID'], 'CommunicationUserID')
        if inbound.get('AuthenticationMethod', 'basic') not in AUTH_METHODS:
            raise v4_error(400, 'EMULATOR/VALUE', 'AuthenticationMethod must be one of %s' % ', '.join(AUTH_METHODS),
                           'AuthenticationMethod')
        for other in self.children('inbound_users', inbound['CommunicationSystemUUID']):
            if other['UUID'] != own_uuid and other.get('CommunicationUserID') == inbound.get('CommunicationUserID') \
                    and other.get('AuthenticationMethod') == inbound.get('AuthenticationMethod', 'basic'):
                raise v4_error(400, 'EMULATOR/DUPLICATE', 'User %s is already used as inbound user of this system'
                               % inbound.get('CommunicationUserID'), 'CommunicationUserID')

    def put_inbound(self, fields):
        inbound = {'UUID': str(uuid.uuid4()), 'AuthenticationMethod': 'basic', 'OAuth2ClientID': ''}
        inbound.update(fields)
        self.state['inbound_users'][inbound['UUID']] = self.touch(inbound)
        return inbound

    def validate_outbound(self, outbound, own_uuid):
        if outbound.get('AuthenticationMethod', 'basic') not in AUTH_METHODS:
            raise v4_error(400, 'EMULATOR/VALUE', 'AuthenticationMethod must be one of %s' % ', '.join(AUTH_METHODS),
                           'AuthenticationMethod')
        if outbound.get('AuthenticationMethod', 'basic') == 'basic':
            if not outbound.get('Name'):
                raise v4_error(400, 'EMULATOR/REQUIRED', 'A basic outbound user needs a Name', 'Name')
            # Real tenants accept the user and fail the arrangement instead (CM_APS_CA/100).
            if not outbound.get('Password'):
                raise v4_error(400, 'CM_APS_CA/100', 'Password missing for outbound user %s' % outbound['Name'], 'Password')
        for other in self.children('outbound_users', outbound['CommunicationSystemUUID']):
            if other['UUID'] != own_uuid and outbound.get('Name') and other.get('Name') == outbound['Name']:
                raise v4_error(400, 'EMULATOR/DUPLICATE', 'Outbound user %s is already used in this system'
                               % outbound['Name'], 'Name')

    def put_outbound(self, fields):
        outbound = {'UUID': str(uuid.uuid4()), 'AuthenticationMethod': 'basic', 'Name': '', 'OAuth2ClientID': '',
                    'OAuth2ClientAuthenticationMethod': '', 'CertificateID': ''}
        outbound.update(fields)
        self.state['outbound_users'][outbound['UUID']] = self.touch(outbound)
        return outbound

    @route('GET', CS + r'/(?P<nav>InboundUsers|OutboundUsers)\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_user_read(self, request, nav, key):
        table = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
        return self.single(request, nav, table, self.get(table, key, '%s(%s)' % (nav, key)))

    @route('PATCH', CS + r'/(?P<nav>InboundUsers|OutboundUsers)\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_user_update(self, request, nav, key):
        table = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
        child = self.get(table, key, '%s(%s)' % (nav, key))
        self.check_etag(request, child)
        body = self.payload(request, 'cs', nav[:-1], 'u')
        merged = dict(child, **body)
        if nav == 'InboundUsers':
            self.validate_inbound(merged, key.lower())
        else:
            self.validate_outbound(merged, key.lower())
        child.update(body)
        self.touch(child)
        return self.updated(request, table, child)

    @route('DELETE', CS + r'/(?P<nav>InboundUsers|OutboundUsers)\((?P<key>[0-9a-fA-F-]{36})\)')
    def system_user_delete(self, request, nav, key):
        table = 'inbound_users' if nav == 'InboundUsers' else 'outbound_users'
        child = self.get(table, key, '%s(%s)' % (nav, key))
        self.check_etag(request, child)
        binding = 'InboundUser' if nav == 'InboundUsers' else 'OutboundUser'
        field = 'CommunicationSystem%sUUID' % binding
        used = sorted(a['Name'] for a in self.state['arrangements'].values() if (a.get(binding) or {}).get(field) == child['UUID'])
        if used:
            raise v4_error(400, 'EMULATOR/IN_USE', 'The user is still assigned to communication arrangements %s' % ', '.join(used))
        del self.state[table][child['UUID']]
        return self.deleted()

    # ---- communication arrangements ----

    @route('GET', CA + '/?')
    def arrangements_service(self, request):
        return self.service_document(['CommunicationArrangements', 'CommunicationScenarios'])

    @route('GET', CA + r'/\$metadata')
    def arrangements_metadata(self, request):
        return self.metadata('ca')

    @route('GET', CA + '/CommunicationScenarios')
    def scenarios_list(self, request):
        if self.switch('no_scenario_list'):
            return self.not_found(request)
        rows = [{'CommunicationScenarioID': s} for s in self.offered_scenarios()]
        return self.collection(request, 'CommunicationScenarios', 'scenarios', rows)

    @route('GET', CA + '/CommunicationArrangements')
    def arrangements_list(self, request):
        return self.collection(request, 'CommunicationArrangements', 'arrangements', list(self.state['arrangements'].values()))

    @route('POST', CA + '/CommunicationArrangements')
    def arrangements_create(self, request):
        body = self.payload(request, 'ca', 'CommunicationArrangement', 'c', ARRANGEMENT_NAVS)
        scenario = body.get('CommunicationScenarioID') or ''
        if not SCENARIO_ID.match(scenario) or scenario not in self.offered_scenarios():
            raise v4_error(400, 'EMULATOR/VALUE', 'Communication scenario %r is not valid' % scenario, 'CommunicationScenarioID')
        system = self.system_by_id(body.get('CommunicationSystemID'))
        if system is None:
            raise v4_error(400, 'EMULATOR/UNKNOWN_SYSTEM', 'Communication system %s does not exist'
                           % body.get('CommunicationSystemID'), 'CommunicationSystemID')
        name = body.get('Name') or scenario
        for other in self.state['arrangements'].values():
            # One arrangement per scenario and system, which covers the single-instance IPS scenarios
            # (SAP_COM_0093/0193/0066/0465/0008); the exact rule and error are UNCONFIRMED.
            if other['CommunicationScenarioID'] == scenario and other['CommunicationSystemID'] == system['ID']:
                raise v4_error(400, 'EMULATOR/SCENARIO_USED', 'Communication scenario %s is already used with '
                               'communication system %s (arrangement %s)' % (scenario, system['ID'], other['Name']))
            if other['Name'] == name:
                raise v4_error(400, 'EMULATOR/DUPLICATE', 'Communication arrangement name %s is already used' % name, 'Name')
        self.check_binding(system, 'InboundUser', body.get('InboundUser'))
        self.check_binding(system, 'OutboundUser', body.get('OutboundUser'))
        required = self.switch('outbound_user_required', self.config.get('outbound_user_required', OUTBOUND_USER_REQUIRED))
        if scenario in self.switch('outbound_user_refused', []) and body.get('OutboundUser'):
            raise v4_error(400, 'EMULATOR/OUTBOUND_USER', 'Communication scenario %s has no outbound communication; '
                           'remove the outbound user' % scenario, 'OutboundUser')
        if scenario in required and not (body.get('OutboundUser') or {}).get('CommunicationSystemOutboundUserUUID'):
            raise v4_error(400, 'CM_APS_CA/027', 'Communication system %s has no suitable outbound user for scenario %s'
                           % (system['ID'], scenario), 'OutboundUser')
        self.check_items(body)
        arrangement = self.put_arrangement(dict(body, Name=name, CommunicationSystemID=system['ID']))
        return self.created(CA, 'CommunicationArrangements(%s)' % arrangement['UUID'], 'arrangements', arrangement, ARRANGEMENT_NAVS)

    def check_binding(self, system, binding, value):
        if value is None:
            return
        field = 'CommunicationSystem%sUUID' % binding
        table = 'inbound_users' if binding == 'InboundUser' else 'outbound_users'
        if not isinstance(value, dict) or set(value) - {field}:
            raise v4_error(400, 'EMULATOR/PROPERTY', '%s takes only %s' % (binding, field), binding)
        child = self.state[table].get(str(value.get(field) or '').lower())
        if child is None or child['CommunicationSystemUUID'] != system['UUID']:
            raise v4_error(400, 'EMULATOR/USER_NOT_IN_SYSTEM', '%s %s is not a user of communication system %s'
                           % (binding, value.get(field), system['ID']), binding)

    def check_items(self, body):
        types = self.model()['ca']['types']
        for nav, key in (('InboundServices', 'ID'), ('OutboundServices', 'ID'), ('Properties', 'Name')):
            items = body.get(nav, [])
            if nav in body and nav not in self.navs['arrangements']:
                raise v4_error(400, 'EMULATOR/PROPERTY', "Property '%s' is unknown or not writable here" % nav, nav)
            if not isinstance(items, list) or not all(isinstance(i, dict) and i.get(key) for i in items):
                raise v4_error(400, 'EMULATOR/PROPERTY', '%s must be a list of objects with %s' % (nav, key), nav)
            undeclared = sorted(set(k for i in items for k in i) - set(types[ARRANGEMENT['navs'][nav][0]]['fields']))
            if undeclared:  # a tenant variant that does not declare the item's properties does not take them
                raise v4_error(400, 'EMULATOR/PROPERTY', "Property '%s' of %s is unknown" % (undeclared[0], nav), nav)
            if nav != 'Properties' and any(i.get('Status', 'active') not in SERVICE_STATUSES for i in items):
                raise v4_error(400, 'EMULATOR/VALUE', '%s Status must be active or inactive' % nav, nav)

    def put_arrangement(self, fields):
        key = str(uuid.uuid4())
        arrangement = {'UUID': key, 'CommunicationScenarioID': fields['CommunicationScenarioID'],
                       'CommunicationSystemID': fields['CommunicationSystemID'], 'Name': fields['Name'],
                       'Description': fields.get('Description', ''), 'CreatedAt': now(),
                       'InboundUser': None, 'OutboundUser': None, 'InboundServices': [], 'OutboundServices': [], 'Properties': []}
        for binding in ('InboundUser', 'OutboundUser'):
            if fields.get(binding):
                arrangement[binding] = self.bind(key, binding, fields[binding])
        self.merge_items(arrangement, fields)
        self.state['arrangements'][key] = self.touch(arrangement)
        return arrangement

    def bind(self, arrangement_uuid, binding, value):
        field = 'CommunicationSystem%sUUID' % binding
        return {'_etag': self.new_etag(), 'CommunicationArrangementUUID': arrangement_uuid, field: str(value[field]).lower()}

    @staticmethod
    def merge_items(arrangement, fields):
        """Deep insert/update of services and properties: listed items are added or replaced by key."""
        for nav, key in (('InboundServices', 'ID'), ('OutboundServices', 'ID'), ('Properties', 'Name')):
            for item in fields.get(nav) or []:
                item = dict(item)
                if nav != 'Properties':
                    item.setdefault('Status', 'active')
                items = arrangement[nav]
                index = next((i for i, old in enumerate(items) if old[key] == item[key]), None)
                if index is None:
                    items.append(item)
                else:
                    items[index] = dict(items[index], **item)

    def arrangement(self, key):
        return self.get('arrangements', key, 'CommunicationArrangements(%s)' % key)

    @route('GET', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)')
    def arrangement_read(self, request, key):
        return self.single(request, 'CommunicationArrangements', 'arrangements', self.arrangement(key))

    @route('PATCH', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)')
    def arrangement_update(self, request, key):
        arrangement = self.arrangement(key)
        self.check_etag(request, arrangement)
        body = self.payload(request, 'ca', 'CommunicationArrangement', 'u', ('InboundServices', 'OutboundServices', 'Properties'))
        self.check_items(body)
        if body.get('Name') and body['Name'] != arrangement['Name'] and \
                any(a['Name'] == body['Name'] for a in self.state['arrangements'].values()):
            raise v4_error(400, 'EMULATOR/DUPLICATE', 'Communication arrangement name %s is already used' % body['Name'], 'Name')
        for field in ('Name', 'Description'):
            if field in body:
                arrangement[field] = body[field]
        self.merge_items(arrangement, body)
        self.touch(arrangement)
        return self.updated(request, 'arrangements', arrangement)

    @route('DELETE', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)')
    def arrangement_delete(self, request, key):
        arrangement = self.arrangement(key)
        self.check_etag(request, arrangement)
        del self.state['arrangements'][arrangement['UUID']]
        return self.deleted()

    @route('GET', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)/(?P<nav>%s)' % '|'.join(ARRANGEMENT_NAVS))
    def arrangement_nav_read(self, request, key, nav):
        value = self.arrangement(key).get(nav)
        if isinstance(value, list):
            return json_response(200, {'@odata.context': '$metadata#%s' % nav, 'value': [self.render(None, v) for v in value]})
        if not value:
            raise self.missing('CommunicationArrangements(%s)/%s' % (key, nav))
        return json_response(200, self.render(None, value), {'OData-Version': '4.0', 'ETag': value['_etag']})

    @route('PATCH', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)/(?P<nav>InboundUser|OutboundUser)')
    def arrangement_binding_update(self, request, key, nav):
        arrangement = self.arrangement(key)
        if not arrangement.get(nav):
            raise self.missing('CommunicationArrangements(%s)/%s' % (key, nav))
        self.check_etag(request, arrangement[nav])
        body = self.payload(request, 'ca', nav + 'Binding', 'u')
        self.check_binding(self.system_by_id(arrangement['CommunicationSystemID']), nav, body)
        arrangement[nav] = self.bind(key, nav, body)
        self.touch(arrangement)
        return self.updated(request, None, arrangement[nav])

    @route('POST', CA + r'/CommunicationArrangements\((?P<key>[0-9a-fA-F-]{36})\)/(?P<nav>InboundUser|OutboundUser)')
    def arrangement_binding_create(self, request, key, nav):
        arrangement = self.arrangement(key)
        if arrangement.get(nav):
            raise v4_error(400, 'EMULATOR/DUPLICATE', 'The arrangement already has an %s; change it with PATCH' % nav, nav)
        body = self.payload(request, 'ca', nav + 'Binding', 'u')
        self.check_binding(self.system_by_id(arrangement['CommunicationSystemID']), nav, body)
        arrangement[nav] = self.bind(key, nav, body)
        self.touch(arrangement)
        return self.created(CA, 'CommunicationArrangements(%s)/%s' % (key, nav), None, arrangement[nav])

    # ---- emulator-only: seeding manual prerequisites and service faults ----

    def seed(self, data):
        """Create users, systems and arrangements directly, as an admin does by hand in the Fiori apps.

        data: {'users': [{Name, Password?, Description?, LockStatus?, PasswordStatus?, certificates?: [PEM]}],
               'systems': [{ID, <system fields>..., 'InboundUsers': [{'user': <user Name>, 'AuthenticationMethod'?}],
                            'OutboundUsers': [{Name, Password?, AuthenticationMethod?}]}],
               'arrangements': [{CommunicationScenarioID, CommunicationSystemID, Name?, 'inbound_user': <user Name>,
                                 'outbound_user': <outbound user Name>}]}
        Objects that exist already (same user Name, system ID, scenario and system) are kept, so seeding twice is
        harmless. Returns the generated keys.
        """
        if not isinstance(data, dict):
            raise HttpError(json_response(400, {'error': 'seed data must be an object'}))
        self.caller = None
        out = {'users': {}, 'systems': {}, 'arrangements': {}}
        for fields in data.get('users', []):
            user = self.user_by_name(fields['Name'])
            if user is None:
                user = self.put_user(fields)
            else:
                user.update(dict((k, v) for k, v in fields.items() if k in ('Password', 'Description', 'PasswordStatus')))
                if 'LockStatus' in fields:
                    self.set_lock(user, fields['LockStatus'])
                self.touch(user)
            for text in fields.get('certificates', []):
                self.seed_certificate(user['ID'], text)
            out['users'][user['Name']] = user['ID']
        for fields in data.get('systems', []):
            system = self.system_by_id(fields['ID']) or self.put_system(fields)
            for spec in fields.get('InboundUsers', []):
                user_id = self.user_by_name(spec['user'])['ID']
                method = spec.get('AuthenticationMethod', 'basic')
                if not any(i['CommunicationUserID'] == user_id and i['AuthenticationMethod'] == method
                           for i in self.children('inbound_users', system['UUID'])):
                    self.put_inbound({'CommunicationSystemUUID': system['UUID'], 'CommunicationUserID': user_id,
                                      'AuthenticationMethod': method})
            for spec in fields.get('OutboundUsers', []):
                if not any(o['Name'] == spec['Name'] for o in self.children('outbound_users', system['UUID'])):
                    self.put_outbound(dict(spec, CommunicationSystemUUID=system['UUID']))
            out['systems'][system['ID']] = system['UUID']
        for fields in data.get('arrangements', []):
            out['arrangements'][fields.get('Name') or fields['CommunicationScenarioID']] = self.seed_arrangement(fields)['UUID']
        business = self.seed_business(data)  # workers and business roles (s4_business.py)
        if business:
            out['business'] = business
        return out

    def seed_arrangement(self, fields):
        system = self.system_by_id(fields['CommunicationSystemID'])
        for arrangement in self.state['arrangements'].values():
            if arrangement['CommunicationScenarioID'] == fields['CommunicationScenarioID'] and \
                    arrangement['CommunicationSystemID'] == system['ID']:
                return arrangement
        body = dict((k, v) for k, v in fields.items() if k in ARRANGEMENT_FIELDS)
        body.setdefault('Name', fields['CommunicationScenarioID'])
        if fields.get('inbound_user'):
            user_id = self.user_by_name(fields['inbound_user'])['ID']
            inbound = next(i for i in self.children('inbound_users', system['UUID']) if i['CommunicationUserID'] == user_id)
            body['InboundUser'] = {'CommunicationSystemInboundUserUUID': inbound['UUID']}
        if fields.get('outbound_user'):
            outbound = next(o for o in self.children('outbound_users', system['UUID']) if o['Name'] == fields['outbound_user'])
            body['OutboundUser'] = {'CommunicationSystemOutboundUserUUID': outbound['UUID']}
        return self.put_arrangement(body)

    def demo_seed(self):
        """The hand-made SAP_COM_0A48 bootstrap (user, inbound-only system, arrangement), plus the
        workers and business roles HR and the admin maintain (s4_business.py)."""
        admin = DEMO['s4_admin_user']
        return dict(self.demo_business(), **{
            'users': [{'Name': admin, 'Password': DEMO['s4_admin_password'], 'Type': 'customer_communication',
                       'Description': 'Communication management (SAP_COM_0A48), created by hand'}],
            'systems': [{'ID': 'COMM_MGMT_AUTOMATION', 'Name': 'Communication management automation',
                         'IsInboundOnly': True, 'InboundUsers': [{'user': admin, 'AuthenticationMethod': 'basic'}]}],
            'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0A48', 'CommunicationSystemID': 'COMM_MGMT_AUTOMATION',
                              'Name': 'SAP_COM_0A48_AUTOMATION', 'inbound_user': admin}],
        })

    def inject(self, action, params):
        if action == 'csrf_expire':
            self.sessions.clear()
            return True
        if action == 'stale_etags':
            for table in ('users', 'systems', 'inbound_users', 'outbound_users', 'arrangements'):
                for entity in self.state[table].values():
                    entity['_etag'] = self.new_etag()
                    for binding in ('InboundUser', 'OutboundUser'):
                        if entity.get(binding):
                            entity[binding]['_etag'] = self.new_etag()
            self.save()
            return True
        if action == 'metadata':
            # Make this tenant differ from the collection's expectations: {rename: {'Type.Property': 'New'},
            # max_length: {'Type.Property': n}, offered_scenarios: [...]}; reset restores the defaults.
            changes = dict((k, params[k]) for k in ('rename', 'max_length') if params.get(k))
            s4_fields.changed_services(changes)  # a wrong path fails here, before it is kept
            self.state['metadata_changes'] = changes
            if 'offered_scenarios' in params:
                self.state['offered_scenarios'] = list(params['offered_scenarios'])
            self.save()
            return True
        if action == 'certificates':
            # Tenant variants of the unconfirmed certificate facts (s4_certificates.py).
            self.set_certificate_variant(params)
            return True
        if action == 'enforce_etag':
            self.state['enforce_etag'] = bool(params.get('enabled', True))
            self.save()
            return True
        return False
