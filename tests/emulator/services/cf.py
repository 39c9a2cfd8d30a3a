"""SAP BTP, Cloud Foundry: the XSUAA token endpoint of a service key and the Destination service.

The Destination service follows SAP's OpenAPI spec (SAP Business Accelerator Hub,
documented); where the emulator answers differently from the spec's schemas it says why (see README.md).
"""

import hashlib
import json
import re
import secrets
from urllib.parse import unquote

from emulator import tokens
from emulator.core import HttpError, Service, json_response, route, text_response
from emulator.demo import DEMO

TYPES = ('HTTP', 'RFC', 'MAIL', 'LDAP')
NAME = re.compile(r'^[A-Za-z0-9_-]{1,200}$')
DEMO_INSTANCE_ID = '0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f'
NOT_FOUND = 'Configuration with the specified name was not found'


class XsuaaTokens(Service):
    """The `url` of a Destination service key: POST /oauth/token (client credentials; documented)."""

    kind = 'cf_uaa'

    def initial_state(self):
        return {'clients': {}, 'tokens': {}, 'options': {'token_lifetime': int(self.config.get('token_lifetime', 43199))}}

    def demo_seed(self):
        return {'clients': {DEMO['cf_client_id']: {'secret': DEMO['cf_client_secret'],
                                                   'subaccount': DEMO['cf_subaccount_id'],
                                                   'instance': DEMO_INSTANCE_ID}}}

    def seed(self, data):
        """clients: {clientid: {secret, subaccount, instance}} (what a service key binds); an X.509 client has
        certificate_subject (RFC 4514) instead of secret and authenticates with that certificate (mutual TLS)."""
        for client_id, client in (data.get('clients') or {}).items():
            self.state['clients'][client_id] = dict(client)
        return {'seeded': self.name}

    def inject(self, action, params):
        if action == 'expire_tokens':
            self.state['tokens'] = {}
        elif action == 'token_lifetime':
            self.state['options']['token_lifetime'] = int(params['seconds'])
        else:
            return False
        self.save()
        return True

    # documented: form body grant_type=client_credentials, the client in Basic auth or as client_id/client_secret;
    # {"access_token","token_type":"bearer","expires_in":43199,"scope","jti"}. 429 + Retry-After: inject a fault.
    @route('POST', r'/oauth/token')
    def token(self, request):
        if tokens.grant_type(request, query=False) != 'client_credentials':
            return json_response(400, {'error': 'unsupported_grant_type'})
        client_id, secret = tokens.client_of(request, in_form=True)
        client = self.state['clients'].get(client_id or '')
        if client is not None and client.get('certificate_subject'):
            # X.509 service key (documented: certurl, certificate, key): the client id in the form, the certificate
            # in the TLS handshake, no secret.
            if not tokens.certificate_matches(request, client['certificate_subject']):
                return json_response(401, {'error': 'unauthorized', 'error_description': 'Bad client certificate'})
        elif client is None or client['secret'] != secret:
            return json_response(401, {'error': 'unauthorized', 'error_description': 'Bad credentials'})
        lifetime = self.state['options']['token_lifetime']
        token = tokens.issue(self.state, lifetime, 43199, token='eyJ' + secrets.token_urlsafe(24), client_id=client_id,
                             subaccount=client['subaccount'], instance=client['instance'])
        self.save()
        return json_response(200, {'access_token': token, 'token_type': 'bearer', 'expires_in': lifetime,
                                   'scope': 'uaa.resource', 'jti': secrets.token_hex(16)})

    def token_info(self, token):
        """{client_id, subaccount, instance} of a valid token, else None."""
        with self.lock:
            return tokens.valid(self.state, token)


def etag(destination):
    return hashlib.sha256(json.dumps(destination, sort_keys=True).encode('utf-8')).hexdigest()


def error(status, message):
    return json_response(status, {'ErrorMessage': message})


class DestinationService(Service):
    """destination-configuration.cfapps.<region>: subaccount and instance destinations (documented)."""

    kind = 'cf_destination'

    def initial_state(self):
        return {'subaccount': {}, 'instance': {}}

    def demo_seed(self):
        return {}

    def seed(self, data):
        """subaccount / instance: {owner id: {name: destination}}."""
        for level in ('subaccount', 'instance'):
            for owner, items in (data.get(level) or {}).items():
                self.state[level].setdefault(owner, {}).update(items)
        return {'seeded': self.name}

    def _items(self, request, level):
        info = self.peer(self.config.get('uaa', 'cf_uaa')).token_info(request.bearer())
        if info is None:
            # spec: 401 with the Error schema (a plain string)
            raise HttpError(text_response(401, 'Unauthorized'))
        return self.state[level].setdefault(info[level], {})

    @staticmethod
    def _invalid(destination):
        if not isinstance(destination, dict):
            return 'A destination must be a JSON object'
        if not destination.get('Name') or not destination.get('Type'):
            return 'Name and Type are mandatory'
        if not NAME.match(destination['Name']):
            return 'Destination name must contain only alphanumerics, "_" and "-", up to 200 characters'
        if destination['Type'] not in TYPES:
            return 'Unsupported destination type %s' % destination['Type']
        if not all(isinstance(v, str) for v in destination.values()):
            return 'Destination property values must be strings'
        return None

    def _body(self, request):
        try:
            body = request.json()
        except ValueError:
            raise HttpError(error(400, 'Request body is not valid JSON'))
        if body is None:
            raise HttpError(error(400, 'Missing request body'))
        return body

    def _list(self, request, level):
        items = self._items(request, level)
        found = [items[n] for n in sorted(items)]
        query = request.query
        names = re.match(r"^Name in \((.*)\)$", query.get('$filter', ''))
        if names:
            wanted = re.findall(r"'((?:[^']|'')*)'", names.group(1))
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
            return self._bulk(items, body, exists=True, status=201, conflict=(409, 'Duplicate key'))
        problem = self._invalid(body)
        if problem:
            return error(400, problem)
        if body['Name'] in items:
            # spec: 409 "Duplicate key" (shown both as a string and as JSON; the JSON form is the observed one)
            return error(409, 'Duplicate key')
        items[body['Name']] = body
        self.save()
        return text_response(201, '', content_type='application/json')

    def _bulk(self, items, body, exists, status, conflict):
        """A list POST (exists=True refuses names that exist) or PUT (exists=False refuses missing names):
        one result per item, 207 when any item failed."""
        results = []
        for item in body:
            problem = self._invalid(item)
            if problem or (item['Name'] in items) == exists:
                results.append({'name': (item or {}).get('Name'), 'status': 400 if problem else conflict[0],
                                'cause': problem or conflict[1]})
                continue
            items[item['Name']] = item
            results.append({'name': item['Name'], 'status': status, 'etag': etag(item)})
        self.save()
        return json_response(status if all(r['status'] == status for r in results) else 207, results)

    def _update(self, request, level):
        items = self._items(request, level)
        body = self._body(request)
        if isinstance(body, list):
            return self._bulk(items, body, exists=False, status=200, conflict=(404, NOT_FOUND))
        problem = self._invalid(body)
        if problem:
            return error(400, problem)
        if body['Name'] not in items:
            return error(404, NOT_FOUND)
        items[body['Name']] = body
        self.save()
        return json_response(200, {'Count': 1})

    def _bulk_delete(self, request, level):
        items = self._items(request, level)
        names = re.match(r"^Name in \((.*)\)$", request.query.get('$filter', ''))
        if not names:
            return text_response(400, "Bad Request: $filter=Name in ('...') is required")
        summary = []
        for name in re.findall(r"'((?:[^']|'')*)'", names.group(1)):
            if items.pop(name, None) is None:
                summary.append({'name': name, 'status': 'NOT_FOUND', 'reason': 'Could not find configuration'})
            else:
                summary.append({'name': name, 'status': 'DELETED'})
        self.save()
        return json_response(200, {'Count': sum(1 for s in summary if s['status'] == 'DELETED'), 'Summary': summary})

    def _get(self, request, level, name):
        items = self._items(request, level)
        destination = items.get(unquote(name))
        if destination is None:
            # observed (recorded traffic): JSON ErrorMessage; the spec's schema for this 404 is a plain string
            return error(404, NOT_FOUND)
        tag = etag(destination)
        if request.header('If-None-Match') == tag:
            return text_response(304, '', headers={'ETag': tag})
        if request.header('If-Match') not in (None, tag):
            return text_response(412, 'Precondition Failed', headers={'ETag': tag})
        # The REST API returns passwords in clear (documented samples).
        return json_response(200, destination, {'ETag': tag})

    def _delete(self, request, level, name):
        items = self._items(request, level)
        if items.pop(unquote(name), None) is None:
            return error(404, NOT_FOUND)
        self.save()
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
