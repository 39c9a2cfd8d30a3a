"""The state and rules of an emulated S/4HANA Cloud tenant: communication management (scenario SAP_COM_0A48),
logon, lockout and scenario-based authorization. No HTTP: the routes (routes.py) parse requests and shape answers.

Communication users, systems with their inbound and outbound users, and arrangements, each with an ETag; what a
write checks and what it changes; which services a logged-on user may call. Tenant variants (variants.py) switch
rules here. The provenance of every rule is listed in tests/emulator/README.md.
"""

import datetime
import re
import uuid

from emulator.demo import DEMO
from emulator.model import Model, Refused
from emulator.services.s4 import fields
from emulator.services.s4.business_model import BusinessModel
from emulator.services.s4.certificate_model import CertificateModel
from emulator.services.s4.paths import BUSINESS_USER_SOAP, CA, CS, CU

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
MAX_FAILED_LOGONS = 3

USER_TYPES = ('customer_communication', 'provider_communication')
LOCK_STATUSES = ('not_locked', 'locked_global_by_admin', 'locked_local_by_admin', 'locked_by_system')
AUTH_METHODS = ('x509', 'basic', 'none', 'oauth2', 'oauth2_mtls', 'sso2', 'oauth1')
SERVICE_STATUSES = ('active', 'inactive')
SCENARIO_ID = re.compile(r'^(SAP_COM_[A-Z0-9_]+|YY1_[A-Za-z0-9_]+)$')

ARRANGEMENT = fields.ARRANGEMENT
ARRANGEMENT_NAVS = tuple(ARRANGEMENT['navs'])
ITEM_NAVS = (('InboundServices', 'ID'), ('OutboundServices', 'ID'), ('Properties', 'Name'))
# Seeding writes these directly, as an admin does in the Fiori apps.
SYSTEM_FIELDS = set(fields.SYSTEM['fields']) - {'UUID', 'ChangedAt', 'ChangedBy'}
ARRANGEMENT_FIELDS = {'CommunicationScenarioID', 'CommunicationSystemID', 'Name', 'Description'} | set(ARRANGEMENT_NAVS)
# Navigation properties per table; they appear only when $expand names them.
NAVS = {'users': (), 'certificates': (), 'systems': ('InboundUsers', 'OutboundUsers'), 'inbound_users': (),
        'outbound_users': (), 'arrangements': ARRANGEMENT_NAVS}
SYSTEM_USER_TABLES = {'InboundUsers': 'inbound_users', 'OutboundUsers': 'outbound_users'}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def invalid(code, message, target=None):
    return Refused(400, message, code, target)


def missing(what):
    return Refused(404, 'The requested entity %s does not exist' % what, 'EMULATOR/NOT_FOUND')


class S4Model(CertificateModel, BusinessModel, Model):
    """One S/4HANA Cloud tenant. `caller` is the communication user of the request (ChangedBy of its writes)."""

    def __init__(self, config=None, switches=None, save=None):
        self.caller = None
        self.auth_method = 'basic'
        super().__init__(config, switches, save)

    def initial_state(self):
        return {'users': {}, 'certificates': {}, 'systems': {}, 'inbound_users': {}, 'outbound_users': {},
                'arrangements': {}, 'seq': {'user': 0, 'etag': 0},
                'enforce_etag': bool(self.config.get('enforce_etag', False))}

    # ---- ETags and change stamps ----

    def new_etag(self):
        self.state['seq']['etag'] += 1
        return 'W/"%d"' % self.state['seq']['etag']

    def touch(self, entity):
        entity['_etag'] = self.new_etag()
        entity['ChangedAt'] = now()
        entity['ChangedBy'] = self.caller['ID'] if self.caller else ''
        return entity

    def etag_enforced(self):
        return bool(self.state.get('enforce_etag') or self.switch('etag_required'))

    def check_etag(self, entity, if_match):
        """If-Match only while enforcement is on (428 missing, 412 stale)."""
        if not self.etag_enforced():
            return
        if not if_match:
            raise Refused(428, 'Precondition required: send If-Match with the entity ETag', 'EMULATOR/ETAG_REQUIRED')
        if if_match.strip() != '*' and if_match.strip() != entity.get('_etag'):
            raise Refused(412, 'State of entity was already changed (stale If-Match %s)' % if_match,
                          'EMULATOR/ETAG_STALE')

    def refuse_delete(self):
        """Variant delete_refused: communication management objects are deleted in the Fiori apps only."""
        if self.switch('delete_refused'):
            raise Refused(405, 'Deletion is not supported for this entity; use the Fiori app',
                          'EMULATOR/DELETE_REFUSED')

    # ---- how the tenant answers where a tenant variant changes it (the routes shape the answer) ----

    def required_client(self):
        """The sap-client every request must name (variant s4_sap_client_required), or None."""
        return self.switch('sap_client_required')

    def soap_path(self):
        """The only ICF path the SOAP services are served under (variant s4_soap_scs_only), or None for both."""
        return self.switch('soap_endpoint')

    def logon_page_status(self):
        """The status of the logon page after a failed logon (variant s4_logon_page_200)."""
        return self.switch('logon_page_status', 401)

    def unbound_user_forbidden(self):
        """Whether a user bound to no arrangement gets a 403 instead of the logon page (variant s4_unbound_user_403)."""
        return self.switch('unbound_status') == 403

    def csrf_token_per_write(self):
        """Whether a CSRF token is good for one write only (variant s4_csrf_every_write)."""
        return bool(self.switch('csrf_expire_after_write'))

    def declares_max_lengths(self):
        """Whether $metadata declares MaxLength (variant s4_no_max_length: not, though writes are still limited)."""
        return not self.switch('metadata_no_max_length')

    # ---- logon and authorization ----

    def logon(self, credentials, client_cert):
        """The communication user of Basic credentials (user, password), or else of a client certificate (mutual
        TLS) uploaded to a user, for x509 inbound users; None when the logon fails. 3 wrong passwords in a row
        lock the user."""
        self.auth_method = 'basic'
        self.caller = None
        if credentials is None and client_cert:
            self.auth_method = 'x509'
            user = self.user_by_certificate(client_cert)
            if user is None or user['LockStatus'] != 'not_locked':
                return None
            self.caller = user
            return user
        user = self.user_by_name(credentials[0]) if credentials else None
        if user is None or user['LockStatus'] != 'not_locked':
            return None
        if credentials[1] != user.get('Password'):
            user['_failures'] = user.get('_failures', 0) + 1
            if user['_failures'] >= MAX_FAILED_LOGONS:
                user['LockStatus'] = 'locked_by_system'
                user['IsLocked'] = True
            self.save()
            return None
        if user.get('_failures'):
            user['_failures'] = 0
            self.save()
        self.caller = user
        return user

    def bound_scenarios(self, user):
        """The scenarios of the arrangements whose inbound user is this user with the method it logged on with
        (basic: user and password, x509: client certificate)."""
        bindings = set(key for key, inbound in self.state['inbound_users'].items()
                       if inbound.get('CommunicationUserID') == user['ID']
                       and inbound.get('AuthenticationMethod') == self.auth_method)
        return set(a['CommunicationScenarioID'] for a in self.state['arrangements'].values()
                   if (a.get('InboundUser') or {}).get('CommunicationSystemInboundUserUUID') in bindings)

    def granted(self, user, path):
        """Whether an arrangement of the user grants the service at path."""
        prefixes = [prefix for scenario in sorted(self.bound_scenarios(user))
                    for prefix in SCENARIO_SERVICES.get(scenario, [])]
        return any(path == prefix or path.startswith(prefix + '/') for prefix in prefixes)

    # ---- what the tenant declares ----

    def services(self):
        """The three services as this tenant declares them (field definitions plus emulator-only changes and the
        host's tenant variants)."""
        changes = dict(self.state.get('metadata_changes') or {})
        if self.switch('max_length'):
            changes['max_length'] = dict(changes.get('max_length') or {}, **self.switch('max_length'))
        changes['drop'] = list(self.switch('metadata_drop', []))
        if self.switch('no_scenario_list'):
            changes['drop'].append('ca.CommunicationScenarios')
        return fields.changed_services(changes, self.certificate_variant()['shape'])

    def entity_type(self, service, name):
        return self.services()[service]['types'][name]

    def navs(self):
        """Navigations per table, without those a tenant variant leaves out of $metadata."""
        dropped = set(p.split('.', 1)[1] for p in self.switch('metadata_drop', [])
                      if p.startswith('CommunicationArrangement.'))
        return dict(NAVS, arrangements=tuple(n for n in ARRANGEMENT_NAVS if n not in dropped))

    def offered_scenarios(self):
        offered = self.state.get('offered_scenarios', self.switch('offered_scenarios'))
        return sorted(SCENARIO_SERVICES) if offered is None else offered

    def scenario_list(self):
        """The scenario value help, or None on a tenant without one (variant no_scenario_list)."""
        if self.switch('no_scenario_list'):
            return None
        return [{'CommunicationScenarioID': s} for s in self.offered_scenarios()]

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
            raise missing(what)
        return entity

    def children(self, table, system_uuid):
        return [c for c in self.state[table].values() if c['CommunicationSystemUUID'] == system_uuid]

    def user(self, key):
        return self.get('users', key, "CommunicationUsers('%s')" % key)

    def system(self, key):
        return self.get('systems', key, 'CommunicationSystems(%s)' % key)

    def system_user(self, nav, key):
        return self.get(SYSTEM_USER_TABLES[nav], key, '%s(%s)' % (nav, key))

    def arrangement(self, key):
        return self.get('arrangements', key, 'CommunicationArrangements(%s)' % key)

    # ---- communication users ----

    def create_user(self, body):
        next_id = 'CC%010d' % (self.state['seq']['user'] + 1)
        if not body.get('Name'):
            raise invalid('EMULATOR/REQUIRED', "Property 'Name' is required", 'Name')
        if self.user_by_name(body['Name']):
            raise invalid('EMULATOR/DUPLICATE', 'User name %s is already used' % body['Name'], 'Name')
        if not body.get('Description'):
            raise invalid('EMULATOR/DESCRIPTION', 'User %s must have a description' % next_id, 'Description')
        if body.get('Type') not in USER_TYPES:
            raise invalid('EMULATOR/VALUE', "Type must be one of %s" % ', '.join(USER_TYPES), 'Type')
        self.check_password_policy(body.get('Password'))
        if not body.get('Password') and self.certificate_variant()['password_required']:
            raise invalid('EMULATOR/PASSWORD_REQUIRED', 'A communication user needs a password', 'Password')
        return self.put_user(body)

    @staticmethod
    def check_password_policy(password):
        # The documented rule (SAP Help, How to Create Communication Users): at least 20 characters and a special
        # character.
        if password is not None and (len(password) < 20 or not re.search(r'[^A-Za-z0-9]', password)):
            raise invalid('EMULATOR/PASSWORD_POLICY', 'The password does not meet the password policy: at least '
                          '20 characters including a special character', 'Password')

    def put_user(self, fields_):
        self.state['seq']['user'] += 1
        user = {'ID': 'CC%010d' % self.state['seq']['user'], 'Name': fields_['Name'],
                'Type': fields_.get('Type', 'customer_communication'), 'Description': fields_.get('Description', ''),
                'IsLocked': False, 'LockStatus': 'not_locked',
                'PasswordStatus': 'productive' if fields_.get('Password') else 'inactive',
                'Password': fields_.get('Password')}
        self.set_lock(user, fields_.get('LockStatus', 'not_locked'))
        if fields_.get('PasswordStatus'):
            user['PasswordStatus'] = fields_['PasswordStatus']
        self.state['users'][user['ID']] = self.touch(user)
        return user

    @staticmethod
    def set_lock(user, status):
        user['LockStatus'] = status
        user['IsLocked'] = status != 'not_locked'
        if status == 'not_locked':
            user['_failures'] = 0

    def update_user(self, user, body):
        if 'Description' in body and not body['Description']:
            raise invalid('EMULATOR/DESCRIPTION', 'User %s must have a description' % user['ID'], 'Description')
        if 'LockStatus' in body and body['LockStatus'] not in LOCK_STATUSES:
            raise invalid('EMULATOR/VALUE', 'LockStatus must be one of %s' % ', '.join(LOCK_STATUSES), 'LockStatus')
        if 'Password' in body:
            if self.switch('password_patch_refused'):
                raise invalid('EMULATOR/READ_ONLY', "Property 'Password' cannot be changed; create a new "
                              'communication user', 'Password')
            self.check_password_policy(body['Password'])
            user['Password'] = body['Password']
            user['PasswordStatus'] = 'productive'
        if 'LockStatus' in body:
            self.set_lock(user, body['LockStatus'])
        if 'Description' in body:
            user['Description'] = body['Description']
        self.touch(user)

    def delete_user(self, user):
        for inbound in self.state['inbound_users'].values():
            if inbound.get('CommunicationUserID') == user['ID']:
                system = self.state['systems'][inbound['CommunicationSystemUUID']]
                raise invalid('EMULATOR/IN_USE', 'Communication user %s is still an inbound user of communication '
                              'system %s' % (user['ID'], system['ID']))
        self.drop_certificates(user['ID'])
        del self.state['users'][user['ID']]

    # ---- communication systems and their inbound/outbound users ----

    def create_system(self, body):
        inline = body.pop('InboundUsers', None) if self.switch('deep_insert_accepted') else None
        if 'InboundUsers' in body:
            raise invalid('CM_APS_CS/026', 'User ID or OAuth client ID is missing', 'InboundUsers')
        if 'OutboundUsers' in body:
            raise invalid('EMULATOR/DEEP_INSERT', 'Create outbound users after the system (deep insert is not '
                          'emulated)', 'OutboundUsers')
        if not body.get('ID'):
            raise invalid('EMULATOR/REQUIRED', "Property 'ID' is required", 'ID')
        if self.system_by_id(body['ID']):
            raise invalid('EMULATOR/DUPLICATE', 'Communication system ID %s is already used' % body['ID'], 'ID')
        self.validate_system(body)
        for item in inline or []:
            self.validate_inbound(dict(item, CommunicationSystemUUID=''), None)
        system = self.put_system(body)
        for item in inline or []:
            self.put_inbound(dict(item, CommunicationSystemUUID=system['UUID']))
        return system

    @staticmethod
    def validate_system(system):
        if len(system.get('LogicalSystemID') or '') > 10:
            raise invalid('EMULATOR/MAXLENGTH', "Value of property 'LogicalSystemID' exceeds MaxLength=10",
                          'LogicalSystemID')
        if not system.get('IsInboundOnly') and not system.get('HostName'):
            raise invalid('CM_APS_CS/025', 'Host name is missing; enter a host name or mark the system as '
                          'inbound only', 'HostName')

    def put_system(self, fields_):
        system = {'UUID': str(uuid.uuid4()), 'Type': 'customer_managed', 'Name': fields_['ID'], 'Description': '',
                  'HostName': '', 'TCPPort': 443, 'LogicalSystemID': '', 'BusinessSystemID': '', 'IsInboundOnly': False}
        system.update(dict((k, v) for k, v in fields_.items() if k in SYSTEM_FIELDS and k != 'UUID'))
        self.state['systems'][system['UUID']] = self.touch(system)
        return system

    def update_system(self, system, body):
        self.validate_system(dict(system, **body))
        system.update(body)
        self.touch(system)

    def delete_system(self, system):
        used = sorted(a['Name'] for a in self.state['arrangements'].values()
                      if a['CommunicationSystemID'] == system['ID'])
        if used:
            raise invalid('EMULATOR/IN_USE', 'Communication system %s is used in communication arrangements %s'
                          % (system['ID'], ', '.join(used)))
        for table in ('inbound_users', 'outbound_users'):
            for child in self.children(table, system['UUID']):
                del self.state[table][child['UUID']]
        del self.state['systems'][system['UUID']]

    def create_system_user(self, nav, body, system_given=True):
        """An inbound or outbound user; body names its system (checked here unless the path named it)."""
        if not system_given:
            if not self.state['systems'].get(str(body.get('CommunicationSystemUUID') or '').lower()):
                raise invalid('EMULATOR/UNKNOWN_SYSTEM', 'Communication system UUID %s does not exist'
                              % body.get('CommunicationSystemUUID'), 'CommunicationSystemUUID')
            body['CommunicationSystemUUID'] = body['CommunicationSystemUUID'].lower()
        if nav == 'InboundUsers':
            self.validate_inbound(body, None)
            return self.put_inbound(body)
        self.validate_outbound(body, None)
        return self.put_outbound(body)

    def validate_inbound(self, inbound, own_uuid):
        if not inbound.get('CommunicationUserID') and not inbound.get('OAuth2ClientID'):
            raise invalid('CM_APS_CS/026', 'User ID or OAuth client ID is missing', 'CommunicationUserID')
        if inbound.get('CommunicationUserID') and inbound['CommunicationUserID'] not in self.state['users']:
            raise invalid('EMULATOR/UNKNOWN_USER', 'Communication user %s does not exist'
                          % inbound['CommunicationUserID'], 'CommunicationUserID')
        if inbound.get('AuthenticationMethod', 'basic') not in AUTH_METHODS:
            raise invalid('EMULATOR/VALUE', 'AuthenticationMethod must be one of %s' % ', '.join(AUTH_METHODS),
                          'AuthenticationMethod')
        for other in self.children('inbound_users', inbound['CommunicationSystemUUID']):
            if other['UUID'] != own_uuid and other.get('CommunicationUserID') == inbound.get('CommunicationUserID') \
                    and other.get('AuthenticationMethod') == inbound.get('AuthenticationMethod', 'basic'):
                raise invalid('EMULATOR/DUPLICATE', 'User %s is already used as inbound user of this system'
                              % inbound.get('CommunicationUserID'), 'CommunicationUserID')

    def put_inbound(self, fields_):
        inbound = {'UUID': str(uuid.uuid4()), 'AuthenticationMethod': 'basic', 'OAuth2ClientID': ''}
        inbound.update(fields_)
        self.state['inbound_users'][inbound['UUID']] = self.touch(inbound)
        return inbound

    def validate_outbound(self, outbound, own_uuid):
        if outbound.get('AuthenticationMethod', 'basic') not in AUTH_METHODS:
            raise invalid('EMULATOR/VALUE', 'AuthenticationMethod must be one of %s' % ', '.join(AUTH_METHODS),
                          'AuthenticationMethod')
        if outbound.get('AuthenticationMethod', 'basic') == 'basic':
            if not outbound.get('Name'):
                raise invalid('EMULATOR/REQUIRED', 'A basic outbound user needs a Name', 'Name')
            # Real tenants accept the user and fail the arrangement instead (CM_APS_CA/100).
            if not outbound.get('Password'):
                raise invalid('CM_APS_CA/100', 'Password missing for outbound user %s' % outbound['Name'], 'Password')
        for other in self.children('outbound_users', outbound['CommunicationSystemUUID']):
            if other['UUID'] != own_uuid and outbound.get('Name') and other.get('Name') == outbound['Name']:
                raise invalid('EMULATOR/DUPLICATE', 'Outbound user %s is already used in this system'
                              % outbound['Name'], 'Name')

    def put_outbound(self, fields_):
        outbound = {'UUID': str(uuid.uuid4()), 'AuthenticationMethod': 'basic', 'Name': '', 'OAuth2ClientID': '',
                    'OAuth2ClientAuthenticationMethod': '', 'CertificateID': ''}
        outbound.update(fields_)
        self.state['outbound_users'][outbound['UUID']] = self.touch(outbound)
        return outbound

    def update_system_user(self, nav, child, body):
        merged = dict(child, **body)
        if nav == 'InboundUsers':
            self.validate_inbound(merged, child['UUID'])
        else:
            self.validate_outbound(merged, child['UUID'])
        child.update(body)
        self.touch(child)

    def delete_system_user(self, nav, child):
        binding = 'InboundUser' if nav == 'InboundUsers' else 'OutboundUser'
        field = 'CommunicationSystem%sUUID' % binding
        used = sorted(a['Name'] for a in self.state['arrangements'].values()
                      if (a.get(binding) or {}).get(field) == child['UUID'])
        if used:
            raise invalid('EMULATOR/IN_USE', 'The user is still assigned to communication arrangements %s'
                          % ', '.join(used))
        del self.state[SYSTEM_USER_TABLES[nav]][child['UUID']]

    # ---- communication arrangements ----

    def create_arrangement(self, body):
        scenario = body.get('CommunicationScenarioID') or ''
        if not SCENARIO_ID.match(scenario) or scenario not in self.offered_scenarios():
            raise invalid('EMULATOR/VALUE', 'Communication scenario %r is not valid' % scenario,
                          'CommunicationScenarioID')
        system = self.system_by_id(body.get('CommunicationSystemID'))
        if system is None:
            raise invalid('EMULATOR/UNKNOWN_SYSTEM', 'Communication system %s does not exist'
                          % body.get('CommunicationSystemID'), 'CommunicationSystemID')
        name = body.get('Name') or scenario
        for other in self.state['arrangements'].values():
            # One arrangement per scenario and system, which covers the single-instance IPS scenarios
            # (SAP_COM_0093/0193/0066/0465/0008); the exact rule and error are UNCONFIRMED.
            if other['CommunicationScenarioID'] == scenario and other['CommunicationSystemID'] == system['ID']:
                raise invalid('EMULATOR/SCENARIO_USED', 'Communication scenario %s is already used with '
                              'communication system %s (arrangement %s)' % (scenario, system['ID'], other['Name']))
            if other['Name'] == name:
                raise invalid('EMULATOR/DUPLICATE', 'Communication arrangement name %s is already used' % name, 'Name')
        self.check_binding(system, 'InboundUser', body.get('InboundUser'))
        self.check_binding(system, 'OutboundUser', body.get('OutboundUser'))
        required = self.switch('outbound_user_required',
                               self.config.get('outbound_user_required', OUTBOUND_USER_REQUIRED))
        if scenario in self.switch('outbound_user_refused', []) and body.get('OutboundUser'):
            raise invalid('EMULATOR/OUTBOUND_USER', 'Communication scenario %s has no outbound communication; '
                          'remove the outbound user' % scenario, 'OutboundUser')
        if scenario in required and not (body.get('OutboundUser') or {}).get('CommunicationSystemOutboundUserUUID'):
            raise invalid('CM_APS_CA/027', 'Communication system %s has no suitable outbound user for scenario %s'
                          % (system['ID'], scenario), 'OutboundUser')
        self.check_items(body)
        return self.put_arrangement(dict(body, Name=name, CommunicationSystemID=system['ID']))

    def check_binding(self, system, binding, value):
        if value is None:
            return
        field = 'CommunicationSystem%sUUID' % binding
        table = 'inbound_users' if binding == 'InboundUser' else 'outbound_users'
        if not isinstance(value, dict) or set(value) - {field}:
            raise invalid('EMULATOR/PROPERTY', '%s takes only %s' % (binding, field), binding)
        child = self.state[table].get(str(value.get(field) or '').lower())
        if child is None or child['CommunicationSystemUUID'] != system['UUID']:
            raise invalid('EMULATOR/USER_NOT_IN_SYSTEM', '%s %s is not a user of communication system %s'
                          % (binding, value.get(field), system['ID']), binding)

    def check_items(self, body):
        types = self.services()['ca']['types']
        navs = self.navs()['arrangements']
        for nav, key in ITEM_NAVS:
            items = body.get(nav, [])
            if nav in body and nav not in navs:
                raise invalid('EMULATOR/PROPERTY', "Property '%s' is unknown or not writable here" % nav, nav)
            if not isinstance(items, list) or not all(isinstance(i, dict) and i.get(key) for i in items):
                raise invalid('EMULATOR/PROPERTY', '%s must be a list of objects with %s' % (nav, key), nav)
            undeclared = sorted(set(k for i in items for k in i) - set(types[ARRANGEMENT['navs'][nav][0]]['fields']))
            if undeclared:  # a tenant variant that does not declare the item's properties does not take them
                raise invalid('EMULATOR/PROPERTY', "Property '%s' of %s is unknown" % (undeclared[0], nav), nav)
            if nav != 'Properties' and any(i.get('Status', 'active') not in SERVICE_STATUSES for i in items):
                raise invalid('EMULATOR/VALUE', '%s Status must be active or inactive' % nav, nav)

    def put_arrangement(self, fields_):
        key = str(uuid.uuid4())
        arrangement = {'UUID': key, 'CommunicationScenarioID': fields_['CommunicationScenarioID'],
                       'CommunicationSystemID': fields_['CommunicationSystemID'], 'Name': fields_['Name'],
                       'Description': fields_.get('Description', ''), 'CreatedAt': now(),
                       'InboundUser': None, 'OutboundUser': None, 'InboundServices': [], 'OutboundServices': [],
                       'Properties': []}
        for binding in ('InboundUser', 'OutboundUser'):
            if fields_.get(binding):
                arrangement[binding] = self.bind(key, binding, fields_[binding])
        self.merge_items(arrangement, fields_)
        self.state['arrangements'][key] = self.touch(arrangement)
        return arrangement

    def bind(self, arrangement_uuid, binding, value):
        field = 'CommunicationSystem%sUUID' % binding
        return {'_etag': self.new_etag(), 'CommunicationArrangementUUID': arrangement_uuid,
                field: str(value[field]).lower()}

    @staticmethod
    def merge_items(arrangement, fields_):
        """Deep insert/update of services and properties: listed items are added or replaced by key."""
        for nav, key in ITEM_NAVS:
            for item in fields_.get(nav) or []:
                item = dict(item)
                if nav != 'Properties':
                    item.setdefault('Status', 'active')
                items = arrangement[nav]
                index = next((i for i, old in enumerate(items) if old[key] == item[key]), None)
                if index is None:
                    items.append(item)
                else:
                    items[index] = dict(items[index], **item)

    def update_arrangement(self, arrangement, body):
        self.check_items(body)
        if body.get('Name') and body['Name'] != arrangement['Name'] and \
                any(a['Name'] == body['Name'] for a in self.state['arrangements'].values()):
            raise invalid('EMULATOR/DUPLICATE', 'Communication arrangement name %s is already used' % body['Name'],
                          'Name')
        for field in ('Name', 'Description'):
            if field in body:
                arrangement[field] = body[field]
        self.merge_items(arrangement, body)
        self.touch(arrangement)

    def delete_arrangement(self, arrangement):
        del self.state['arrangements'][arrangement['UUID']]

    def binding(self, key, nav):
        """The arrangement's InboundUser or OutboundUser binding; 404 when it has none."""
        binding = self.arrangement(key).get(nav)
        if not binding:
            raise missing('CommunicationArrangements(%s)/%s' % (key, nav))
        return binding

    @staticmethod
    def refuse_second_binding(arrangement, nav):
        """A binding is created once (POST); after that it is changed (PATCH)."""
        if arrangement.get(nav):
            raise invalid('EMULATOR/DUPLICATE', 'The arrangement already has an %s; change it with PATCH' % nav, nav)

    def set_binding(self, arrangement, nav, body, key):
        """Bind the arrangement's InboundUser or OutboundUser to a user of its system (key: the arrangement's key
        as the request named it)."""
        self.check_binding(self.system_by_id(arrangement['CommunicationSystemID']), nav, body)
        arrangement[nav] = self.bind(key, nav, body)
        self.touch(arrangement)
        return arrangement[nav]

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
            raise Refused(400, 'seed data must be an object')
        self.caller = None
        out = {'users': {}, 'systems': {}, 'arrangements': {}}
        for fields_ in data.get('users', []):
            user = self.user_by_name(fields_['Name'])
            if user is None:
                user = self.put_user(fields_)
            else:
                user.update(dict((k, v) for k, v in fields_.items()
                                 if k in ('Password', 'Description', 'PasswordStatus')))
                if 'LockStatus' in fields_:
                    self.set_lock(user, fields_['LockStatus'])
                self.touch(user)
            for text in fields_.get('certificates', []):
                self.seed_certificate(user['ID'], text)
            out['users'][user['Name']] = user['ID']
        for fields_ in data.get('systems', []):
            system = self.system_by_id(fields_['ID']) or self.put_system(fields_)
            for spec in fields_.get('InboundUsers', []):
                user_id = self.user_by_name(spec['user'])['ID']
                method = spec.get('AuthenticationMethod', 'basic')
                if not any(i['CommunicationUserID'] == user_id and i['AuthenticationMethod'] == method
                           for i in self.children('inbound_users', system['UUID'])):
                    self.put_inbound({'CommunicationSystemUUID': system['UUID'], 'CommunicationUserID': user_id,
                                      'AuthenticationMethod': method})
            for spec in fields_.get('OutboundUsers', []):
                if not any(o['Name'] == spec['Name'] for o in self.children('outbound_users', system['UUID'])):
                    self.put_outbound(dict(spec, CommunicationSystemUUID=system['UUID']))
            out['systems'][system['ID']] = system['UUID']
        for fields_ in data.get('arrangements', []):
            name = fields_.get('Name') or fields_['CommunicationScenarioID']
            out['arrangements'][name] = self.seed_arrangement(fields_)['UUID']
        business = self.seed_business(data)  # workers and business roles (business_model.py)
        if business:
            out['business'] = business
        return out

    def seed_arrangement(self, fields_):
        system = self.system_by_id(fields_['CommunicationSystemID'])
        for arrangement in self.state['arrangements'].values():
            if arrangement['CommunicationScenarioID'] == fields_['CommunicationScenarioID'] and \
                    arrangement['CommunicationSystemID'] == system['ID']:
                return arrangement
        body = dict((k, v) for k, v in fields_.items() if k in ARRANGEMENT_FIELDS)
        body.setdefault('Name', fields_['CommunicationScenarioID'])
        if fields_.get('inbound_user'):
            user_id = self.user_by_name(fields_['inbound_user'])['ID']
            inbound = next(i for i in self.children('inbound_users', system['UUID'])
                           if i['CommunicationUserID'] == user_id)
            body['InboundUser'] = {'CommunicationSystemInboundUserUUID': inbound['UUID']}
        if fields_.get('outbound_user'):
            outbound = next(o for o in self.children('outbound_users', system['UUID'])
                            if o['Name'] == fields_['outbound_user'])
            body['OutboundUser'] = {'CommunicationSystemOutboundUserUUID': outbound['UUID']}
        return self.put_arrangement(body)

    def demo_seed(self):
        """The hand-made SAP_COM_0A48 bootstrap (user, inbound-only system, arrangement), plus the
        workers and business roles HR and the admin maintain (business_model.py)."""
        admin = DEMO['s4_admin_user']
        return dict(self.demo_business(), **{
            'users': [{'Name': admin, 'Password': DEMO['s4_admin_password'], 'Type': 'customer_communication',
                       'Description': 'Communication management (SAP_COM_0A48), created by hand'}],
            'systems': [{'ID': 'COMM_MGMT_AUTOMATION', 'Name': 'Communication management automation',
                         'IsInboundOnly': True, 'InboundUsers': [{'user': admin, 'AuthenticationMethod': 'basic'}]}],
            'arrangements': [{'CommunicationScenarioID': 'SAP_COM_0A48',
                              'CommunicationSystemID': 'COMM_MGMT_AUTOMATION',
                              'Name': 'SAP_COM_0A48_AUTOMATION', 'inbound_user': admin}],
        })

    def inject(self, action, params):
        """Emulator-only changes of the tenant: stale ETags, $metadata changes, certificate facts, ETag
        enforcement. (csrf_expire ends sessions, which live with the routes.)"""
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
            fields.changed_services(changes)  # a wrong path fails here, before it is kept
            self.state['metadata_changes'] = changes
            if 'offered_scenarios' in params:
                self.state['offered_scenarios'] = list(params['offered_scenarios'])
            self.save()
            return True
        if action == 'certificates':
            # Tenant variants of the unconfirmed certificate facts (certificate_model.py).
            self.set_certificate_variant(params)
            return True
        if action == 'enforce_etag':
            self.state['enforce_etag'] = bool(params.get('enabled', True))
            self.save()
            return True
        return False
