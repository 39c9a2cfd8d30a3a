"""Routes of an emulated SAP S/4HANA Cloud (public edition) tenant: communication management, scenario SAP_COM_0A48.

Three OData V4 services at their real base paths (communication users, systems, arrangements), behind the
tenant's own logon (Basic auth with the communication user's name, or a client certificate), scenario-based
authorization and Gateway CSRF protection. The rules live in the model (model.py); here requests are parsed, the
model is called and its answers and refusals are shaped. The provenance of every route and rule is listed in
tests/emulator/README.md.
"""

import secrets
from http.cookies import CookieError, SimpleCookie

from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.model import Refused
from emulator.odata import ODataAnswers, check_payload, metadata, v4_error
from emulator.scim import scim_error
from emulator.services.s4.business_routes import BusinessRoutes
from emulator.services.s4.certificate_routes import CertificateRoutes
from emulator.services.s4.model import ARRANGEMENT_NAVS, ITEM_NAVS, SYSTEM_USER_TABLES, S4Model
from emulator.services.s4.paths import CA, CS, CU, SCIM

# Gateway CSRF protection covers OData and the SCIM interface; SOAP has none.
CSRF_PROTECTED = ('/sap/opu/', '/sap/bc/http/sap/aps_iam_api_scim')
SESSION_COOKIE = 'SAP_SESSIONID_EMU_100'
XSRF_COOKIE = 'sap-XSRF_EMU_100'

LOGON_REALM = 'Basic realm="SAP NetWeaver Application Server [EMU/100]"'
LOGON_FAILED = ('<html><head><title>Logon failed</title></head><body><h1>Logon failed</h1>'
                '<p>The user name and password combination is not valid, or the user is locked.</p></body></html>')
ITEMS = tuple(nav for nav, _key in ITEM_NAVS)  # the arrangement's item lists, written deep
UUID_KEY = r'\((?P<key>[0-9a-fA-F-]{36})\)'


class S4Tenant(CertificateRoutes, BusinessRoutes, ODataAnswers, Service):
    """One S/4HANA Cloud tenant (API host)."""

    kind = 's4'
    model_class = S4Model
    hidden = ('Password',)  # write-only: never in any response

    def __init__(self, name, config, emulator):
        self.sessions = {}  # CSRF sessions live in memory only, as a real session does not survive a restart
        super().__init__(name, config, emulator)

    def reset(self):
        self.sessions.clear()
        super().reset()

    def inject(self, action, params):
        if action == 'csrf_expire':
            self.sessions.clear()
            return True
        return super().inject(action, params)

    # ---- logon, authorization, CSRF: every request to the tenant passes here ----

    def handle(self, request):
        model = self.model
        try:
            self.check_client(request)
            served = model.soap_path()
            if served and request.path.startswith('/sap/bc/srt/') and \
                    not request.path.startswith('/sap/bc/srt/%s/' % served):
                raise HttpError(self.not_found(request))  # variant: the SOAP services only under one ICF path
            user = model.logon(request.basic_auth(), request.client_cert)
            if user is None:
                raise self.logon_failed()
            self.authorize(user, request.path)
            protected = request.path.startswith(CSRF_PROTECTED)
            if protected and request.method not in ('GET', 'HEAD'):
                self.check_csrf(request, user)
            if request.method == 'DELETE' and request.path.startswith((CU, CS, CA)):
                model.refuse_delete()
        except HttpError as exc:
            return exc.response
        except Refused as exc:
            return self.refused(request, exc)
        response = super().handle(request)
        if protected and request.method not in ('GET', 'HEAD') and response.status < 300 \
                and model.csrf_token_per_write():
            self.sessions.clear()  # variant: the token is good for one write
        if protected and request.method == 'GET' and (request.header('X-CSRF-Token') or '').lower() == 'fetch' \
                and response.status < 500:
            self.issue_csrf(request, user, response)
        return response

    def refused(self, request, refusal):
        """A refusal in the format of the interface the request went to: SCIM's or OData V4's (the SOAP and
        Business Partner routes answer their refusals themselves)."""
        if request.path.startswith(SCIM):
            return scim_error(refusal.status, refusal.message, refusal.code).response
        return v4_error(refusal.status, refusal.code, refusal.message, refusal.target).response

    def check_client(self, request):
        """Variant sap_client_required: the API host has no default client, so every request names one."""
        client = self.model.required_client()
        if client and request.query.get('sap-client') != client:
            raise HttpError(text_response(400, 'Logon client missing or unknown: pass the URL parameter sap-client=<'
                                               'client> (the tenant\'s client); got %r'
                                               % request.query.get('sap-client')))

    def logon_failed(self):
        # Variant logon_page_status: the logon page comes with HTTP 200, as a browser-facing ICF node answers.
        return HttpError(text_response(self.model.logon_page_status(), LOGON_FAILED,
                                       'text/html; charset=utf-8', {'WWW-Authenticate': LOGON_REALM}))

    def authorize(self, user, path):
        """A user bound to no arrangement gets the logon page (401, as for a wrong password or a locked user,
        observed); one bound only to arrangements of other scenarios gets a 403 (unconfirmed)."""
        if not self.model.bound_scenarios(user):
            if self.model.unbound_user_forbidden():
                raise HttpError(text_response(403, 'No authorization: communication user %s is not the inbound user '
                                                   'of any communication arrangement' % user['Name']))
            raise self.logon_failed()
        if not self.model.granted(user, path):
            raise HttpError(text_response(403, 'No authorization: communication user %s is not the inbound user of a '
                                               'communication arrangement whose scenario grants %s'
                                               % (user['Name'], path)))

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

    # ---- OData: the generic part is emulator/odata.py; here the tenant's payloads and navigations ----

    def payload(self, request, service, type_name, flag, extra=()):
        """The JSON body, checked against the field definitions the tenant declares."""
        return check_payload(request, self.model.entity_type(service, type_name), flag, extra)

    def navigation(self, table, entity, nav):
        if table == 'systems':
            child = SYSTEM_USER_TABLES[nav]
            return [self.render(child, c) for c in self.model.children(child, entity['UUID'])]
        value = entity.get(nav)
        if isinstance(value, list):
            return [self.render(None, v) for v in value]
        return self.render(None, value) if value else None

    def metadata(self, service):
        return metadata(self.model.services()[service], concurrency=self.model.etag_enforced(),
                        max_lengths=self.model.declares_max_lengths())

    def if_match(self, request, entity):
        self.model.check_etag(entity, request.header('If-Match'))

    # ---- communication users ----

    @route('GET', CU + '/?')
    def users_service(self, request):
        return self.service_document(['CommunicationUsers'])

    @route('GET', CU + r'/\$metadata')
    def users_metadata(self, request):
        return self.metadata('cu')

    @route('GET', CU + '/CommunicationUsers')
    def users_list(self, request):
        return self.collection(request, 'CommunicationUsers', 'users', list(self.model.state['users'].values()))

    @route('POST', CU + '/CommunicationUsers')
    def users_create(self, request):
        user = self.model.create_user(self.payload(request, 'cu', 'CommunicationUser', 'c'))
        return self.created(CU, "CommunicationUsers('%s')" % user['ID'], 'users', user)

    @route('GET', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_read(self, request, key):
        return self.single(request, 'CommunicationUsers', 'users', self.model.user(key))

    @route('PATCH', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_update(self, request, key):
        user = self.model.user(key)
        self.if_match(request, user)
        self.model.update_user(user, self.payload(request, 'cu', 'CommunicationUser', 'u'))
        return self.updated(request, 'users', user)

    @route('DELETE', CU + r"/CommunicationUsers\('(?P<key>[^']*)'\)")
    def user_delete(self, request, key):
        user = self.model.user(key)
        self.if_match(request, user)
        self.model.delete_user(user)
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
        return self.collection(request, 'CommunicationSystems', 'systems', list(self.model.state['systems'].values()))

    @route('POST', CS + '/CommunicationSystems')
    def systems_create(self, request):
        body = self.payload(request, 'cs', 'CommunicationSystem', 'c', ('InboundUsers', 'OutboundUsers'))
        system = self.model.create_system(body)
        return self.created(CS, 'CommunicationSystems(%s)' % system['UUID'], 'systems', system)

    @route('GET', CS + '/CommunicationSystems' + UUID_KEY)
    def system_read(self, request, key):
        return self.single(request, 'CommunicationSystems', 'systems', self.model.system(key))

    @route('PATCH', CS + '/CommunicationSystems' + UUID_KEY)
    def system_update(self, request, key):
        system = self.model.system(key)
        self.if_match(request, system)
        self.model.update_system(system, self.payload(request, 'cs', 'CommunicationSystem', 'u'))
        return self.updated(request, 'systems', system)

    @route('DELETE', CS + '/CommunicationSystems' + UUID_KEY)
    def system_delete(self, request, key):
        system = self.model.system(key)
        self.if_match(request, system)
        self.model.delete_system(system)
        return self.deleted()

    @route('GET', CS + '/CommunicationSystems' + UUID_KEY + '/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_list(self, request, key, nav):
        system = self.model.system(key)
        table = SYSTEM_USER_TABLES[nav]
        return self.collection(request, nav, table, self.model.children(table, system['UUID']))

    @route('POST', CS + '/CommunicationSystems' + UUID_KEY + '/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_create(self, request, key, nav):
        system = self.model.system(key)
        body = self.payload(request, 'cs', nav[:-1], 'c')
        body['CommunicationSystemUUID'] = system['UUID']
        return self.system_user_created(nav, self.model.create_system_user(nav, body))

    @route('GET', CS + r'/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_all(self, request, nav):
        table = SYSTEM_USER_TABLES[nav]
        return self.collection(request, nav, table, list(self.model.state[table].values()))

    @route('POST', CS + r'/(?P<nav>InboundUsers|OutboundUsers)')
    def system_users_post(self, request, nav):
        body = self.payload(request, 'cs', nav[:-1], 'c')
        return self.system_user_created(nav, self.model.create_system_user(nav, body, system_given=False))

    def system_user_created(self, nav, child):
        return self.created(CS, '%s(%s)' % (nav, child['UUID']), SYSTEM_USER_TABLES[nav], child)

    @route('GET', CS + r'/(?P<nav>InboundUsers|OutboundUsers)' + UUID_KEY)
    def system_user_read(self, request, nav, key):
        return self.single(request, nav, SYSTEM_USER_TABLES[nav], self.model.system_user(nav, key))

    @route('PATCH', CS + r'/(?P<nav>InboundUsers|OutboundUsers)' + UUID_KEY)
    def system_user_update(self, request, nav, key):
        child = self.model.system_user(nav, key)
        self.if_match(request, child)
        self.model.update_system_user(nav, child, self.payload(request, 'cs', nav[:-1], 'u'))
        return self.updated(request, SYSTEM_USER_TABLES[nav], child)

    @route('DELETE', CS + r'/(?P<nav>InboundUsers|OutboundUsers)' + UUID_KEY)
    def system_user_delete(self, request, nav, key):
        child = self.model.system_user(nav, key)
        self.if_match(request, child)
        self.model.delete_system_user(nav, child)
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
        rows = self.model.scenario_list()
        if rows is None:
            return self.not_found(request)
        return self.collection(request, 'CommunicationScenarios', 'scenarios', rows)

    @route('GET', CA + '/CommunicationArrangements')
    def arrangements_list(self, request):
        return self.collection(request, 'CommunicationArrangements', 'arrangements',
                               list(self.model.state['arrangements'].values()))

    @route('POST', CA + '/CommunicationArrangements')
    def arrangements_create(self, request):
        arrangement = self.model.create_arrangement(
            self.payload(request, 'ca', 'CommunicationArrangement', 'c', ARRANGEMENT_NAVS))
        return self.created(CA, 'CommunicationArrangements(%s)' % arrangement['UUID'], 'arrangements', arrangement,
                            ARRANGEMENT_NAVS)

    @route('GET', CA + '/CommunicationArrangements' + UUID_KEY)
    def arrangement_read(self, request, key):
        return self.single(request, 'CommunicationArrangements', 'arrangements', self.model.arrangement(key))

    @route('PATCH', CA + '/CommunicationArrangements' + UUID_KEY)
    def arrangement_update(self, request, key):
        arrangement = self.model.arrangement(key)
        self.if_match(request, arrangement)
        self.model.update_arrangement(arrangement, self.payload(request, 'ca', 'CommunicationArrangement', 'u', ITEMS))
        return self.updated(request, 'arrangements', arrangement)

    @route('DELETE', CA + '/CommunicationArrangements' + UUID_KEY)
    def arrangement_delete(self, request, key):
        arrangement = self.model.arrangement(key)
        self.if_match(request, arrangement)
        self.model.delete_arrangement(arrangement)
        return self.deleted()

    @route('GET', CA + '/CommunicationArrangements' + UUID_KEY + '/(?P<nav>%s)' % '|'.join(ARRANGEMENT_NAVS))
    def arrangement_nav_read(self, request, key, nav):
        value = self.model.arrangement(key).get(nav)
        if isinstance(value, list):
            return json_response(200, {'@odata.context': '$metadata#%s' % nav,
                                       'value': [self.render(None, v) for v in value]})
        value = self.model.binding(key, nav)
        return json_response(200, self.render(None, value), {'OData-Version': '4.0', 'ETag': value['_etag']})

    @route('PATCH', CA + '/CommunicationArrangements' + UUID_KEY + '/(?P<nav>InboundUser|OutboundUser)')
    def arrangement_binding_update(self, request, key, nav):
        arrangement = self.model.arrangement(key)
        self.if_match(request, self.model.binding(key, nav))
        binding = self.model.set_binding(arrangement, nav, self.payload(request, 'ca', nav + 'Binding', 'u'), key)
        return self.updated(request, None, binding)

    @route('POST', CA + '/CommunicationArrangements' + UUID_KEY + '/(?P<nav>InboundUser|OutboundUser)')
    def arrangement_binding_create(self, request, key, nav):
        arrangement = self.model.arrangement(key)
        self.model.refuse_second_binding(arrangement, nav)
        binding = self.model.set_binding(arrangement, nav, self.payload(request, 'ca', nav + 'Binding', 'u'), key)
        return self.created(CA, 'CommunicationArrangements(%s)/%s' % (key, nav), None, binding)
