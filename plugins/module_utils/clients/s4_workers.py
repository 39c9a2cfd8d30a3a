# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SAP S/4HANA Cloud worker lookups, read-only: the only place that knows their URLs and message formats.

- QueryBusinessUserIn, SOAP 1.1 (CONFIRMED: SAP docs; element names OBSERVED in SAP's published WSDL), scenario
  SAP_COM_0093 or SAP_COM_0193, selected by PersonExternalID (the worker ID). Its path is an option, because
  tenants show both /sap/bc/srt/scs_ext/... and /sap/bc/srt/scs/....
- API_BUSINESS_PARTNER, OData V2 (documented), scenario SAP_COM_0008: A_BusinessPartner with its roles.
Both answer {id: {business_partner_role, person_id, archived[, user_name]}} for the IDs they find.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from xml.etree import ElementTree
from xml.sax.saxutils import escape

from ansible_collections.sapcloud.identity.plugins.module_utils.clients.s4 import s4_http
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError, describe_error
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.odata import (
    ODataService, any_of, describe_odata_error)

BUSINESS_PARTNER_SERVICE = '/sap/opu/odata/sap/API_BUSINESS_PARTNER'
# Only the root element of the query is namespace-qualified.
SOAP_ACTION = 'http://sap.com/xi/ABA/QueryBusinessUserIn/QueryBusinessUserInRequest'
SOAP_QUERY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:aba="http://sap.com/xi/ABA">'
    '<soapenv:Header/><soapenv:Body><aba:BusinessUserSimpleByElementsQuery_sync><BusinessUser>%s</BusinessUser>'
    '<QueryProcessingConditions><QueryHitsUnlimitedIndicator>true</QueryHitsUnlimitedIndicator>'
    '</QueryProcessingConditions></aba:BusinessUserSimpleByElementsQuery_sync></soapenv:Body></soapenv:Envelope>'
)
SOAP_ID_INTERVAL = ('<PersonExternalIDInterval><IntervalBoundaryTypeCode>1</IntervalBoundaryTypeCode>'
                    '<LowerBoundaryPersonExtID>%s</LowerBoundaryPersonExtID></PersonExternalIDInterval>')
SOAP_ERROR_SEVERITY = '3'
# IDs per request: keeps $filter URLs and SOAP bodies small.
CHUNK = 40


def chunks(ids):
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def local(tag):
    return tag.rsplit('}', 1)[-1]


def child_text(element, *path):
    for name in path:
        element = next((c for c in list(element) if local(c.tag) == name), None) if element is not None else None
    return element.text.strip() if element is not None and element.text else None


def describe_soap_error(response):
    """The faultstring of a SOAP fault, else the generic description."""
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError:
        return describe_error(response)
    fault = next((e for e in root.iter() if local(e.tag) == 'Fault'), None)
    text = child_text(fault, 'faultstring') if fault is not None else None
    if text:
        return text, child_text(fault, 'faultcode'), None
    return describe_error(response)


# The two paths tenants show for QueryBusinessUserIn; which one a tenant serves is UNCONFIRMED.
OTHER_PATH = {'/sap/bc/srt/scs_ext/sap/querybusinessuserin': '/sap/bc/srt/scs/sap/querybusinessuserin',
              '/sap/bc/srt/scs/sap/querybusinessuserin': '/sap/bc/srt/scs_ext/sap/querybusinessuserin'}


class BusinessUserQuery:
    """QueryBusinessUserIn at service_path; when the tenant answers 404 there, once at the other known path."""

    def __init__(self, params):
        self.http = s4_http(params, error_parser=describe_soap_error, headers={'Accept': 'text/xml'})
        self.path = params['service_path']
        self.params = {'sap-client': params['sap_client']} if params.get('sap_client') else None

    def workers(self, ids):
        found = {}
        for chunk in chunks(ids):
            for user in self._query(chunk):
                worker_id = child_text(user, 'PersonExternalID')
                if worker_id:
                    found[worker_id] = {
                        'business_partner_role': child_text(user, 'BusinessPartnerRoleCode'),
                        'person_id': child_text(user, 'PersonID'),
                        'user_name': child_text(user, 'User', 'UserName'),
                        'archived': child_text(user, 'MarkedForArchivingIndicator') == 'true',
                    }
        return found

    def _post(self, query):
        # A query changes nothing, so it may be repeated like a GET.
        return self.http.request('POST', self.path, params=self.params, data=query.encode('utf-8'), idempotent=True,
                                 headers={'Content-Type': 'text/xml; charset=utf-8', 'SOAPAction': SOAP_ACTION})

    def _query(self, ids):
        """The BusinessUser elements of one query; a log item of error severity fails."""
        query = SOAP_QUERY % ''.join(SOAP_ID_INTERVAL % escape(i) for i in ids)
        try:
            response = self._post(query)
        except ApiError as exc:
            if exc.status != 404 or self.path not in OTHER_PATH:
                raise
            self.path = OTHER_PATH[self.path]
            response = self._post(query)
        try:
            root = ElementTree.fromstring(response.content)
        except ElementTree.ParseError:
            raise ApiError('QueryBusinessUserIn answered with no XML', 'POST', self.http.url(self.path),
                           response.status_code)
        for item in root.iter():
            if local(item.tag) == 'Item' and child_text(item, 'SeverityCode') == SOAP_ERROR_SEVERITY:
                raise ApiError('QueryBusinessUserIn: %s' % child_text(item, 'Note'), 'POST',
                               self.http.url(self.path), response.status_code)
        return [e for e in root.iter() if local(e.tag) == 'BusinessUser']


class BusinessPartners:
    """A_BusinessPartner of API_BUSINESS_PARTNER; a partner is a worker when it holds one of worker_roles."""

    def __init__(self, params):
        http = s4_http(params, error_parser=describe_odata_error)
        self.service = ODataService(http, BUSINESS_PARTNER_SERVICE, version=2,
                                    params={'sap-client': params['sap_client']} if params.get('sap_client') else None)
        self.worker_roles = params['worker_roles']

    def workers(self, ids):
        found = {}
        for chunk in chunks(ids):
            for bp in self.service.list('A_BusinessPartner', filter=any_of('BusinessPartner', chunk),
                                        expand='to_BusinessPartnerRole'):
                roles = [r.get('BusinessPartnerRole') for r in (bp.get('to_BusinessPartnerRole') or {}).get('results', [])]
                worker_roles = [r for r in roles if r in self.worker_roles]
                found[bp.get('BusinessPartner')] = {
                    'business_partner_role': worker_roles[0] if worker_roles else None,
                    'person_id': bp.get('BusinessPartner'),
                    'archived': bool(bp.get('IsMarkedForArchiving')),
                }
        return found


def worker_directory(params):
    """The client of the service named by the option `api`."""
    return BusinessUserQuery(params) if params['api'] == 'query_business_user' else BusinessPartners(params)
