"""The state and rules of an emulated SAP Identity Provisioning (IPS) tenant on SAP BTP, Neo, without HTTP
(routes.py serves them, connector.py makes the proxy's calls to the system behind it).

Documented rules kept: a system name is 1..100 characters of a-z A-Z 0-9 - _ . and space and unique; an import
gives a new id; credential properties are never exported or returned; changing URL or Host drops them; the number
of systems is limited (max_systems, configurable: 20 source / 50 target are documented, the proxy limit is not).
A caller of the proxy SCIM API brings a token of the Neo OAuth client registered for <provider>/ipsproxy that holds
role IPS_PROXY_USER. The connection to the back end takes the system's destination (subaccount level) overridden
by its properties and credential properties. Transformations are stored, not applied.
"""

import copy
import re
import uuid

from emulator.demo import DEMO
from emulator.model import Model, Refused

NAME_RULE = re.compile(r'^[a-zA-Z0-9_. -]{1,100}$')
CREDENTIAL_RESET = ('url', 'host')
DEFAULT_MAX_SYSTEMS = 50
SYSTEM_FIELDS = ('name', 'description', 'connectorTypeString', 'destinationName', 'properties', 'accessMode',
                 'systemManagementType', 'state', 'automaticOutboundCertificateRenew', 'gitAllowedExpressions',
                 'gitDisallowedExpressions', 'emailSubscribers', 'readTransformation', 'writeTransformation',
                 'readTransformationChanged', 'writeTransformationChanged', 'transformationChanged')
# A connector's default transformation stands in for the real one, which IPS fills in on create.
DEFAULT_TRANSFORMATIONS = {
    'readTransformation': {'user': {'mappings': [{'sourcePath': '$', 'targetPath': '$'}]},
                           'group': {'mappings': [{'sourcePath': '$', 'targetPath': '$'}]}},
    'writeTransformation': {'user': {'mappings': [{'sourcePath': '$', 'targetPath': '$'}]},
                            'group': {'mappings': [{'sourcePath': '$', 'targetPath': '$'}]}},
}


def contract_refusal(status, code, message):
    return Refused(status, message, code)


class BackendError(Exception):
    """The call from the proxy to the system behind it failed."""


def location(properties):
    return dict((k.lower(), v) for k, v in properties.items() if k.lower() in CREDENTIAL_RESET)


class IpsModel(Model):
    """Proxy systems, the console's admins, the tenant's Neo subscription and its generated certificate.

    destinations: how the tenant reads a destination of its Neo subaccount, (account, name) -> values or None;
    the host sets it (the configuration service, in process).
    """

    destinations = staticmethod(lambda account, name: None)

    def initial_state(self):
        return {'systems': {}, 'admins': {},
                'options': {'max_systems': int(self.config.get('max_systems', DEFAULT_MAX_SYSTEMS)),
                            'account': None, 'provider': None}}

    # ---- emulator-only seed ----

    def demo_seed(self):
        return {'admins': {DEMO['ips_admin_user']: DEMO['ips_admin_password']},
                'account': DEMO['neo_consumer_subaccount'], 'provider': DEMO['neo_provider_subaccount']}

    def seed(self, data):
        """admins: {user: password} of the admin console (and of the contract); account/provider: the Neo
        subaccounts of the ipsproxy subscription; max_systems: the tenant's limit."""
        if not isinstance(data, dict):
            raise Refused(400, 'seed data must be an object')
        self.state['admins'].update(data.get('admins') or {})
        for key in ('account', 'provider', 'max_systems'):
            if key in data:
                self.state['options'][key] = data[key]

    def is_admin(self, credentials):
        return bool(credentials) and self.state['admins'].get(credentials[0]) == credentials[1]

    # ---- proxy systems ----

    def system(self, system_id):
        system = self.state['systems'].get(system_id)
        if system is None:
            raise contract_refusal(404, 'NOT_FOUND', 'System %s does not exist' % system_id)
        return system

    def systems(self, name=None):
        return [s for s in self.state['systems'].values() if name is None or s['name'] == name]

    def validated(self, body, own_id=None):
        """The system fields of a create, replace or import, with defaults; 400/409 for what IPS refuses."""
        if not isinstance(body, dict):
            raise contract_refusal(400, 'INVALID', 'The body must be a JSON object')
        name = body.get('name')
        if not isinstance(name, str) or not NAME_RULE.match(name):
            raise contract_refusal(400, 'INVALID_NAME', 'The system name must be 1 to 100 characters of a-z, A-Z, '
                                   '0-9, "-", "_", "." and space')
        if any(s['name'] == name and s['id'] != own_id for s in self.state['systems'].values()):
            raise contract_refusal(409, 'DUPLICATE_NAME', 'A system with this name already exists')
        if body.get('accessMode', 'PROXY') != 'PROXY':
            raise contract_refusal(400, 'INVALID', 'This tenant emulates proxy systems only (accessMode PROXY)')
        if not isinstance(body.get('connectorTypeString'), str) or not body['connectorTypeString']:
            raise contract_refusal(400, 'INVALID', 'connectorTypeString is required')
        for key in ('properties', 'encryptedProperties'):
            values = body.get(key) or {}
            if not isinstance(values, dict) or not all(isinstance(v, str) or v is None and key == 'encryptedProperties'
                                                       for v in values.values()):
                raise contract_refusal(400, 'INVALID', '%s must map names to text values' % key)
        for key in ('readTransformation', 'writeTransformation'):
            if key in body and not isinstance(body[key], dict):
                raise contract_refusal(400, 'INVALID', '%s must be a JSON object' % key)
        system = dict((k, copy.deepcopy(body[k])) for k in SYSTEM_FIELDS if k in body)
        system.setdefault('description', '')
        system.setdefault('destinationName', '')
        system.setdefault('properties', {})
        system['accessMode'] = 'PROXY'
        for key, default in DEFAULT_TRANSFORMATIONS.items():
            system.setdefault(key, copy.deepcopy(default))
        return system

    @staticmethod
    def sent_credentials(body):
        return dict((k, v) for k, v in (body.get('encryptedProperties') or {}).items() if v is not None)

    def create(self, body):
        fields = self.validated(body)
        return self.new_system(fields, self.sent_credentials(body), False)

    def import_file(self, body):
        """Add > Define from File: the file's id (if any) is ignored and credentials are never taken over."""
        return self.new_system(self.validated(body), {}, True)

    def new_system(self, fields, credentials, from_import):
        if len(self.state['systems']) >= self.state['options']['max_systems']:
            raise contract_refusal(400, 'LIMIT', 'The maximum number of systems (%d) is reached'
                                   % self.state['options']['max_systems'])
        system = dict(fields, id=str(uuid.uuid4()), fromImport=from_import, _credentials=credentials)
        self.state['systems'][system['id']] = system
        self.save()
        return system

    def replace(self, system, body):
        fields = self.validated(body, system['id'])
        credentials = system['_credentials']
        if location(system['properties']) != location(fields['properties']):
            credentials = {}  # documented: a new URL/host needs the credential properties entered again
        credentials.update(self.sent_credentials(body))
        keep = dict((k, system[k]) for k in ('id', 'fromImport'))
        system.clear()
        system.update(fields, _credentials=credentials, **keep)
        self.save()
        return system

    def delete(self, system_id):
        self.system(system_id)
        del self.state['systems'][system_id]
        self.save()

    def set_credentials(self, system, values):
        """Typing credential properties on the Properties tab."""
        if not isinstance(values, dict) or not all(isinstance(v, str) and v for v in values.values()):
            raise contract_refusal(400, 'INVALID', 'Expected {"<credential property>": "<value>"}')
        system['_credentials'].update(values)
        self.save()
        return system

    # ---- the tenant's certificate (Certificate tab) ----

    def next_certificate_generation(self):
        generation = self.state.get('certificate_generation', 0) + 1
        self.state['certificate_generation'] = generation
        return generation

    def keep_certificate(self, pem, key):
        """The newest generated certificate replaces the one before (the emulator's model: one per tenant)."""
        self.state['certificate'] = {'pem': pem, 'key': key}
        self.save()

    def certificate(self):
        return self.state.get('certificate')

    # ---- the proxy ----

    def subscription(self):
        """(consumer subaccount, provider subaccount) of the tenant's ipsproxy subscription."""
        return self.state['options']['account'], self.state['options']['provider']

    def check_proxy_caller(self, client_id, registration, holds_proxy_role):
        """The caller's OAuth client must be registered for <provider>/ipsproxy in the tenant's subaccount and hold
        role IPS_PROXY_USER (403 else)."""
        account, provider = self.subscription()
        if registration.get('subscription') != '%s/ipsproxy' % provider or registration.get('account') != account:
            raise Refused(403, 'The OAuth client is not registered for the ipsproxy subscription of this tenant')
        if not holds_proxy_role:
            raise Refused(403, 'oauth_client_%s does not have role IPS_PROXY_USER' % client_id)

    def proxy_system(self, system_id):
        system = self.state['systems'].get(system_id)
        if system is None:
            raise Refused(404, 'Proxy system %s not found' % system_id)
        return system

    def destination(self, name):
        """A subaccount-level destination of the tenant's Neo subaccount."""
        return self.destinations(self.state['options']['account'], name)

    def connection(self, system):
        """(url, user, password, api version): the destination's values, overridden by the system's properties;
        user and password None for a system that authenticates with the tenant's certificate."""
        values = {}
        if system.get('destinationName'):
            found = self.destination(system['destinationName'])
            if found is None:
                raise BackendError('Destination %s not found in subaccount %s'
                                   % (system['destinationName'], self.state['options']['account']))
            values.update(found)
        values.update(system['properties'])
        values.update(system['_credentials'])
        if not values.get('URL'):
            raise BackendError('No URL: neither a destination nor the properties give one')
        method = values.get('Authentication', 'BasicAuthentication')
        if method == 'ClientCertificateAuthentication':
            if not self.state.get('certificate'):
                raise BackendError('ClientCertificateAuthentication without a certificate: generate one in the '
                                   'Certificate tab')
            return values['URL'].rstrip('/'), None, None, str(values.get('s4hana.cloud.api.version', '1'))
        if method != 'BasicAuthentication':
            raise BackendError('Authentication %s is not implemented by the emulator' % values['Authentication'])
        if not values.get('User') or not values.get('Password'):
            raise BackendError('User or Password missing for BasicAuthentication (credential properties are '
                               'dropped when URL or Host change)')
        return values['URL'].rstrip('/'), values['User'], values['Password'], \
            str(values.get('s4hana.cloud.api.version', '1'))

    def sap_client(self, system):
        """The destination property sap-client (documented for BTP destinations; whether IPS passes it on to
        S/4HANA Cloud is unconfirmed), sent with every back-end call."""
        if system.get('destinationName'):
            return (self.destination(system['destinationName']) or {}).get('sap-client')
        return system['properties'].get('sap-client')

    def backend_failure_status(self):
        """The status IPS uses for a failing back end is not documented: 500 (a tenant variant another)."""
        return self.switch('backend_failure_status', 500)
