"""The initial load of an emulated IDM repository: Users and Groups read through the repository's own constants,
as the SCIM connector's passes do, over real HTTP (so a wrong constant fails with a message naming the constants
to check, never holding a secret).

The URL is SCIM_PROTOCOL://SCIM_HOST:SCIM_PORT SCIM_PATH; AUTH_TYPE oauth first gets a token from OAUTH_URL
(grant_type in the query and AUTH_USER/AUTH_PASSWORD in Basic auth, the Neo form), basic sends AUTH_USER/
AUTH_PASSWORD on each call; PROXY_HOST:PROXY_PORT when set; pages with startIndex += itemsPerPage while
startIndex <= totalResults. TRUSTSTORE is not evaluated (the emulator's own CA is used when it serves HTTPS).
"""

import requests

PAGE_SIZE = 100
MAX_PAGES = 1000


class LoadError(Exception):
    """The initial load failed; the message names the constants to check and never holds a secret."""


def load(constants, session):
    """Users and Groups read through the repository's own constants, as the SCIM connector would."""
    for name in ('SCIM_PROTOCOL', 'SCIM_HOST', 'SCIM_PORT', 'SCIM_PATH', 'AUTH_TYPE', 'AUTH_USER', 'AUTH_PASSWORD'):
        if not constants.get(name):
            raise LoadError('constant %s is empty' % name)
    base = '%s://%s:%s%s' % (constants['SCIM_PROTOCOL'], constants['SCIM_HOST'], constants['SCIM_PORT'],
                             constants['SCIM_PATH'])
    session.headers['Accept'] = 'application/scim+json'
    if constants.get('PROXY_HOST'):
        proxy = 'http://%s:%s' % (constants['PROXY_HOST'], constants.get('PROXY_PORT') or '8080')
        session.proxies = {'http': proxy, 'https': proxy}
    auth_type = constants['AUTH_TYPE'].lower()
    if auth_type == 'oauth':
        session.headers['Authorization'] = 'Bearer %s' % token(session, constants)
    elif auth_type == 'basic':
        session.auth = (constants['AUTH_USER'], constants['AUTH_PASSWORD'])
    else:
        raise LoadError('constant AUTH_TYPE is %r; expected basic or oauth' % constants['AUTH_TYPE'])
    return read_all(session, base, 'Users', constants), read_all(session, base, 'Groups', constants)


def token(session, constants):
    url = constants.get('OAUTH_URL')
    if not url:
        raise LoadError('constant OAUTH_URL is empty (AUTH_TYPE oauth)')
    try:
        response = session.post(url, params={'grant_type': 'client_credentials'},
                                auth=(constants['AUTH_USER'], constants['AUTH_PASSWORD']), timeout=30)
    except requests.RequestException as exc:
        raise LoadError('cannot connect to OAUTH_URL %s (%s): check OAUTH_URL and PROXY_HOST/PROXY_PORT'
                        % (url, exc.__class__.__name__))
    if response.status_code != 200:
        raise LoadError('token request to OAUTH_URL %s answered HTTP %d: check AUTH_USER and AUTH_PASSWORD '
                        '(the OAuth client ID and secret) and OAUTH_URL' % (url, response.status_code))
    try:
        return response.json()['access_token']
    except (ValueError, KeyError):
        raise LoadError('OAUTH_URL %s gave no access_token: is it a token endpoint?' % url)


def read_all(session, base, resource, constants):
    out = []
    start = 1
    for _page in range(MAX_PAGES):
        url = '%s/%s' % (base, resource)
        try:
            response = session.get(url, params={'startIndex': str(start), 'count': str(PAGE_SIZE)}, timeout=60)
        except requests.RequestException as exc:
            raise LoadError('cannot connect to %s://%s:%s (%s): check SCIM_PROTOCOL, SCIM_HOST, SCIM_PORT and '
                            'PROXY_HOST/PROXY_PORT' % (constants['SCIM_PROTOCOL'], constants['SCIM_HOST'],
                                                       constants['SCIM_PORT'], exc.__class__.__name__))
        if response.status_code in (401, 403):
            raise LoadError('GET %s answered HTTP %d: the proxy refused the caller; check AUTH_TYPE, AUTH_USER, '
                            'AUTH_PASSWORD and the caller\'s authorization in IPS' % (url, response.status_code))
        if response.status_code == 404:
            raise LoadError('GET %s answered HTTP 404: check SCIM_PATH (/ipsproxy/.../scim/<system id>)' % url)
        if response.status_code != 200:
            raise LoadError('GET %s answered HTTP %d: %s' % (url, response.status_code, detail(response)))
        try:
            page = response.json()
            resources = page.get('Resources') or []
            total = int(page.get('totalResults', 0))
            step = int(page.get('itemsPerPage') or len(resources) or PAGE_SIZE)
        except (ValueError, AttributeError, TypeError):
            raise LoadError('GET %s gave no SCIM ListResponse: check SCIM_HOST and SCIM_PATH' % url)
        out.extend(resources)
        # Documented for the proxy: never stop on a short page, only when startIndex passes totalResults.
        start += step
        if start > total:
            return out
    raise LoadError('GET %s/%s: more than %d pages' % (base, resource, MAX_PAGES))


def detail(response):
    try:
        body = response.json()
        return str(body.get('detail') or body)[:300]
    except ValueError:
        return (response.text or response.reason or '').strip()[:300]
