"""Routes of an emulated SAP Identity Provisioning (IPS) tenant on SAP BTP, Neo: proxy systems and the proxy SCIM
API. State and rules are in model.py; the proxy's calls to the system behind it in connector.py.

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
"""

import copy
import os
from urllib.parse import urlsplit

from emulator.core import HttpError, Response, Service, json_response, route, text_response
from emulator.scim import eq_filter, member_operations, scim_error, scim_response
from emulator.services.ips import connector
from emulator.services.ips.model import BackendError, IpsModel

CONTRACT = '/sapcloud-identity/ips/v1'
UI = '/emulator-ui/ips'
PROXY = r'(?P<prefix>/ipsproxy(?:/service)?/api/v1/scim)/(?P<system_id>[^/]+)'
# The CSV export for IDM: same layout as the collection writes (third-party imitation of IPS's export).
CSV_COLUMNS = ('Name', 'Description', 'Type', 'Disabled', 'TypeQN', 'AUTH_PASSWORD', 'AUTH_TYPE', 'AUTH_USER',
               'CONNECT_TIMEOUT', 'CONNECTION_KEEPALIVE', 'MX_PRIV_GROUPING_ATTRIBUTE', 'OAUTH_URL', 'PROXY_HOST',
               'PROXY_PASSWORD', 'PROXY_PORT', 'PROXY_USER', 'READ_TIMEOUT', 'SCIM_ASSIGNMENT_METHOD', 'SCIM_HOST',
               'SCIM_PATH', 'SCIM_PORT', 'SCIM_PROTOCOL', 'SYSTEM_PRIVILEGE', 'TRUSTSTORE', 'TRUSTSTORE_PASSWORD')


def contract_error(status, code, message):
    return HttpError(json_response(status, {'error': {'code': code, 'message': message}}))


def render(system):
    """The export shape: credential properties by name only, never their values."""
    out = dict((k, copy.deepcopy(v)) for k, v in system.items() if not k.startswith('_'))
    out['encryptedProperties'] = dict((name, None) for name in sorted(system['_credentials']))
    return out


class IpsTenant(Service):
    kind = 'ips'
    model_class = IpsModel
    scim_prefix = '/ipsproxy/api/v1/scim'

    def __init__(self, name, config, emulator):
        super().__init__(name, config, emulator)
        self.model.destinations = self.neo_destination
        self._certificate_files = None

    def neo_destination(self, account, name):
        """A subaccount-level destination, read from the configuration host in process."""
        return self.peer(self.config.get('config_host', 'neo_configapi')).subaccount_destination(account, name)

    def refused(self, request, refusal):
        """Contract and console routes answer in the contract's format, the proxy in SCIM's."""
        if refusal.code:
            return contract_error(refusal.status, refusal.code, refusal.message).response
        return scim_error(refusal.status, refusal.message).response

    # ---- the collection's own contract (never an SAP API) ----

    def admin(self, request):
        if not self.model.is_admin(request.basic_auth()):
            raise HttpError(json_response(401, {'error': {'code': 'UNAUTHORIZED', 'message': 'Unauthorized'}},
                                          {'WWW-Authenticate': 'Basic realm="IPS"'}))

    @route('GET', CONTRACT + '/systems')
    def contract_list(self, request):
        self.admin(request)
        return json_response(200, {'systems': [render(s) for s in self.model.systems(request.query.get('name'))]})

    @route('POST', CONTRACT + '/systems')
    def contract_create(self, request):
        self.admin(request)
        system = self.model.create(request.json())
        return json_response(201, render(system), {'Location': '%s%s/systems/%s' % (self.url, CONTRACT, system['id'])})

    @route('GET', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_read(self, request, system_id):
        self.admin(request)
        return json_response(200, render(self.model.system(system_id)))

    @route('PUT', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_replace(self, request, system_id):
        self.admin(request)
        system = self.model.system(system_id)
        return json_response(200, render(self.model.replace(system, request.json())))

    @route('DELETE', CONTRACT + '/systems/(?P<system_id>[^/]+)')
    def contract_delete(self, request, system_id):
        self.admin(request)
        self.model.delete(system_id)
        return Response(204, b'')

    # ---- emulator-only stand-ins for the admin console (never an SAP API) ----

    @route('POST', UI + '/import')
    def ui_import(self, request):
        """Add > Define from File."""
        self.admin(request)
        try:
            body = request.json()
        except ValueError:
            raise contract_error(400, 'INVALID', 'The file is not JSON')
        return json_response(201, render(self.model.import_file(body)))

    @route('PUT', UI + '/systems/(?P<system_id>[^/]+)/credentials')
    def ui_credentials(self, request, system_id):
        """Typing credential properties on the Properties tab."""
        self.admin(request)
        system = self.model.system(system_id)
        return json_response(200, render(self.model.set_credentials(system, request.json())))

    @route('GET', UI + '/systems/(?P<system_id>[^/]+)/export')
    def ui_export(self, request, system_id):
        self.admin(request)
        system = self.model.system(system_id)
        if request.query.get('format', 'json') == 'json':
            return json_response(200, render(system))
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
        generation = self.model.next_certificate_generation()
        certificate, key = authority.issue('Identity Provisioning %s %d' % (self.name, generation),
                                           organization='SAP IPS emulator', days=int(request.query.get('days') or 365))
        self.model.keep_certificate(certs.pem(certificate).decode('ascii'), certs.key_pem(key).decode('ascii'))
        self._certificate_files = None
        return text_response(200, self.model.certificate()['pem'], 'application/x-pem-file')

    def certificate_files(self):
        """(cert file, key file) of the tenant's certificate for requests, written (0600) next to the state."""
        if self._certificate_files is None:
            from emulator import certs
            folder = os.path.join(self.emulator.state_dir or '.', 'ips-certificate-%s' % self.name)
            os.makedirs(folder, exist_ok=True)
            held = self.model.certificate()
            stamp = str(abs(hash(held['pem'])))
            cert_path = certs.write(os.path.join(folder, stamp + '.pem'), held['pem'].encode())
            key_path = certs.write(os.path.join(folder, stamp + '-key.pem'), held['key'].encode())
            self._certificate_files = (cert_path, key_path)
        return self._certificate_files

    def token_url(self):
        return self.peer(self.config.get('oauth_host', 'neo_oauth')).url + '/oauth2/api/v1/token'

    def export_csv(self, system):
        """The CSV for IDM: connection constants filled, AUTH_USER/AUTH_PASSWORD left for the admin (documented)."""
        parts = urlsplit(self.url)
        values = {'Name': system['name'], 'Description': system['description'], 'Disabled': '0',
                  'TypeQN': 'com.sap.idm.connector.scim:reptype.SCIM', 'AUTH_TYPE': 'oauth',
                  'OAUTH_URL': self.token_url(),
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
        registration = oauth.registration(client_id) or {}
        account, provider = self.model.subscription()
        api = self.peer(self.config.get('api_host', 'neo_api'))
        holds_role = api.holds_role(account, provider, 'ipsproxy', 'IPS_PROXY_USER', 'oauth_client_%s' % client_id)
        self.model.check_proxy_caller(client_id, registration, holds_role)

    def proxy_system(self, request, prefix, system_id):
        if prefix != self.scim_prefix:
            raise HttpError(self.not_found(request))
        self.authorize_caller(request)
        system = self.model.proxy_system(system_id)
        eq_filter(request.query.get('filter'))  # the proxy supports `eq` only, whatever the back end does
        return system

    def backend(self, system):
        connection = self.model.connection(system)
        session = connector.emulated_session(self.emulator)
        if connection[1] is None:
            session.cert = self.certificate_files()
        return connector.backend(connection, session, self.model.sap_client(system))

    def proxy_call(self, request, prefix, system_id, call):
        system = self.proxy_system(request, prefix, system_id)
        try:
            return call(self.backend(system))
        except BackendError as exc:
            raise scim_error(self.model.backend_failure_status(), 'Back-end system call failed: %s' % exc)

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
