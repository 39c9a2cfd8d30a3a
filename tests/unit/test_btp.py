"""btp.py helpers without a server: URL derivation, service keys, the .properties format."""

import json

import pytest

# tests/unit/conftest.py puts the collection on sys.path.
from ansible_collections.sapcloud.identity.plugins.module_utils.clients import btp
from ansible_collections.sapcloud.identity.plugins.module_utils.codecs import java_properties
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError


def test_neo_urls_from_landscape_host():
    params = {'landscape_host': 'eu2.hana.ondemand.com', 'subaccount': 'idmconsumer'}
    assert btp.neo_url(params, 'api_url', 'api') == 'https://api.eu2.hana.ondemand.com'
    assert btp.neo_url(params, 'configapi_url', 'configapi') == 'https://configapi.eu2.hana.ondemand.com'
    assert btp.neo_url(params, 'oauth_url', 'oauthasservices-idmconsumer') == \
        'https://oauthasservices-idmconsumer.eu2.hana.ondemand.com'
    assert btp.neo_app_token_url(params) == \
        'https://oauthasservices-idmconsumer.eu2.hana.ondemand.com/oauth2/api/v1/token'
    assert btp.ips_proxy_url(dict(params, provider_subaccount='ipsprovider')) == \
        'https://ipsproxyipsprovider-idmconsumer.eu2.hana.ondemand.com'
    assert btp.neo_app_token_url(dict(params, oauth_url='https://oauth.example.test/')) == \
        'https://oauth.example.test/oauth2/api/v1/token'
    params['api_url'] = 'https://api.example.test/'
    assert btp.neo_url(params, 'api_url', 'api') == 'https://api.example.test'
    with pytest.raises(ValidationError, match='api_url or landscape_host'):
        btp.neo_url({}, 'api_url', 'api')


def test_service_key_forms():
    flat = {'url': 'https://sub.authentication.eu10.hana.ondemand.com', 'clientid': 'id', 'clientsecret': 's',
            'uri': 'https://destination-configuration.cfapps.eu10.hana.ondemand.com'}
    nested = {'uri': flat['uri'], 'uaa': dict((k, flat[k]) for k in ('url', 'clientid', 'clientsecret'))}
    assert btp.parse_service_key(flat) == flat
    assert btp.parse_service_key(json.dumps(nested)) == flat
    assert btp.parse_service_key({'credentials': flat}) == flat
    with pytest.raises(ValidationError, match='service_key lacks clientsecret'):
        btp.parse_service_key(dict(flat, clientsecret=''))
    with pytest.raises(ValidationError, match='service_key'):
        btp.parse_service_key('[1]')


@pytest.mark.parametrize('value', ['plain', 'a=b:c#d!e', ' leading blank', 'back\\slash', 'äöü €', 'line\nbreak',
                                   'emoji \U0001F600', 'tab\there', ''])
def test_properties_round_trip(value):
    values = {'Name': 'D1', 'Description': value, 'key with blank': 'x', 'URL': 'https://h/p?q=1'}
    text = java_properties.properties_dump(values)
    assert all(ord(c) < 128 for c in text)
    assert java_properties.properties_load(text) == values


def test_properties_load_java_output():
    text = '#Tue Nov 28 10:00:00 UTC 2026\n! comment\nName=D1\nURL=https\\://h.example.com\nDescription : a \\\n  b\n' \
           'Empty=\nUser COMM\n'
    assert java_properties.properties_load(text) == {
        'Name': 'D1', 'URL': 'https://h.example.com', 'Description': 'a b', 'Empty': '', 'User': 'COMM'}


def test_role_users_in_both_shapes():
    assert btp.users_of({'users': [{'name': 'a'}, {'name': 'b'}]}) == ['a', 'b']
    assert btp.users_of([{'userId': 'a'}]) == ['a']
    assert btp.users_of(None) == []


def test_destination_names():
    btp.check_destination_name('S4HC_my-1')
    for bad in ('a b', 'a.b', 'x' * 201, ''):
        with pytest.raises(ValidationError, match='name'):
            btp.check_destination_name(bad)


@pytest.mark.parametrize('url', ['not a url', 'ftp://h.example.com', 'https://', 'h.example.com/path', None])
def test_http_destination_url_needs_scheme_and_host(url):
    with pytest.raises(ValidationError, match='^url must be an http:// or https:// URL with a host name'):
        btp.check_http_url(url)


def test_http_destination_url_accepts_paths_and_ports():
    btp.check_http_url('https://my123456-api.s4hana.cloud.sap:443/sap/opu')
    btp.check_http_url('http://127.0.0.1:8080')


def test_unknown_authentication_fails_unless_allowed():
    warnings = []
    btp.check_authentication('OAuth2ClientCredentials', False, warnings.append)
    btp.check_authentication(None, False, warnings.append)
    with pytest.raises(ValidationError, match="authentication 'Basic' is not one of the known values .*"
                                              "allow_unknown_authentication=true"):
        btp.check_authentication('Basic', False, warnings.append)
    assert warnings == []
    btp.check_authentication('FutureSSO', True, warnings.append)
    assert len(warnings) == 1 and 'FutureSSO' in warnings[0] and 'NoAuthentication' in warnings[0]
