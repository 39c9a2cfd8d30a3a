"""Routes of the emulated SAP BTP Cloud Foundry hosts: the XSUAA token endpoint of a service key and the
Destination service (state and rules in model.py).

The Destination service follows SAP's OpenAPI spec (SAP Business Accelerator Hub,
documented); where the emulator answers differently from the spec's schemas it says why (see README.md).
"""

import re
import secrets
from urllib.parse import unquote

from emulator import tokens
from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.services.cf.model import NOT_FOUND, DestinationsModel, XsuaaModel, etag


class XsuaaTokens(Service):
    """The `url` of a Destination service key: POST /oauth/token (client credentials; documented)."""

    kind = 'cf_uaa'
    model_class = XsuaaModel

    def token_info(self, token):
        return self.model.token_info(token)

    # documented: form body grant_type=client_credentials, the client in Basic auth or as client_id/client_secret;
    # {"access_token","token_type":"bearer","expires_in":43199,"scope","jti"}. 429 + Retry-After: inject a fault.
    @route('POST', r'/oauth/token')
    def token(self, request):
        if tokens.grant_type(request, query=False) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        client_id, secret = tokens.client_of(request, in_form=True)
        client = self.model.client(client_id)
        if client is not None and client.get('certificate_subject'):
            # X.509 service key (documented: certurl, certificate, key): the client id in the form, the certificate
            # in the TLS handshake, no secret.
            if not tokens.certificate_matches(request, client['certificate_subject']):
                return json_response(401, {'error': 'unauthorized', 'error_description': 'Bad client certificate'})
        elif client is None or client['secret'] != secret:
            return json_response(401, {'error': 'unauthorized', 'error_description': 'Bad credentials'})
        token, lifetime = self.model.issue_token(client_id)
        return json_response(200, {'access_token': token, 'token_type': 'bearer', 'expires_in': lifetime,
                                   'scope': 'uaa.resource', 'jti': secrets.token_hex(16)})


def error(status, message):
    return json_response(status, {'ErrorMessage': message})


NAME_LIST = re.compile(r"^Name in \((.*)\)$")
QUOTED = re.compile(r"'((?:[^']|'')*)'")


class DestinationService(Service):
    """destination-configuration.cfapps.<region>: subaccount and instance destinations (documented)."""

    kind = 'cf_destination'
    model_class = DestinationsModel

    def refused(self, request, refusal):
        # observed (recorded traffic): JSON ErrorMessage; the spec's schema for the 404 is a plain string
        return error(refusal.status, refusal.message)

    def _items(self, request, level):
        info = self.peer(self.config.get('uaa', 'cf_uaa')).token_info(request.bearer())
        if info is None:
            # spec: 401 with the Error schema (a plain string)
            raise HttpError(text_response(401, 'Unauthorized'))
        return self.model.items(level, info[level])

    @staticmethod
    def _body(request):
        try:
            body = request.json()
        except ValueError:
            raise HttpError(error(400, 'Request body is not valid JSON'))
        if body is None:
            raise HttpError(error(400, 'Missing request body'))
        return body

    @staticmethod
    def _bulk_answer(results, status):
        """One result per item, 207 when any item failed."""
        return json_response(status if all(r['status'] == status for r in results) else 207, results)

    def _list(self, request, level):
        items = self._items(request, level)
        found = [items[n] for n in sorted(items)]
        query = request.query
        names = NAME_LIST.match(query.get('$filter', ''))
        if names:
            wanted = QUOTED.findall(names.group(1))
            found = [d for d in found if d['Name'] in wanted]
        if query.get('$select') == 'Name':
            found = [{'Name': d['Name']} for d in found]
        headers = {}
        if query.get('$page'):
            size = int(query.get('$pageSize') or 10)
            page = int(query['$page'])
            pages = max(1, -(-len(found) // size))
            if query.get('$pageCount') == 'true':
                headers['Page-Count'] = str(pages)
            if query.get('$entityCount') == 'true':
                headers['Entity-Count'] = str(len(found))
            if page < pages:
                headers['Link'] = "</%sDestinations?$page=%d&$pageSize=%d>; rel='next'" % (level, page + 1, size)
            found = found[(page - 1) * size:page * size]
        return json_response(200, found, headers)

    def _create(self, request, level):
        items = self._items(request, level)
        body = self._body(request)
        if isinstance(body, list):
            return self._bulk_answer(self.model.store_each(items, body, True, 201, (409, 'Duplicate key')), 201)
        self.model.create(items, body)
        return text_response(201, '', content_type='application/json')

    def _update(self, request, level):
        items = self._items(request, level)
        body = self._body(request)
        if isinstance(body, list):
            return self._bulk_answer(self.model.store_each(items, body, False, 200, (404, NOT_FOUND)), 200)
        self.model.update(items, body)
        return json_response(200, {'Count': 1})

    def _bulk_delete(self, request, level):
        items = self._items(request, level)
        names = NAME_LIST.match(request.query.get('$filter', ''))
        if not names:
            return text_response(400, "Bad Request: $filter=Name in ('...') is required")
        summary = self.model.delete_each(items, QUOTED.findall(names.group(1)))
        return json_response(200, {'Count': sum(1 for s in summary if s['status'] == 'DELETED'), 'Summary': summary})

    def _get(self, request, level, name):
        destination = self.model.read(self._items(request, level), unquote(name))
        tag = etag(destination)
        if request.header('If-None-Match') == tag:
            return text_response(304, '', headers={'ETag': tag})
        if request.header('If-Match') not in (None, tag):
            return text_response(412, 'Precondition Failed', headers={'ETag': tag})
        # The REST API returns passwords in clear (documented samples).
        return json_response(200, destination, {'ETag': tag})

    def _delete(self, request, level, name):
        self.model.delete(self._items(request, level), unquote(name))
        return json_response(200, {'Count': 1})

    # Subaccount and instance level share one contract; the path says which store a request works on.
    LEVEL = r'/destination-configuration/v1/(?P<level>subaccount|instance)Destinations'

    @route('GET', LEVEL)
    def list_destinations(self, request, level):
        return self._list(request, level)

    @route('POST', LEVEL)
    def create_destination(self, request, level):
        return self._create(request, level)

    @route('PUT', LEVEL)
    def update_destination(self, request, level):
        return self._update(request, level)

    @route('DELETE', LEVEL)
    def bulk_delete_destinations(self, request, level):
        return self._bulk_delete(request, level)

    @route('GET', LEVEL + r'/(?P<name>[^/]+)')
    def get_destination(self, request, level, name):
        return self._get(request, level, name)

    @route('DELETE', LEVEL + r'/(?P<name>[^/]+)')
    def delete_destination(self, request, level, name):
        return self._delete(request, level, name)
