# -*- coding: utf-8 -*-
# Copyright: (c) 2026, sapcloud.identity contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OData V4/V2 on top of HttpClient: CSRF, ETags, $filter quoting, entity reads and writes.

The CSRF token is requested on the first GET of a run (header X-CSRF-Token: Fetch), so writes need no extra
round trip. A write answered 403 with 'x-csrf-token: Required' fetches a new token once and is repeated.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import (
    ApiError, create_confirmed, decode_json, describe_error)

GUID = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')


def literal(value):
    """An OData literal: strings quoted with embedded quotes doubled, GUIDs bare, booleans lower case."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if value is None:
        return 'null'
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if GUID.fullmatch(text):
        return text
    return "'%s'" % text.replace("'", "''")


def eq_filter(**fields):
    """"A eq 'x' and B eq 'y'" from keyword arguments (sorted, so URLs are stable)."""
    return ' and '.join('%s eq %s' % (name, literal(fields[name])) for name in sorted(fields))


def any_of(field, values):
    """"F eq 'a' or F eq 'b'": several keys in one request (the OData 4.01 'in' operator may be unsupported)."""
    return ' or '.join('%s eq %s' % (field, literal(v)) for v in values)


def key_path(entity_set, key):
    return '%s(%s)' % (entity_set, literal(key))


def strip_annotations(entity):
    """Drop @odata.* control information; keep data and expanded navigations."""
    if isinstance(entity, list):
        return [strip_annotations(e) for e in entity]
    if not isinstance(entity, dict):
        return entity
    return dict((k, strip_annotations(v)) for k, v in entity.items() if '@' not in k)


def etag_of(entity):
    return entity.get('@odata.etag') if isinstance(entity, dict) else None


class ODataService:
    """One OData service (a base path) on an HttpClient. version is 4 or 2."""

    def __init__(self, http, base_path, version=4, use_etag=True, params=None):
        self.http = http
        self.base_path = base_path.rstrip('/')
        self.version = version
        self.use_etag = use_etag
        self.params = dict(params or {})
        self.csrf_token = None

    def path(self, relative):
        return self.base_path + '/' + relative.lstrip('/')

    def _params(self, extra=None):
        params = dict(self.params)
        params.update(dict((k, v) for k, v in (extra or {}).items() if v is not None))
        return params

    def get(self, relative, params=None, missing_ok=False):
        headers = {} if self.csrf_token else {'X-CSRF-Token': 'Fetch'}
        ok = (200, 404) if missing_ok else None
        response = self.http.request('GET', self.path(relative), params=self._params(params), headers=headers, ok=ok)
        token = response.headers.get('x-csrf-token')
        if token and token.lower() not in ('required', 'fetch'):
            self.csrf_token = token
        if response.status_code == 404:
            return None
        body = decode_json(response)
        return body.get('d', body) if self.version == 2 and isinstance(body, dict) else body

    def list(self, entity_set, filter=None, expand=None, select=None, top=None):
        body = self.get(entity_set, {'$filter': filter, '$expand': expand, '$select': select,
                                     '$top': str(top) if top else None})
        if self.version == 2:
            return body.get('results', []) if isinstance(body, dict) else body
        return body.get('value', [])

    def find_one(self, entity_set, filter, expand=None):
        """The single entity matching filter, or None. More than one match is an error."""
        found = self.list(entity_set, filter=filter, expand=expand)
        if len(found) > 1:
            raise ApiError('%d %s match %s; expected at most one' % (len(found), entity_set, filter),
                           'GET', self.http.url(self.path(entity_set)))
        return found[0] if found else None

    def read(self, relative, expand=None):
        return self.get(relative, {'$expand': expand}, missing_ok=True)

    def _write(self, method, relative, body=None, etag=None, ok=None):
        if self.csrf_token is None:
            self.get('', missing_ok=True)
        headers = {'Content-Type': 'application/json'}
        with_etag = bool(etag and self.use_etag)
        if with_etag:
            headers['If-Match'] = etag
        csrf_refetched = etag_refreshed = False
        while True:
            headers['X-CSRF-Token'] = self.csrf_token or 'Fetch'
            try:
                # With If-Match a blind repeat is wrong: if the first attempt applied, the ETag has moved (412).
                return self.http.request(method, self.path(relative), params=self._params(), json_body=body,
                                         headers=headers, ok=ok, idempotent=False if with_etag else None)
            except ApiError as exc:
                if not csrf_refetched and exc.status == 403 and exc.code == 'csrf-required':
                    csrf_refetched = True
                    self.csrf_token = None
                    self.get('', missing_ok=True)
                    continue
                if with_etag and exc.retriable and method != 'POST' and not etag_refreshed:
                    # Read the entity again: its current ETag makes the repeat safe (PATCH and DELETE converge).
                    etag_refreshed = True
                    current = self.get(relative, missing_ok=True)
                    if current is None and method == 'DELETE':
                        return None  # the first attempt deleted it
                    headers['If-Match'] = etag_of(current) or etag
                    continue
                raise

    def create(self, entity_set, body, find=None):
        """POST a new entity and return it. find() is read before repeating a POST that may have applied."""
        def post():
            created = decode_json(self._write('POST', entity_set, body))
            return created.get('d', created) if self.version == 2 and isinstance(created, dict) else created
        return create_confirmed(post, find) if find else post()

    def update(self, relative, body, etag=None):
        self._write('PATCH', relative, body, etag)

    def delete(self, relative, etag=None):
        """DELETE; returns False when the entity was already gone (404)."""
        response = self._write('DELETE', relative, etag=etag, ok=(200, 202, 204, 404))
        return response is None or response.status_code != 404


def describe_odata_error(response):
    """http.describe_error plus CSRF detection by header (its text body is localized)."""
    msg, code, txn = describe_error(response)
    if response.status_code == 403 and response.headers.get('x-csrf-token', '').lower() == 'required':
        return 'CSRF token validation failed', 'csrf-required', txn
    return msg, code, txn
