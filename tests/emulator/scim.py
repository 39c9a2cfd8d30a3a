"""SCIM 2.0 for emulated services (the S/4HANA Cloud SCIM API of SAP_COM_0465, the IPS proxy): answers, errors,
the `eq` filter, ListResponse paging and PatchOp of group members."""

import re

from emulator.core import HttpError, json_response

SCIM_USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
SCIM_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'
SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'
SCIM_PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'


def scim_response(status, body, headers=None):
    hdrs = {'Content-Type': 'application/scim+json'}
    hdrs.update(headers or {})
    return json_response(status, body, hdrs)


def scim_error(status, detail, scim_type=None):
    body = {'schemas': [SCIM_ERROR], 'status': str(status), 'detail': detail}
    if scim_type:
        body['scimType'] = scim_type
    return HttpError(scim_response(status, body))


def eq_filter(text):
    """(attribute, value) of a single `attr eq "value"` filter; anything else is a 400 invalidFilter."""
    if not text:
        return None
    match = re.match(r'^\s*([A-Za-z][\w.\[\]]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', text)
    if not match:
        raise scim_error(400, 'Unsupported filter %r: only `attribute eq "value"`' % text, 'invalidFilter')
    return match.group(1), re.sub(r'\\(.)', r'\1', match.group(2))


def attribute(resource, path):
    """The value at a simple SCIM path such as userName, name.familyName or emails[0].value."""
    value = resource
    for part in path.split('.'):
        match = re.match(r'^(\w+)(?:\[(\d+)\])?$', part)
        if not match or not isinstance(value, dict):
            return None
        value = value.get(match.group(1))
        if match.group(2) is not None:
            value = value[int(match.group(2))] if isinstance(value, list) and len(value) > int(match.group(2)) else None
    return value


def page_of(resources, query, default_count, max_count):
    """A ListResponse page: startIndex is 1-based, count is capped; totalResults counts every match."""
    try:
        start = max(int(query.get('startIndex') or 1), 1)
        count = int(query['count']) if query.get('count') not in (None, '') else default_count
    except ValueError:
        raise scim_error(400, 'startIndex and count take integers', 'invalidValue')
    count = min(max(count, 0), max_count)
    selected = resources[start - 1:start - 1 + count]
    return {'schemas': [SCIM_LIST], 'totalResults': len(resources), 'startIndex': start,
            'itemsPerPage': len(selected), 'Resources': selected}


def filtered(resources, query):
    condition = eq_filter(query.get('filter'))
    if condition is None:
        return resources
    path, value = condition
    return [r for r in resources if str(attribute(r, path)) == value]


def member_operations(request):
    """[(op, [user ids])] of a SCIM PatchOp on a group's members (add/remove with a value list, as IDM sends)."""
    try:
        body = request.json() or {}
    except ValueError:
        raise scim_error(400, 'The body is not JSON', 'invalidSyntax')
    if SCIM_PATCH not in (body.get('schemas') or []) or not isinstance(body.get('Operations'), list):
        raise scim_error(400, 'Expected a PatchOp with Operations', 'invalidSyntax')
    out = []
    for operation in body['Operations']:
        op = str(operation.get('op', '')).lower()
        if op not in ('add', 'remove') or operation.get('path') != 'members' or \
                not isinstance(operation.get('value'), list):
            raise scim_error(400, 'Only add/remove of members with a value list is supported', 'invalidPath')
        out.append((op, [str(v.get('value')) for v in operation['value'] if isinstance(v, dict)]))
    return out
