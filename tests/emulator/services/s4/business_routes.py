"""Routes of the business-user APIs of the emulated S/4HANA Cloud tenant (state and rules in business_model.py).

S4Tenant (routes.py) mixes this in, so these routes share the tenant's logon, lockout, scenario authorization
(SAP_COM_0093/0193 for the SOAP services, SAP_COM_0465 for SCIM, SAP_COM_0008 for the Business Partner API) and
CSRF handling.

- QueryBusinessUserIn / ManageBusinessUserIn, SOAP 1.1 (documented; element names from SAP's published WSDL).
- API_BUSINESS_PARTNER, OData V2 (observed): A_BusinessPartner and A_BusinessPartnerRole, read only, with the V2
  {"d": ...} wrapper and V2 error bodies.
- SCIM 2.0 of SAP_COM_0465 (documented): /Users (id = business user ID, externalId = worker ID) and /Groups
  (id = BROL_<business role>), list/read and PATCH of group members.
"""

import time
import uuid
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from emulator.core import HttpError, Response, json_response, route, text_response
from emulator.odata import ODataFilter
from emulator.scim import SCIM_GROUP, SCIM_USER, filtered, member_operations, page_of, scim_error, scim_response
from emulator.services.s4.business_model import BETWEEN, EQUAL, ROLE_GROUP_PREFIX, SELECTED_BY
from emulator.services.s4.paths import BP, MANAGE_PATH, QUERY_PATH, SCIM
from emulator.soap import children, element, local, soap_envelope, soap_fault, text_of

ABA = 'http://sap.com/xi/ABA'
# The element suffix of each selection interval's boundaries (LowerBoundary<suffix>, UpperBoundary<suffix>).
BOUNDARY_SUFFIX = {
    'PersonExternalIDInterval': 'PersonExtID', 'PersonIDInterval': 'PersonID',
    'BusinessPartnerRoleCodeInterval': 'BusinessPartnerRoleCode', 'UserIDInterval': 'UserID',
    'UserNameInterval': 'UserName', 'FirstNameInterval': 'FirstName', 'LastNameInterval': 'LastName',
    'EmailAddressInterval': 'EmailAddress',
}
DEFAULT_QUERY_HITS = 1000  # QueryHitsMaximumNumberValue default (documented)
V2_DATE_MIN, V2_DATE_MAX = '/Date(1514764800000+0000)/', '/Date(253402214400000+0000)/'


def log_xml(items):
    severity = max([i[0] for i in items] or ['1'])
    return '<Log><MaximumLogItemSeverityCode>%s</MaximumLogItemSeverityCode>%s</Log>' % (severity, ''.join(
        '<Item><TypeID>%s</TypeID><SeverityCode>%s</SeverityCode><Note>%s</Note></Item>' % (type_id, sev, escape(note))
        for sev, type_id, note in items))


def v2_error(status, code, message):
    return HttpError(json_response(status, {'error': {
        'code': code, 'message': {'lang': 'en', 'value': message},
        'innererror': {'transactionid': uuid.uuid4().hex.upper(), 'timestamp': time.strftime('%Y%m%d%H%M%S'),
                       'errordetails': []}}}, {'DataServiceVersion': '2.0'}))


class BusinessRoutes:
    """Business-user routes of an S/4HANA Cloud tenant."""

    # ---- QueryBusinessUserIn (SOAP) ----

    @staticmethod
    def soap_body(request, root_name):
        try:
            root = ElementTree.fromstring(request.body or b'')
        except ElementTree.ParseError as exc:
            raise soap_fault(500, 'The request is not well-formed XML: %s' % exc)
        body = next((e for e in root.iter() if local(e.tag) == root_name), None)
        if body is None:
            raise soap_fault(500, 'Expected %s in the SOAP body' % root_name)
        return body

    @route('POST', QUERY_PATH)
    def query_business_users(self, request):
        query = self.soap_body(request, 'BusinessUserSimpleByElementsQuery_sync')
        selection = children(query, 'BusinessUser')
        conditions = children(query, 'QueryProcessingConditions')
        hits = self.model.select_workers(self.selection(selection[0] if selection else None))
        condition = conditions[0] if conditions else None
        if text_of(condition, 'QueryHitsUnlimitedIndicator') == 'true':
            limit = len(hits)
        else:
            limit = int(text_of(condition, 'QueryHitsMaximumNumberValue') or DEFAULT_QUERY_HITS)
        returned = hits[:limit]
        body = ''.join(self.business_user_xml(w) for w in returned)
        body += ('<ResponseProcessingConditions><HitsTotalNumberValue>%d</HitsTotalNumberValue>'
                 '<ReturnedQueryHitsNumberValue>%d</ReturnedQueryHitsNumberValue>'
                 '<MoreHitsAvailableIndicator>%s</MoreHitsAvailableIndicator></ResponseProcessingConditions>'
                 % (len(hits), len(returned), 'true' if len(hits) > len(returned) else 'false'))
        body += log_xml([])
        return text_response(200, soap_envelope('<n0:BusinessUserSimplyByElementsResponse_sync xmlns:n0="%s">%s'
                                                '</n0:BusinessUserSimplyByElementsResponse_sync>' % (ABA, body)),
                             'text/xml; charset=utf-8')

    @staticmethod
    def selection(node):
        """{interval name: [(boundary code, low, high)]} of a BusinessUser selection node."""
        groups = {}
        for item in list(node) if node is not None else []:
            name = local(item.tag)
            if name not in SELECTED_BY:
                raise soap_fault(500, 'Unknown selection %s' % name)
            suffix = BOUNDARY_SUFFIX[name]
            code = text_of(item, 'IntervalBoundaryTypeCode')
            if code not in (EQUAL, BETWEEN):
                raise soap_fault(500, 'IntervalBoundaryTypeCode %s is not implemented by the emulator' % code)
            groups.setdefault(name, []).append((code, text_of(item, 'LowerBoundary' + suffix),
                                                text_of(item, 'UpperBoundary' + suffix)))
        return groups

    @staticmethod
    def business_user_xml(worker):
        user = worker.get('User')
        parts = [element('PersonExternalID', worker['PersonExternalID']), element('PersonID', worker['PersonID']),
                 element('PersonUUID', worker['PersonUUID']),
                 element('BusinessPartnerRoleCode', worker['BusinessPartnerRoleCode']),
                 element('MarkedForArchivingIndicator', 'true' if worker['MarkedForArchiving'] else 'false'),
                 '<PersonalInformation>%s%s%s</PersonalInformation>' % (
                     element('FirstName', worker['FirstName']), element('LastName', worker['LastName']),
                     element('PersonFullName', ('%s %s' % (worker['FirstName'], worker['LastName'])).strip()))]
        if user:
            parts.append('<User>%s%s%s%s%s</User>' % (
                element('UserID', user['UserID']), element('UserName', user['UserName']),
                element('LogonLanguageCode', user['LogonLanguageCode']),
                element('LockedIndicator', 'true' if user['Locked'] else 'false'),
                ''.join('<Role>%s</Role>' % element('RoleName', r) for r in user['Roles'])))
        if worker['Email']:
            parts.append('<WorkplaceInformation>%s</WorkplaceInformation>' % element('EmailAddress', worker['Email']))
        return '<BusinessUser>%s</BusinessUser>' % ''.join(parts)

    # ---- ManageBusinessUserIn (SOAP) ----

    @route('POST', MANAGE_PATH)
    def manage_business_users(self, request):
        bundle = self.soap_body(request, 'BusinessUserBundleMaintainRequest_sync')
        confirmations = []
        for item in children(bundle, 'BusinessUser'):
            person = text_of(item, 'PersonExternalID')
            log = self.model.maintain(person, self.user_change(item))
            worker = self.model.worker(person)
            ids = ''.join((element('PersonExternalID', worker['PersonExternalID']),
                           element('PersonID', worker['PersonID']), element('PersonUUID', worker['PersonUUID']))) \
                if worker else element('PersonExternalID', person)
            confirmations.append('<BusinessUser>%s%s</BusinessUser>' % (ids, log_xml(log)))
        self.model.save()
        return text_response(200, soap_envelope('<n0:BusinessUserBundleMaintainConfirmation_sync xmlns:n0="%s">%s'
                                                '</n0:BusinessUserBundleMaintainConfirmation_sync>'
                                                % (ABA, ''.join(confirmations))), 'text/xml; charset=utf-8')

    @staticmethod
    def user_change(item):
        """The User node of one BusinessUser as the model takes it (None without one)."""
        nodes = children(item, 'User')
        if not nodes:
            return None
        node = nodes[0]
        return {'action': node.get('actionCode', '02'), 'UserName': text_of(node, 'UserName'),
                'LockedIndicator': text_of(node, 'LockedIndicator'),
                'complete': node.get('roleListCompleteTransmissionIndicator') == 'true',
                'roles': [(text_of(r, 'RoleName'), r.get('actionCode', '01')) for r in children(node, 'Role')]}

    # ---- API_BUSINESS_PARTNER (OData V2) ----

    def bp_uri(self, relative):
        return '%s%s/%s' % (self.url, BP, relative)

    def bp_entity(self, worker, expand):
        key = "A_BusinessPartner('%s')" % worker['PersonID']
        full = ('%s %s' % (worker['FirstName'], worker['LastName'])).strip()
        entity = {'__metadata': {'id': self.bp_uri(key), 'uri': self.bp_uri(key),
                                 'type': 'API_BUSINESS_PARTNER.A_BusinessPartnerType'},
                  'BusinessPartner': worker['PersonID'], 'BusinessPartnerCategory': '1',
                  'BusinessPartnerFullName': full, 'PersonFullName': full, 'FirstName': worker['FirstName'],
                  'LastName': worker['LastName'], 'BusinessPartnerUUID': worker['PersonUUID'],
                  'IsMarkedForArchiving': bool(worker['MarkedForArchiving']), 'BusinessPartnerIsBlocked': False}
        roles = [self.bp_role(worker)]
        entity['to_BusinessPartnerRole'] = {'results': roles} if expand else \
            {'__deferred': {'uri': self.bp_uri(key + '/to_BusinessPartnerRole')}}
        return entity

    def bp_role(self, worker):
        key = "A_BusinessPartnerRole(BusinessPartner='%s',BusinessPartnerRole='%s')" % (
            worker['PersonID'], worker['BusinessPartnerRoleCode'])
        return {'__metadata': {'id': self.bp_uri(key), 'uri': self.bp_uri(key),
                               'type': 'API_BUSINESS_PARTNER.A_BusinessPartnerRoleType'},
                'BusinessPartner': worker['PersonID'], 'BusinessPartnerRole': worker['BusinessPartnerRoleCode'],
                'ValidFrom': V2_DATE_MIN, 'ValidTo': V2_DATE_MAX, 'AuthorizationGroup': ''}

    @staticmethod
    def v2_options(request, expandable):
        unsupported = sorted(k for k in request.query if k.startswith('$') and
                             k not in ('$filter', '$expand', '$top', '$skip', '$format', '$inlinecount'))
        if unsupported:
            raise v2_error(400, 'EMULATOR/QUERY_OPTION', 'The emulator does not implement %s' % ', '.join(unsupported))
        expand = [e.strip() for e in (request.query.get('$expand') or '').split(',') if e.strip()]
        if any(e not in expandable for e in expand):
            raise v2_error(400, '/IWBEP/CM_MGW_RT/022', 'Property %s is not a navigation property' % expand[0])
        condition = None
        if request.query.get('$filter'):
            try:
                condition = ODataFilter(request.query['$filter'])
            except HttpError:
                raise v2_error(400, '/IWBEP/CM_MGW_RT/004', 'Invalid filter expression %r' % request.query['$filter'])
        try:
            top = int(request.query['$top']) if '$top' in request.query else None
            skip = int(request.query.get('$skip') or 0)
        except ValueError:
            raise v2_error(400, '/IWBEP/CM_MGW_RT/004', '$top and $skip take integers')
        return expand, condition, top, skip

    @staticmethod
    def v2_collection(rows, condition, top, skip, request):
        rows = [r for r in rows if condition is None or condition.matches(r)]
        total = len(rows)
        rows = rows[skip:] if top is None else rows[skip:skip + top]
        body = {'results': rows}
        if request.query.get('$inlinecount') == 'allpages':
            body['__count'] = str(total)
        return json_response(200, {'d': body}, {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/?')
    def bp_service_document(self, request):
        return json_response(200, {'d': {'EntitySets': ['A_BusinessPartner', 'A_BusinessPartnerRole']}},
                             {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/A_BusinessPartner')
    def bp_list(self, request):
        expand, condition, top, skip = self.v2_options(request, ('to_BusinessPartnerRole',))
        rows = [self.bp_entity(w, bool(expand)) for w in self.model.workers()]
        return self.v2_collection(rows, condition, top, skip, request)

    @route('GET', BP + r"/A_BusinessPartner\('(?P<key>[^']*)'\)")
    def bp_read(self, request, key):
        expand = self.v2_options(request, ('to_BusinessPartnerRole',))[0]
        worker = self.model.worker_by_person_id(key)
        if worker is None:
            raise v2_error(404, '/IWBEP/CM_MGW_RT/020', "Resource not found for segment 'A_BusinessPartner'")
        return json_response(200, {'d': self.bp_entity(worker, bool(expand))}, {'DataServiceVersion': '2.0'})

    @route('GET', BP + '/A_BusinessPartnerRole')
    def bp_role_list(self, request):
        condition, top, skip = self.v2_options(request, ())[1:]
        return self.v2_collection([self.bp_role(w) for w in self.model.workers()], condition, top, skip, request)

    # ---- SCIM 2.0 (SAP_COM_0465) ----

    def scim_user(self, worker):
        user = worker['User']
        return {'schemas': [SCIM_USER], 'id': user['UserID'], 'externalId': worker['PersonExternalID'],
                'userName': user['UserName'],
                'displayName': ('%s %s' % (worker['FirstName'], worker['LastName'])).strip(),
                'name': {'givenName': worker['FirstName'], 'familyName': worker['LastName']},
                'emails': [{'value': worker['Email'], 'primary': True}] if worker['Email'] else [],
                'active': not user['Locked'], 'userType': 'Employee',
                'groups': [{'value': ROLE_GROUP_PREFIX + r, 'display': r, 'type': 'authorization'}
                           for r in user['Roles']],
                'meta': {'resourceType': 'User', 'location': '%s%s/Users/%s' % (self.url, SCIM, user['UserID'])}}

    def scim_group(self, role):
        members = [{'value': w['User']['UserID'], 'type': 'User'} for w in self.model.workers()
                   if w.get('User') and role['ID'] in w['User']['Roles']]
        return {'schemas': [SCIM_GROUP], 'id': ROLE_GROUP_PREFIX + role['ID'], 'displayName': role['ID'],
                'urn:ietf:params:scim:schemas:extension:sap:2.0:Group': {
                    'type': 'authorization', 'description': role['Description']},
                'members': members,
                'meta': {'resourceType': 'Group', 'location': '%s%s/Groups/%s%s' % (self.url, SCIM, ROLE_GROUP_PREFIX,
                                                                                    role['ID'])}}

    @route('GET', SCIM + '/Users')
    def scim_user_list(self, request):
        users = [self.scim_user(w) for w in self.model.workers() if w.get('User')]
        return scim_response(200, page_of(filtered(users, request.query), request.query, 100, 1000))

    @route('GET', SCIM + '/Users/(?P<key>[^/]+)')
    def scim_user_read(self, request, key):
        worker = self.model.worker_by_user_id(key)
        if worker is None:
            raise scim_error(404, 'User %s not found' % key)
        return scim_response(200, self.scim_user(worker))

    @route('GET', SCIM + '/Groups')
    def scim_group_list(self, request):
        groups = [self.scim_group(role) for role in self.model.business_roles()]
        return scim_response(200, page_of(filtered(groups, request.query), request.query, 100, 1000))

    @route('GET', SCIM + '/Groups/(?P<key>[^/]+)')
    def scim_group_read(self, request, key):
        return scim_response(200, self.scim_group(self.model.role_of_group(key)))

    @route('PATCH', SCIM + '/Groups/(?P<key>[^/]+)')
    def scim_group_patch(self, request, key):
        role = self.model.role_of_group(key)
        self.model.change_role_members(role, member_operations(request))
        return Response(204, b'')
