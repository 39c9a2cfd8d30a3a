"""Generic OData V4 for the routes of emulated services: errors, $filter, query options, entity rendering (with
the ETags the model keeps), payload checks against field definitions, and the $metadata (CSDL XML) built from the
same field definitions.

A field definition is `name: (Edm type, MaxLength or None, flags)`; flags hold `k` (key), `c` (writable on
create), `u` (writable on update), `h` (write-only: never in a response). An entity type is
`{'fields': {...}, 'navs': {name: (target type, is_collection)}}`; a service is
`{'namespace', 'types': {type name: entity type}, 'sets': {set name: type name}}`.
"""

import datetime
import re
import uuid
from xml.sax.saxutils import quoteattr

from emulator.core import HttpError, Response, json_response

GUID = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')
V4 = {'OData-Version': '4.0'}


def v4_error(status, code, message, target=None):
    """An HttpError carrying an OData V4 error body in SAP's shape (code, message, details, innererror)."""
    error = {'code': code, 'message': message,
             '@SAP__common.ExceptionCategory': 'Client_Error' if status < 500 else 'Provider_Application_Error',
             'details': [],
             'innererror': {'ErrorDetails': {'@SAP__common.TransactionId': uuid.uuid4().hex.upper(),
                                             '@SAP__common.Timestamp': datetime.datetime.now(
                                                 datetime.timezone.utc).strftime('%Y%m%d%H%M%S.%f')}}}
    if target:
        error['target'] = target
    return HttpError(json_response(status, {'error': error}, V4))


def split_list(text):
    return [part.strip() for part in (text or '').split(',') if part.strip()]


class ODataFilter:
    """$filter with eq/ne on properties, combined by and/or and parentheses; anything else is a 400."""

    TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')"
                       r"|(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b"
                       r"|(?P<number>-?\d+(?:\.\d+)?)\b|(?P<name>[A-Za-z_]\w*)|(?P<paren>[()]))")

    def __init__(self, text):
        self.text = text
        self.tokens = []
        pos = 0
        while text[pos:].strip():
            match = self.TOKEN.match(text, pos)
            if not match:
                self.fail('cannot parse at position %d' % pos)
            kind = match.lastgroup
            self.tokens.append((kind, match.group(kind)))
            pos = match.end()
        self.pos = 0
        self.tree = self.disjunction()
        if self.pos != len(self.tokens):
            self.fail('unexpected %r' % self.tokens[self.pos][1])

    def fail(self, why):
        raise v4_error(400, 'EMULATOR/FILTER', 'Invalid $filter %r: %s (the emulator supports eq, ne, and, or)'
                       % (self.text, why))

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        if token[0] is None:
            self.fail('unexpected end')
        self.pos += 1
        return token

    def disjunction(self):
        node = self.conjunction()
        while self.peek() == ('name', 'or'):
            self.take()
            node = ('or', node, self.conjunction())
        return node

    def conjunction(self):
        node = self.comparison()
        while self.peek() == ('name', 'and'):
            self.take()
            node = ('and', node, self.comparison())
        return node

    def comparison(self):
        kind, value = self.take()
        if (kind, value) == ('paren', '('):
            node = self.disjunction()
            if self.take() != ('paren', ')'):
                self.fail('missing )')
            return node
        if kind != 'name':
            self.fail('expected a property name, got %r' % value)
        operator = self.take()
        if operator not in (('name', 'eq'), ('name', 'ne')):
            self.fail('unsupported operator %r' % operator[1])
        return (operator[1], value, self.literal())

    def literal(self):
        kind, value = self.take()
        if kind == 'string':
            return value[1:-1].replace("''", "'")
        if kind == 'guid':
            return value.lower()
        if kind == 'number':
            return float(value) if '.' in value else int(value)
        if kind == 'name' and value in ('true', 'false', 'null'):
            return {'true': True, 'false': False, 'null': None}[value]
        self.fail('expected a literal, got %r' % value)

    def matches(self, entity, node=None):
        node = node or self.tree
        if node[0] == 'or':
            return self.matches(entity, node[1]) or self.matches(entity, node[2])
        if node[0] == 'and':
            return self.matches(entity, node[1]) and self.matches(entity, node[2])
        operator, field, expected = node
        actual = entity.get(field)
        if isinstance(actual, str) and isinstance(expected, str):
            # GUID literals are case-insensitive; strings are not.
            equal = actual.lower() == expected if GUID.match(actual) else actual == expected
        elif isinstance(actual, bool) or isinstance(expected, bool) or actual is None or expected is None:
            equal = actual is expected
        else:
            equal = actual == expected
        return equal if operator == 'eq' else not equal


def writable(entity_type, flag):
    """Names of the fields (and navigations, for deep inserts) writable with flag c (create) or u (update)."""
    return set(name for name, field in entity_type['fields'].items() if flag in field[2])


def check_payload(request, entity_type, flag, extra=()):
    """The JSON body, checked against the entity type: known writable properties, types, MaxLength."""
    try:
        body = request.json()
    except ValueError:
        raise v4_error(400, 'EMULATOR/JSON', 'The request body is not valid JSON')
    if not isinstance(body, dict):
        raise v4_error(400, 'EMULATOR/JSON', 'The request body must be a JSON object')
    body = dict((k, v) for k, v in body.items() if not k.startswith('@'))
    allowed = writable(entity_type, flag) | set(extra)
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise v4_error(400, 'EMULATOR/PROPERTY', "Property '%s' is unknown or not writable here" % unknown[0], unknown[0])
    for name, value in body.items():
        if name in entity_type['fields'] and value is not None:
            check_value(name, entity_type['fields'][name], value)
    return body


def check_value(name, field, value):
    edm, max_length = field[0], field[1]
    expected = {'Edm.String': str, 'Edm.Guid': str, 'Edm.Boolean': bool, 'Edm.Int32': int,
                'Edm.DateTimeOffset': str, 'Edm.Binary': str}.get(edm)
    if expected and (not isinstance(value, expected) or expected is int and isinstance(value, bool)):
        raise v4_error(400, 'EMULATOR/TYPE', "Property '%s' takes %s, got %r" % (name, edm, value), name)
    if edm == 'Edm.Guid' and not GUID.match(value):
        raise v4_error(400, 'EMULATOR/TYPE', "Property '%s' takes a GUID, got %r" % (name, value), name)
    if max_length and edm == 'Edm.String' and len(value) > max_length:
        raise v4_error(400, 'EMULATOR/MAXLENGTH', "Value of property '%s' exceeds MaxLength=%d" % (name, max_length),
                       name)


def metadata(service, concurrency=False, max_lengths=True):
    """CSDL XML of a service; with concurrency, every entity set carries Core.OptimisticConcurrency; without
    max_lengths no property declares its MaxLength."""
    ns = service['namespace']
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
           '<edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">',
           '<edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>',
           '<edmx:DataServices><Schema Namespace=%s xmlns="http://docs.oasis-open.org/odata/ns/edm">' % quoteattr(ns)]
    for type_name, entity_type in service['types'].items():
        out.append('<EntityType Name=%s>' % quoteattr(type_name))
        keys = [name for name, field in entity_type['fields'].items() if 'k' in field[2]]
        if keys:
            out.append('<Key>%s</Key>' % ''.join('<PropertyRef Name=%s/>' % quoteattr(k) for k in keys))
        for name, (edm, max_length, flags) in entity_type['fields'].items():
            facets = ' Nullable="false"' if 'k' in flags else ''
            facets += ' MaxLength="%d"' % max_length if max_length and max_lengths else ''
            out.append('<Property Name=%s Type="%s"%s/>' % (quoteattr(name), edm, facets))
        for name, (target, many) in entity_type.get('navs', {}).items():
            target = '%s.%s' % (ns, target)
            kind = 'Collection(%s)' % target if many else target
            out.append('<NavigationProperty Name=%s Type="%s"/>' % (quoteattr(name), kind))
        out.append('</EntityType>')
    out.append('<EntityContainer Name="Container">')
    for set_name, type_name in service['sets'].items():
        out.append('<EntitySet Name=%s EntityType="%s.%s">' % (quoteattr(set_name), ns, type_name))
        if concurrency:
            out.append('<Annotation Term="Core.OptimisticConcurrency"><Collection>'
                       '<PropertyPath>ChangedAt</PropertyPath></Collection></Annotation>')
        out.append('</EntitySet>')
    out.append('</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>')
    return Response(200, '\n'.join(out), dict(V4, **{'Content-Type': 'application/xml'}))


class ODataAnswers:
    """Mixin for the routes of a Service whose model holds entities in tables: rendering, query options, status
    answers. The model (self.model) gives navs() ({table: navigation names}); subclasses set `hidden` (write-only
    fields) and implement navigation(table, entity, nav) for $expand. Entities keep their ETag in `_etag`; other
    `_` keys stay internal.
    """

    hidden = ()

    def navigation(self, table, entity, nav):
        raise NotImplementedError

    def render(self, table, entity, expand=(), select=None, navs=None):
        navs = self.model.navs() if navs is None else navs
        out = {'@odata.etag': entity['_etag']} if entity.get('_etag') else {}
        for key, value in entity.items():
            if key.startswith('_') or key in self.hidden or key in navs.get(table, ()):
                continue
            if select and key not in select:
                continue
            out[key] = value
        for nav in expand:
            out[nav] = self.navigation(table, entity, nav)
        return out

    def options(self, request, table):
        unsupported = sorted(k for k in request.query
                             if k.startswith('$') and k not in ('$filter', '$expand', '$select', '$top', '$skip'))
        if unsupported:
            raise v4_error(400, 'EMULATOR/QUERY_OPTION', 'The emulator does not implement %s' % ', '.join(unsupported))
        expand = split_list(request.query.get('$expand'))
        navs = self.model.navs()
        for nav in expand:
            if nav not in navs.get(table, ()):
                raise v4_error(400, 'EMULATOR/EXPAND', "Navigation property '%s' is not defined (expandable: %s)"
                               % (nav, ', '.join(navs.get(table, ())) or 'none'))
        try:
            top = int(request.query['$top']) if '$top' in request.query else None
            skip = int(request.query.get('$skip') or 0)
        except ValueError:
            raise v4_error(400, 'EMULATOR/QUERY_OPTION', '$top and $skip take integers')
        text = request.query.get('$filter')
        return {'expand': expand, 'select': split_list(request.query.get('$select')) or None, 'top': top, 'skip': skip,
                'filter': ODataFilter(text) if text else None}

    def collection(self, request, entity_set, table, entities):
        opts = self.options(request, table)
        navs = self.model.navs()
        rows = [e for e in entities if opts['filter'] is None or opts['filter'].matches(self.render(table, e, navs=navs))]
        rows = rows[opts['skip']:]
        if opts['top'] is not None:
            rows = rows[:opts['top']]
        return json_response(200, {'@odata.context': '$metadata#%s' % entity_set,
                                   'value': [self.render(table, e, opts['expand'], opts['select'], navs) for e in rows]},
                             V4)

    def single(self, request, entity_set, table, entity):
        opts = self.options(request, table)
        body = {'@odata.context': '$metadata#%s/$entity' % entity_set}
        body.update(self.render(table, entity, opts['expand'], opts['select']))
        return json_response(200, body, dict(V4, ETag=entity['_etag']))

    def created(self, base, relative, table, entity, expand=()):
        body = {'@odata.context': '$metadata#%s/$entity' % relative.split('(')[0]}
        body.update(self.render(table, entity, expand))
        self.model.save()
        return json_response(201, body, dict(V4, ETag=entity['_etag'], Location='%s%s/%s' % (self.url, base, relative)))

    def updated(self, request, table, entity, expand=()):
        self.model.save()
        if 'return=representation' in (request.header('Prefer') or ''):
            return json_response(200, self.render(table, entity, expand), dict(V4, ETag=entity['_etag']))
        return Response(204, b'', dict(V4, ETag=entity['_etag']))

    def deleted(self):
        self.model.save()
        return Response(204, b'', dict(V4))

    @staticmethod
    def service_document(sets):
        return json_response(200, {'@odata.context': '$metadata', 'value': [{'name': s, 'url': s} for s in sets]}, V4)
