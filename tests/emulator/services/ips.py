"""Emulated SAP Identity Provisioning (IPS) tenant on SAP BTP, Neo: proxy systems and the proxy SCIM API.

Routes fall in three groups (provenance also in tests/emulator/README.md):
- documented (SAP): the proxy SCIM API, /ipsproxy/api/v1/scim/<system id>/Users|Groups[/<id>], with
  ListResponse paging (startIndex, count 1..100, default 25), `eq` filters and PATCH of group members. Callers
  bring a token of the Neo OAuth client registered for <provider>/ipsproxy (checked with the neo_oauth host) that
  holds role IPS_PROXY_USER (checked with the neo_api host).
- the collection's own contract (never an SAP API; docs/ips-idm-contract.md): /sapcloud-identity/ips/v1/systems.
- emulator-only stand-ins for the admin console (never an SAP API): /emulator-ui/ips/import ("Define from File"),
  /emulator-ui/ips/systems/<id>/credentials (typing credential properties on the Properties tab),
  /emulator-ui/ips/systems/<id>/export?format=json|csv ("Export") and POST /emulator-ui/ips/certificate (the
  Certificate tab's Generate and Download: a new key pair and certificate, returned as PEM; needs --mtls, whose
  test client CA issues it). The emulator keeps one certificate per IPS tenant, the newest generated, and uses it
  for every system with Authentication ClientCertificateAuthentication (SAP documents the Certificate tab and the
  property; that the certificate serves the whole tenant is the emulator's model).

Documented behaviours kept: a system name is 1..100 characters of a-z A-Z 0-9 - _ . and space and unique; an
import gives a new id; credential properties are never exported or returned; changing URL or Host drops them; the
number of systems is limited (max_systems, configurable: 20 source / 50 target are documented, the proxy limit is
not). The proxy really calls the emulated S/4HANA Cloud tenant over HTTP, with the URL/User/Password of the
system's destination (read from the neo_configapi host) overridden by its properties, so a wrong destination,
credential or missing arrangement fails as it would for real. The emulated connector uses QueryBusinessUserIn /
ManageBusinessUserIn for s4hana.cloud.api.version 1 (its groups are the business roles assigned to users) and
the SAP_COM_0465 SCIM API for version 3; which calls IPS's real connector makes is not documented.
Transformations are stored, not applied.
"""

import copy
import os
import re
import uuid
from xml.etree import ElementTree
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import requests

from emulator.core import INTERNAL_AGENT, HttpError, Response, Service, json_response, route, text_response
from emulator.demo import DEMO
from emulator.services.s4_business import (
    SCIM_GROUP, SCIM_USER, children, eq_filter, filtered, local, member_operations, page_of, scim_error,
    scim_response, text_of)

CONTRACT = '/sapcloud-identity/ips/v1'
UI = '/emulator-ui/ips'
PROXY = r'(?P<prefix>/ipsproxy(?:/service)?/api/v1/scim)/(?P<system_id>[^/]+)'
NAME_RULE = re.compile(r'^[a-zA-Z0-9_. -]{1,100}$')
CREDENTIAL_RESET = ('url', 'host')
DEFAULT_MAX_SYSTEMS = 50
PROXY_DEFAULT_COUNT, PROXY_MAX_COUNT = 25, 100
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
# The CSV export for IDM: same layout as the collection writes (third-party imitation of IPS's export).
CSV_COLUMNS = ('Name', 'Description', 'Type', 'Disabled', 'TypeQN', 'AUTH_PASSWORD', 'AUTH_TYPE', 'AUTH_USER',
               'CONNECT_TIMEOUT', 'CONNECTION_KEEPALIVE', 'MX_PRIV_GROUPING_ATTRIBUTE', 'OAUTH_URL', 'PROXY_HOST',
               'PROXY_PASSWORD', 'PROXY_PORT', 'PROXY_USER', 'READ_TIMEOUT', 'SCIM_ASSIGNMENT_METHOD', 'SCIM_HOST',
               'SCIM_PATH', 'SCIM_PORT', 'SCIM_PROTOCOL', 'SYSTEM_PRIVILEGE', 'TRUSTSTORE', 'TRUSTSTORE_PASSWORD')
S4_QUERY = '/sap/bc/srt/scs_ext/sap/querybusinessuserin'
S4_MANAGE = '/sap/bc/srt/scs_ext/sap/managebusinessuserin'
S4_SCIM = '/sap/bc/http/sap/aps_iam_api_scim'
SOAP_QUERY_ALL = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:aba="http://sap.com/xi/ABA">'
    '<soapenv:Header/><soapenv:Body><aba:BusinessUserSimpleByElementsQuery_sync><BusinessUser/>'
    '<QueryProcessingConditions><QueryHitsUnlimitedIndicator>true</QueryHitsUnlimitedIndicator>'
    '</QueryProcessingConditions></aba:BusinessUserSimpleByElementsQuery_sync></soapenv:Body></soapenv:Envelope>')
SOAP_ROLE_CHANGE = (
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:aba="http://sap.com/xi/ABA">'
    '<soapenv:Header/><soapenv:Body><aba:BusinessUserBundleMaintainRequest_sync><BusinessUser actionCode="02">'
    '<PersonExternalID>%s</PersonExternalID><User actionCode="02"><Role actionCode="%s"><RoleName>%s</RoleName>'
    '</Role></User></BusinessUser></aba:BusinessUserBundleMaintainRequest_sync></soapenv:Body></soapenv:Envelope>')


def contract_error(status, code, message):
    return HttpError(json_response(status, {'error': {'code': code, 'message': message}}))


def emulated_session(emulator):
    """A session for calls between emulated hosts, verifying the throw-away CA when the emulator serves HTTPS.

    trust_env is off: REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE would otherwise replace session.verify, and proxy
    variables do not apply to loopback calls.
    """
    session = requests.Session()
    session.trust_env = False
    session.headers['User-Agent'] = INTERNAL_AGENT
    ca = os.path.join(emulator.state_dir or '', 'ca.pem')
    session.verify = ca if emulator.tls and os.path.exists(ca) else True
    return session


class BackendError(Exception):
    """The call from the proxy to the system behind it failed."""


class IpsTenant(Service):
    kind = 'ips'
    scim_prefix = '/ipsproxy/api/v1/scim'

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
            raise HttpError(json_response(400, {'error': 'seed data must be an object'}))
        self.state['admins'].update(data.get('admins') or {})
        for key in ('account', 'provider', 'max_systems'):
            if key in data:
                self.state['options'][key] = data[key]
        return {'seeded': self.name}

    # ---- the collection's own contract (never an SAP API) ----

    def admin(self, request):
        creds = request.basic_auth()
        if not creds or self.state['admins'].get(creds[0]) != creds[1]:
            raise HttpError(json_response(401, {'error': {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'}},
                                          {'WWW-Authenticate': 'Basic realm="IPS"'}))

    def system(self, system_id):
        system = self.state['systems'].get(system_id)
        if system is None:
            raise contract_error(404, 'NOT_FOUND', 'System %s does not exist' % system_id)
        return system

    @staticmethod
    def render(system):
        """The export shape: credential properties by name only, never their values."""
        out = dict((k, copy.deepcopy(v)) for k, v in system.items() if not k.startswith('_'))
        out['encryptedProperties'] = dict((name, None) for name in sorted(system['_credentials']))
        return out

    def validated(self, body, own_id=None):
        if not isinstance(body, dict):
            raise contract_error(400, 'INVALID', 'The body must be a JSON object')
        name = body.get('name')
        if not isinstance(name, str) or not NAME_RULE.match(name):
            raise contract_error(400, 'INVALID_NAME', 'The system name must be 1 to 100 characters of a-z, A-Z, 0-9, '
                                 '"-", "_", "." and space')
        if any(s['name'] == name and s['id'] != own_id for s in self.state['systems'].values()):
            raise contract_error(409, 'DUPLICATE_NAME', 'A system with this name already exists')
        if body.get('accessMode', 'PROXY') != 'PROXY':
            raise contract_error(400, 'INVALID', 'This tenant emulates proxy systems only (accessMode PROXY)')
        if not isinstance(body.get('connectorTypeString'), str) or not body['connectorTypeString']:
            raise contract_error(400, 'INVALID', 'connectorTypeString is required')
        for key in ('properties', 'encryptedProperties'):
            values = body.get(key) or {}
            if not isinstance(values, dict) or not all(isinstance(v, str) or v is None and key == 'encryptedProperties'
                                                       for v in values.values()):
                raise contract_error(400, 'INVALID', '%s must map names to text values' % key)
        for key in ('readTransformation', 'writeTransformation'):
            if key in body and not isinstance(body[key], dict):
                raise contract_error(400, 'INVALID', '%s must be a JSON object' % key)
        system = dict((k, copy.deepcopy(body[k])) for k in SYSTEM_FIELDS if k in body)
        system.setdefault('description', '')
        system.setdefault('destinationName', '')
        system.setdefault('properties', {})
        system['accessMode'] = 'PROXY'
        for key, default in DEFAULT_TRANSFORMATIONS.items():
            system.setdefault(key, copy.deepcopy(default))
        return system

    def new_system(self, fields, credentials, from_import):
        if len(self.state['systems']) >= self.state['options']['max_systems']:
            raise contract_error(400, 'LIMIT', 'The maximum number of systems (%d) is reached'
                                 % self.state['options']['max_systems'])
        system = dict(fields, id=str(uuid.uuid4()), fromImport=from_import, _credentials=credentials)
        self.state['systems'][system['id']] = system
        self.save()
        return system

    @route('GET', CONTRACT + '/systems')
    def contract_list(self, request):
        self.admin(request)
        name = request.query.get('name')
        found = [self.render(s) for s in self.state['systems'].values() if name is None or s['name'] == name]
        return json_response(200, {'systems': found})

    @route('POST', CONTRACT + '/systems')
    def contract_create(self, request):
        self.admin(request)
        body = request.json()
        fields = self.validated(body)
        credentials = dict((k, v) for k, v in (body.get('encryptedProperties') or {}).items() if v is not None)
        system = self.new_system(fields, credentials, False)
        return json_response(201, self.render(system), {'Location': '%s%s/systems/%s' % (self.url, CONTRACT, system['id'])})

    @route('GET', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_read(self, request, system_id):
        self.admin(request)
        return json_response(200, self.render(self.system(system_id)))

    @route('PUT', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_replace(self, request, system_id):
        self.admin(request)
        system = self.system(system_id)
        body = request.json()
        fields = self.validated(body, system_id)
        credentials = system['_credentials']
        if self.location(system['properties']) != self.location(fields['properties']):
            credentials = {}  # documented: a new URL/host needs the credential properties entered again
        credentials.update((k, v) for k, v in (body.get('encryptedProperties') or {}).items() if v is not None)
        keep = dict((k, system[k]) for k in ('id', 'fromImport'))
        system.clear()
        system.update(fields, _credentials=credentials, **keep)
        self.save()
        return json_response(200, self.render(system))

    @staticmethod
    def location(properties):
        return dict((k.lower(), v) for k, v in properties.items() if k.lower() in CREDENTIAL_RESET)

    @route('DELETE', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_delete(self, request, system_id):
        self.admin(request)
        self.system(system_id)
        del self.state['systems'][system_id]
        self.save()
        return Response(204, b'')

    # ---- emulator-only stand-ins for the admin console (never an SAP API) ----

    @route('POST', UI + '/import')
    def ui_import(self, request):
        """Add > Define from File: the file's id (if any) is ignored and credentials are never taken over."""
        self.admin(request)
        try:
            body = request.json()
        except ValueError:
            raise contract_error(400, 'INVALID', 'The file is not JSON')
        system = self.new_system(self.validated(body), {}, True)
        return json_response(201, self.render(system))

    @route('PUT', UI + '/systems/(?P<system_id>[^/]+)/credentials')
    def ui_credentials(self, request, system_id):
        """Typing credential properties on the Properties tab."""
        self.admin(request)
        system = self.system(system_id)
        body = request.json()
        if not isinstance(body, dict) or not all(isinstance(v, str) and v for v in body.values()):
            raise contract_error(400, 'INVALID', 'Expected {"<credential property>": "<value>"}')
        system['_credentials'].update(body)
        self.save()
        return json_response(200, self.render(system))

    @route('GET', UI + '/systems/(?P<system_id>[^/]+)/export')
    def ui_export(self, request, system_id):
        self.admin(request)
        system = self.system(system_id)
        if request.query.get('format', 'json') == 'json':
            return json_response(200, self.render(system))
        return text_response(200, self.export_csv(system), 'text/csv; charset=utf-8')

    @route('POST', UI + '/certificate')
    def ui_certificate(self, request):
        """Certificate tab: Generate (a new key pair; the previous one is dropped) and Download (the PEM)."""
        self.admin(request)
        authority = self.emulator.client_ca
        if authority is None:
            raise contract_error(409, 'NO_CA', 'Generating certificates needs the emulator started with --mtls')
        from emulator import certs
        # Each generation gets its own subject here, so a rotation is a real cut-over between two certificates
        # (whether IPS keeps the subject when it generates again is not documented).
        generation = self.state.get('certificate_generation', 0) + 1
        self.state['certificate_generation'] = generation
        certificate, key = authority.issue('Identity Provisioning %s %d' % (self.name, generation),
                                           organization='SAP IPS emulator', days=int(request.query.get('days') or 365))
        self.state['certificate'] = {'pem': certs.pem(certificate).decode('ascii'),
                                     'key': certs.key_pem(key).decode('ascii')}
        self.save()
        self._certificate_files = None
        return text_response(200, self.state['certificate']['pem'], 'application/x-pem-file')

    def certificate_files(self):
        """(cert file, key file) of the tenant's certificate for requests, written (0600) next to the state."""
        if getattr(self, '_certificate_files', None) is None:
            from emulator import certs
            folder = os.path.join(self.emulator.state_dir or '.', 'ips-certificate-%s' % self.name)
            os.makedirs(folder, exist_ok=True)
            stamp = str(abs(hash(self.state['certificate']['pem'])))
            cert_path = certs.write(os.path.join(folder, stamp + '.pem'), self.state['certificate']['pem'].encode())
            key_path = certs.write(os.path.join(folder, stamp + '-key.pem'), self.state['certificate']['key'].encode())
            self._certificate_files = (cert_path, key_path)
        return self._certificate_files

    def token_url(self):
        return self.peer(self.config.get('oauth_host', 'neo_oauth')).url + '/oauth2/api/v1/token'

    def export_csv(self, system):
        """The CSV for IDM: connection constants filled, AUTH_USER/AUTH_PASSWORD left for the admin (documented)."""
        parts = urlsplit(self.url)
        values = {'Name': system['name'], 'Description': system['description'], 'Disabled': '0',
                  'TypeQN': 'com.sap.idm.connector.scim:reptype.SCIM', 'AUTH_TYPE': 'oauth', 'OAUTH_URL': self.token_url(),
                  'CONNECT_TIMEOUT': '60000', 'CONNECTION_KEEPALIVE': '60000', 'READ_TIMEOUT': '60000',
                  'SCIM_ASSIGNMENT_METHOD': 'PATCH', 'SCIM_HOST': parts.hostname, 'SCIM_PATH': '%s/%s' % (
                      self.scim_prefix, system['id']), 'SCIM_PORT': str(parts.port), 'SCIM_PROTOCOL': parts.scheme,
                  'SYSTEM_PRIVILEGE': 'PRIV:SYSTEM:%s' % system['name']}
        header = ''.join('%s,' % c for c in CSV_COLUMNS)
        line = ''.join('"%s",' % values[c] if values.get(c) else ',' for c in CSV_COLUMNS)
        return header + '\n' + line + '\n'

    # ---- the documented proxy SCIM API ----

    def authorize_caller(self, request):
        """A token of the OAuth client registered for <provider>/ipsproxy that holds role IPS_PROXY_USER."""
        token = request.bearer()
        oauth = self.peer(self.config.get('oauth_host', 'neo_oauth'))
        client_id = oauth.validate_app_token(token) if token else None
        if client_id is None:
            raise scim_error(401, 'Unauthorized')
        options = self.state['options']
        registration = oauth.registration(client_id) or {}
        if registration.get('subscription') != '%s/ipsproxy' % options['provider'] or \
                registration.get('account') != options['account']:
            raise scim_error(403, 'The OAuth client is not registered for the ipsproxy subscription of this tenant')
        api = self.peer(self.config.get('api_host', 'neo_api'))
        if not api.holds_role(options['account'], options['provider'], 'ipsproxy', 'IPS_PROXY_USER',
                              'oauth_client_%s' % client_id):
            raise scim_error(403, 'oauth_client_%s does not have role IPS_PROXY_USER' % client_id)

    def proxy_system(self, request, prefix, system_id):
        if prefix != self.scim_prefix:
            raise HttpError(self.not_found(request))
        self.authorize_caller(request)
        system = self.state['systems'].get(system_id)
        if system is None:
            raise scim_error(404, 'Proxy system %s not found' % system_id)
        eq_filter(request.query.get('filter'))  # the proxy supports `eq` only, whatever the back end does
        return system

    def destination(self, name):
        """A subaccount-level destination of the tenant's Neo subaccount, read from the configuration host."""
        config = self.peer(self.config.get('config_host', 'neo_configapi'))
        with config.lock:
            level = config.state['destinations'].get('subaccount:%s' % self.state['options']['account']) or {}
            values = level.get(name)
            return dict(values) if values is not None else None

    def connection(self, system):
        """(url, user, password, api version): the destination's values, overridden by the system's properties."""
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

    def backend(self, system):
        url, user, password, version = self.connection(system)
        session = emulated_session(self.emulator)
        if user is None:
            session.cert = self.certificate_files()
        else:
            session.auth = (user, password)
        # The destination property sap-client (documented for BTP destinations; whether IPS passes it on to S/4HANA
        # Cloud is unconfirmed) goes with every back-end call.
        client = (self.destination(system['destinationName']) or {}).get('sap-client') \
            if system.get('destinationName') else system['properties'].get('sap-client')
        if client:
            session.params = {'sap-client': client}
        if version == '3':
            return ScimBackend(url, session)
        if version == '1':
            return SoapBackend(url, session)
        raise BackendError('s4hana.cloud.api.version %s is not supported (1 or 3)' % version)

    def proxy_call(self, request, prefix, system_id, call):
        system = self.proxy_system(request, prefix, system_id)
        try:
            return call(self.backend(system))
        except BackendError as exc:
            # The status IPS uses for a failing back end is not documented; the emulator answers 500 (a tenant
            # variant another status).
            raise scim_error(self.switch('backend_failure_status', 500), 'Back-end system call failed: %s' % exc)

    @route('GET', PROXY + '/(?P<resource>Users|Groups)')
    def proxy_list(self, request, prefix, system_id, resource):
        def call(backend):
            return backend.page(resource, request.query)
        return scim_response(200, self.proxy_call(request, prefix, system_id, call))

    @route('GET', PROXY + '/(?P<resource>Users|Groups)/(?P<key>[^/]+)')
    def proxy_read(self, request, prefix, system_id, resource, key):
        def call(backend):
            return backend.read(resource, key)
        found = self.proxy_call(request, prefix, system_id, call)
        if found is None:
            raise scim_error(404, '%s %s not found' % (resource[:-1], key))
        return scim_response(200, found)

    @route('PATCH', PROXY + '/Groups/(?P<key>[^/]+)')
    def proxy_group_patch(self, request, prefix, system_id, key):
        operations = member_operations(request)

        def call(backend):
            return backend.patch_group(key, operations)
        if not self.proxy_call(request, prefix, system_id, call):
            raise scim_error(404, 'Group %s not found' % key)
        return Response(204, b'')

    def unsupported(self, request, prefix, system_id):
        self.proxy_system(request, prefix, system_id)
        raise scim_error(501, 'Not supported by the emulated S/4HANA Cloud proxy: %s %s'
                         % (request.method, request.path))

    @route('POST', PROXY + '/(?:Users|Groups)')
    def proxy_create(self, request, prefix, system_id):
        return self.unsupported(request, prefix, system_id)

    @route('PUT', PROXY + '/(?:Users|Groups)/[^/]+')
    def proxy_put(self, request, prefix, system_id):
        return self.unsupported(request, prefix, system_id)

    @route('DELETE', PROXY + '/(?:Users|Groups)/[^/]+')
    def proxy_delete(self, request, prefix, system_id):
        return self.unsupported(request, prefix, system_id)


class SoapBackend:
    """s4hana.cloud.api.version 1: business users through QueryBusinessUserIn / ManageBusinessUserIn."""

    def __init__(self, url, session):
        self.url = url
        self.session = session

    def post(self, path, body):
        response = self.send(path, body)
        if response.status_code == 404 and '/scs_ext/' in path:
            # A tenant that serves the SOAP services only under /scs/ (tenant variant s4_soap_scs_only): what SAP's
            # connector does there is unconfirmed; the emulated one tries the other path.
            path = path.replace('/scs_ext/', '/scs/')
            response = self.send(path, body)
        if response.status_code != 200:
            raise BackendError('POST %s returned HTTP %d: %s' % (path, response.status_code, short(response)))
        try:
            return ElementTree.fromstring(response.content)
        except ElementTree.ParseError:
            raise BackendError('POST %s returned no XML' % path)

    def send(self, path, body):
        try:
            response = self.session.post(self.url + path, data=body.encode('utf-8'), timeout=30,
                                         headers={'Content-Type': 'text/xml; charset=utf-8'})
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.url, exc.__class__.__name__))
        return response

    def business_users(self):
        root = self.post(S4_QUERY, SOAP_QUERY_ALL)
        out = []
        for item in (e for e in root.iter() if local(e.tag) == 'BusinessUser'):
            user = (children(item, 'User') or [None])[0]
            if user is None:
                continue  # a worker without a business user is not a SCIM user
            personal = (children(item, 'PersonalInformation') or [None])[0]
            workplace = (children(item, 'WorkplaceInformation') or [None])[0]
            out.append({'worker': text_of(item, 'PersonExternalID'), 'id': text_of(user, 'UserID'),
                        'userName': text_of(user, 'UserName'), 'locked': text_of(user, 'LockedIndicator') == 'true',
                        'first': text_of(personal, 'FirstName') or '', 'last': text_of(personal, 'LastName') or '',
                        'email': text_of(workplace, 'EmailAddress'),
                        'roles': [text_of(r, 'RoleName') for r in children(user, 'Role')]})
        return out

    @staticmethod
    def scim_user(bu):
        return {'schemas': [SCIM_USER], 'id': bu['id'], 'externalId': bu['worker'], 'userName': bu['userName'],
                'name': {'givenName': bu['first'], 'familyName': bu['last']},
                'emails': [{'value': bu['email'], 'primary': True}] if bu['email'] else [],
                'active': not bu['locked'], 'groups': [{'value': r, 'display': r} for r in bu['roles']],
                'meta': {'resourceType': 'User'}}

    def resources(self, resource):
        users = self.business_users()
        if resource == 'Users':
            return [self.scim_user(u) for u in users]
        roles = sorted(set(r for u in users for r in u['roles']))
        return [{'schemas': [SCIM_GROUP], 'id': r, 'displayName': r, 'meta': {'resourceType': 'Group'},
                 'members': [{'value': u['id'], 'type': 'User'} for u in users if r in u['roles']]} for r in roles]

    def page(self, resource, query):
        return page_of(filtered(self.resources(resource), query), query, PROXY_DEFAULT_COUNT, PROXY_MAX_COUNT)

    def read(self, resource, key):
        return next((r for r in self.resources(resource) if r['id'] == key), None)

    def patch_group(self, key, operations):
        users = dict((u['id'], u) for u in self.business_users())
        for op, user_ids in operations:
            for user_id in user_ids:
                if user_id not in users:
                    raise BackendError('user %s not found' % user_id)
                root = self.post(S4_MANAGE, SOAP_ROLE_CHANGE % (escape(users[user_id]['worker']),
                                                                '01' if op == 'add' else '03', escape(key)))
                errors = [text_of(i, 'Note') for i in root.iter() if local(i.tag) == 'Item' and
                          text_of(i, 'SeverityCode') == '3']
                if errors:
                    raise BackendError('ManageBusinessUserIn: %s' % errors[0])
        return True


class ScimBackend:
    """s4hana.cloud.api.version 3: the SCIM API of SAP_COM_0465, paged and filtered by S/4HANA itself."""

    def __init__(self, url, session):
        self.base = url + S4_SCIM
        self.session = session

    def get(self, path, params=None, headers=None, missing_ok=False):
        try:
            response = self.session.get(self.base + path, params=params, headers=headers, timeout=30)
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.base, exc.__class__.__name__))
        if missing_ok and response.status_code == 404:
            return None, response
        if response.status_code != 200:
            raise BackendError('GET %s%s returned HTTP %d: %s' % (S4_SCIM, path, response.status_code, short(response)))
        return response.json(), response

    def page(self, resource, query):
        params = dict((k, v) for k, v in query.items() if k in ('startIndex', 'count', 'filter'))
        params['count'] = str(min(int(params.get('count') or PROXY_DEFAULT_COUNT), PROXY_MAX_COUNT))
        return self.get('/' + resource, params)[0]

    def read(self, resource, key):
        return self.get('/%s/%s' % (resource, key), missing_ok=True)[0]

    def patch_group(self, key, operations):
        found, response = self.get('/Groups/%s' % key, headers={'X-CSRF-Token': 'Fetch'}, missing_ok=True)
        if found is None:
            return False
        body = {'schemas': ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations': [
            {'op': op, 'path': 'members', 'value': [{'value': u} for u in user_ids]} for op, user_ids in operations]}
        try:
            result = self.session.patch(self.base + '/Groups/%s' % key, json=body, timeout=30,
                                        headers={'X-CSRF-Token': response.headers.get('x-csrf-token', ''),
                                                 'Content-Type': 'application/scim+json'})
        except requests.RequestException as exc:
            raise BackendError('cannot connect to %s: %s' % (self.base, exc.__class__.__name__))
        if result.status_code not in (200, 204):
            raise BackendError('PATCH %s/Groups/%s returned HTTP %d: %s' % (S4_SCIM, key, result.status_code,
                                                                            short(result)))
        return True


def short(response):
    """A one-line reason from a back-end answer (HTML title, JSON detail or text)."""
    text = response.text or ''
    title = re.search(r'<title>(.*?)</title>', text, re.I | re.S)
    if title:
        return title.group(1).strip()
    try:
        body = response.json()
        return str(body.get('detail') or body.get('error') or body)[:200]
    except ValueError:
        fault = re.search(r'<faultstring[^>]*>(.*?)</faultstring>', text, re.S)
        return (fault.group(1) if fault else text.strip())[:200] or response.reason
