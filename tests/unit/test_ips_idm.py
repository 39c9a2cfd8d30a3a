"""ips.py / idm.py helpers without a server: the file formats, URL patterns and input rules."""

import json
import os

import pytest

from ansible_collections.sapcloud.identity.plugins.module_utils.clients import handoff, idm, ips
from ansible_collections.sapcloud.identity.plugins.module_utils.clients import idm_repository_model as model
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import ValidationError
from fakes import repository_params  # pylint: disable=wrong-import-order

SYSTEM_ID = '8f2a4c1e-3b5d-4e6f-9a7b-0c1d2e3f4a5b'


def test_scim_and_token_urls_per_infrastructure():
    assert ips.scim_base_url('neo', 'https://ipsproxyprov-cons.hana.ondemand.com/', SYSTEM_ID) == \
        'https://ipsproxyprov-cons.hana.ondemand.com/ipsproxy/api/v1/scim/' + SYSTEM_ID
    assert ips.scim_base_url('sci', 'https://t.accounts.ondemand.com', SYSTEM_ID) == \
        'https://t.accounts.ondemand.com/ipsproxy/service/api/v1/scim/' + SYSTEM_ID
    assert ips.scim_base_url('neo', None, SYSTEM_ID) is None
    assert ips.default_token_url('sci', 'https://t.accounts.ondemand.com') == 'https://t.accounts.ondemand.com/oauth2/token'
    assert ips.default_token_url('neo', 'https://ipsproxyprov-cons.hana.ondemand.com') is None


def test_properties_are_text_and_checked():
    out = ips.normalize_properties({'s4hana.cloud.hr.switch.active': False, 's4hana.cloud.roles.page.size': 50,
                                    'custom.name': 'anything', 'gone': None,
                                    'URL': 'https://my123456-api.s4hana.cloud.sap'})
    assert out == {'s4hana.cloud.hr.switch.active': 'false', 's4hana.cloud.roles.page.size': '50',
                   'custom.name': 'anything', 'gone': None, 'URL': 'https://my123456-api.s4hana.cloud.sap'}
    with pytest.raises(ValidationError, match=r'properties\.URL must be the tenant\'s API host'):
        ips.normalize_properties({'URL': 'https://my123456.s4hana.ondemand.com'})
    with pytest.raises(ValidationError, match=r'properties\.s4hana\.cloud\.roles\.page\.size must be a whole number'):
        ips.normalize_properties({'s4hana.cloud.roles.page.size': 'many'})
    with pytest.raises(ValidationError, match=r'properties\.Type must be one of HTTP'):
        ips.normalize_properties({'Type': 'RFC'})


def test_credential_rule_never_shows_the_value():
    with pytest.raises(ValidationError) as info:
        ips.normalize_credentials({'Password': 'top,secret'})
    assert 'top,secret' not in str(info.value)


@pytest.mark.parametrize('before,after,reset', [
    ({'URL': 'https://a'}, {'URL': 'https://a', 'User': 'X'}, False),
    ({'URL': 'https://a'}, {'URL': 'https://b'}, True),
    ({'Host': 'a'}, {'host': 'a'}, False),
    ({'host': 'a'}, {'Host': 'b'}, True),
    ({}, {'URL': 'https://a'}, True),
])
def test_credential_reset(before, after, reset):
    assert ips.credential_reset(before, after) is reset


def test_import_json_is_byte_stable_and_sorted():
    doc = ips.system_document('S4 proxy', 'd', 'SAP_S4HANA_CLOUD', 'DEST', {'b': '2', 'a': '1'}, {'Password': None},
                              {'user': {'mappings': []}}, None)
    text = ips.render_json(doc)
    assert text == ips.render_json(json.loads(text)) and text.endswith('}\n')
    assert list(json.loads(text)) == sorted(json.loads(text))
    assert doc['accessMode'] == 'PROXY' and doc['encryptedProperties'] == {'Password': None}
    assert doc['readTransformationChanged'] is True and doc['writeTransformationChanged'] is False
    assert 'writeTransformation' not in doc


def test_csv_layout_and_round_trip():
    constants = {'SCIM_HOST': 'h', 'SCIM_PATH': '/p', 'AUTH_PASSWORD': 's', 'ZZ_EXTRA': 'z', 'PROXY_HOST': ''}
    text = idm.render_csv('REPO', 'desc', 'com.sap.idm.connector.scim:reptype.SCIM', False, constants)
    header, values, end = text.split('\n')
    assert end == ''
    assert header.startswith('Name,Description,Type,Disabled,TypeQN,AUTH_PASSWORD,AUTH_TYPE,')
    assert header.endswith(',TRUSTSTORE,TRUSTSTORE_PASSWORD,ZZ_EXTRA,')
    assert values.startswith('"REPO","desc",,"0","com.sap.idm.connector.scim:reptype.SCIM","s",,,')
    fields, parsed = idm.parse_csv(text, 'source_csv')
    assert fields == {'Name': 'REPO', 'Description': 'desc', 'Type': '', 'Disabled': '0',
                      'TypeQN': 'com.sap.idm.connector.scim:reptype.SCIM'}
    assert parsed == {'SCIM_HOST': 'h', 'SCIM_PATH': '/p', 'AUTH_PASSWORD': 's', 'ZZ_EXTRA': 'z'}
    with pytest.raises(ValidationError, match='source_csv must hold a header line and one line of values'):
        idm.parse_csv(header + '\n', 'source_csv')


def test_constants_from_proxy():
    neo = model.constants_from_proxy('neo', 'https://ipsproxyprov-cons.hana.ondemand.com', SYSTEM_ID,
                                     'https://oauthasservices-cons.hana.ondemand.com/oauth2/api/v1/token')
    assert neo == {'SCIM_PROTOCOL': 'https', 'SCIM_HOST': 'ipsproxyprov-cons.hana.ondemand.com', 'SCIM_PORT': '443',
                   'SCIM_PATH': '/ipsproxy/api/v1/scim/' + SYSTEM_ID, 'AUTH_TYPE': 'oauth',
                   'OAUTH_URL': 'https://oauthasservices-cons.hana.ondemand.com/oauth2/api/v1/token'}
    sci = model.constants_from_proxy('sci', 'http://127.0.0.1:8080', SYSTEM_ID)
    assert sci['SCIM_PORT'] == '8080' and sci['OAUTH_URL'] == 'http://127.0.0.1:8080/oauth2/token'
    with pytest.raises(ValidationError, match='proxy_system.token_url is required with infrastructure neo'):
        model.constants_from_proxy('neo', 'https://ipsproxyprov-cons.hana.ondemand.com', SYSTEM_ID)


# ---- hand-off files (handoff.py) ----

def test_dest_problems_name_dest_and_the_cause(tmp_path, monkeypatch):
    regular = tmp_path / 'regular.txt'
    regular.write_text('x')
    with pytest.raises(ValidationError, match=r'^dest: .*regular\.txt is a file, not a directory'):
        handoff.check_dest(str(regular / 'out.json'))
    with pytest.raises(ValidationError, match=r'^dest: .*regular\.txt is a file, not a directory'):
        handoff.check_dest(str(regular / 'sub' / 'out.json'))
    with pytest.raises(ValidationError, match=r'^dest: directory .*missing does not exist$'):
        handoff.check_dest(str(tmp_path / 'missing' / 'out.json'))
    with pytest.raises(ValidationError, match=r'^dest must name a file'):
        handoff.check_dest(str(tmp_path))
    handoff.check_dest(str(tmp_path / 'out.json'))
    monkeypatch.setattr(handoff.os, 'access', lambda path, mode: False)
    with pytest.raises(ValidationError, match=r'^dest: directory .* is not writable \(permission denied\)$'):
        handoff.check_dest(str(tmp_path / 'out.json'))


def test_a_failed_write_names_dest_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / 'out.json'

    def refuse(src, dst):
        raise PermissionError(13, 'Permission denied')
    monkeypatch.setattr(handoff.os, 'rename', refuse)
    with pytest.raises(ValidationError, match=r'^dest: cannot write .*out\.json: Permission denied$'):
        handoff.write_text(str(path), 'text', 0o600)
    assert list(tmp_path.iterdir()) == []


def test_hand_off_file_rewrites_on_content_or_mode_only(tmp_path):
    class Module:
        check_mode = False
    path = tmp_path / 'out.json'

    def view(text):
        return {'text': text.strip()}
    handoff.HandOffFile(str(path), 0o600, view, OURS, 'a test document').ensure(Ensure(Module()), 'a\n')
    assert path.read_text() == 'a\n' and oct(path.stat().st_mode & 0o777) == '0o600'
    ensure = Ensure(Module())
    assert handoff.HandOffFile(str(path), 0o600, view, OURS, 'a test document').ensure(ensure, 'a\n') is False and ensure.actions == []
    path.chmod(0o644)
    ensure = Ensure(Module())
    assert handoff.HandOffFile(str(path), 0o600, view, OURS, 'a test document').ensure(ensure, 'a\n') is True and ensure.actions == ['update']
    assert oct(path.stat().st_mode & 0o777) == '0o600'
    ensure = Ensure(Module())
    assert handoff.HandOffFile(str(path), 0o600, view, OURS, 'a test document').absent(ensure) is True and not path.exists()


def OURS(text):
    return text.startswith('a')


class CheckModule:
    check_mode = True


class RealModule:
    check_mode = False


@pytest.mark.parametrize('module', [CheckModule, RealModule])
def test_a_foreign_file_is_refused_in_check_mode_and_real_runs_alike(tmp_path, module):
    path = tmp_path / 'out.json'
    path.write_text('someone else\'s notes\n')
    hand_off = handoff.HandOffFile(str(path), 0o600, lambda text: {'text': text}, OURS, 'a test document')
    with pytest.raises(ValidationError, match=r'^dest: .*out\.json is not a test document written by this collection; '
                                              r'refusing .*force: true'):
        hand_off.ensure(Ensure(module()), 'a\n')
    with pytest.raises(ValidationError, match='refusing'):
        hand_off.absent(Ensure(module()))
    assert path.read_text() == 'someone else\'s notes\n'
    forced = handoff.HandOffFile(str(path), 0o600, lambda text: {'text': text}, OURS, 'a test document', force=True)
    ensure = Ensure(module())
    assert forced.ensure(ensure, 'a\n') is True and ensure.actions == ['update']
    assert path.read_text() == ('a\n' if module is RealModule else 'someone else\'s notes\n')


def test_a_symbolic_link_is_never_followed(tmp_path):
    target = tmp_path / 'precious.txt'
    target.write_text('a precious file\n')
    link = tmp_path / 'out.json'
    link.symlink_to(target)
    hand_off = handoff.HandOffFile(str(link), 0o600, lambda text: {'text': text}, OURS, 'a test document')
    with pytest.raises(ValidationError, match=r'is a symbolic link to .*precious\.txt'):
        hand_off.ensure(Ensure(RealModule()), 'a\n')
    forced = handoff.HandOffFile(str(link), 0o600, lambda text: {'text': text}, OURS, 'a test document', force=True)
    forced.ensure(Ensure(RealModule()), 'a\n')
    assert target.read_text() == 'a precious file\n' and not link.is_symlink() and link.read_text() == 'a\n'
    link.unlink()
    link.symlink_to(target)
    forced.absent(Ensure(RealModule()))
    assert target.read_text() == 'a precious file\n' and not os.path.lexists(str(link))


def test_a_file_of_another_user_is_refused(tmp_path, monkeypatch):
    path = tmp_path / 'out.json'
    path.write_text('a\n')
    monkeypatch.setattr(handoff.os, 'geteuid', lambda: os.lstat(str(path)).st_uid + 1)
    with pytest.raises(ValidationError, match='belongs to user id'):
        handoff.HandOffFile(str(path), 0o600, lambda text: {'text': text}, OURS, 'x').ensure(Ensure(RealModule()), 'a\n')


@pytest.mark.parametrize('value, mode', [('0644', 0o644), ('644', 0o644), ('0o600', 0o600), ('0', 0), ('0750', 0o750)])
def test_modes_accepted(value, mode):
    assert handoff.parse_mode(value, 'mode') == mode


@pytest.mark.parametrize('value, words', [
    ('-1', 'octal'), ('4755', 'setuid'), ('07777', 'setuid'), ('1777', 'sticky'), ('0666', 'every user'),
    ('0777', 'every user'), ('u+rw', 'octal'), (' 644', 'octal'), ('0644 ', 'octal'), ('8', 'octal'), ('', 'octal'),
    (None, 'octal'), ('99999', 'octal')])
def test_modes_refused(value, words):
    with pytest.raises(ValidationError, match=words):
        handoff.parse_mode(value, 'mode')


def test_world_writable_only_when_asked():
    assert handoff.parse_mode('0666', 'mode', world_writable=True) == 0o666
    with pytest.raises(ValidationError, match='setuid'):
        handoff.parse_mode('4777', 'mode', world_writable=True)


# ---- CSV values: quoting, separators, formula cells (issue 17) ----

@pytest.mark.parametrize('value', ['=1+2', '+1', '-1', '@SUM(A1)', '\tx', "'quoted", "''=x", 'a,b;c|d', 'ünïcödé €',
                                   ' blank around ', 'back\\slash', "it's"])
def test_csv_values_round_trip_and_never_start_a_formula(value):
    text = idm.render_csv('REPO', value, 'com.sap.idm.connector.scim:reptype.SCIM', False,
                          {'SCIM_HOST': value, 'AUTH_PASSWORD': value})
    import csv
    import io
    header, cells = list(csv.reader(io.StringIO(text)))
    for column, cell in zip(header, cells):
        if column in ('Description', 'SCIM_HOST'):  # what a spreadsheet shows: never a formula
            assert not cell.startswith(('=', '+', '-', '@', '\t', '\r'))
    assert len(header) == len(cells)
    fields, constants = idm.parse_csv(text, 'dest')
    assert fields['Description'] == value and constants['SCIM_HOST'] == value
    assert constants['AUTH_PASSWORD'] == value  # a secret is written as given (IDM must import it as it is)


@pytest.mark.parametrize('overrides, words', [
    ({'constants': {'A,B': 'x'}}, 'constants: the name'),
    ({'constants': {'A\nB': 'x'}}, 'constants: the name'),
    ({'constants': {'"A': 'x'}}, 'constants: the name'),
    ({'constants': {'': 'x'}}, 'constants: the name'),
    ({'repository_type': 'x\ny'}, 'repository_type'),
    ({'repository_type': 'x"y'}, 'repository_type'),
    ({'name': '=HYPERLINK("x")'}, 'name'),
    ({'name': '@cmd'}, 'name must not begin'),
    ({'name': '-x'}, 'name must not begin'),
    ({'name': '+x'}, 'name must not begin'),
    ({'scim_port': 0}, 'scim_port'),
    ({'scim_port': 70000}, 'scim_port'),
    ({'proxy_port': 0, 'proxy_host': 'p'}, 'proxy_port'),
    ({'proxy_port': 65536, 'proxy_host': 'p'}, 'proxy_port'),
    ({'constants': {'ZZ': 'a\rb'}}, 'constants.ZZ'),
])
def test_csv_breaking_input_is_refused(overrides, words):
    with pytest.raises(ValidationError, match=words):
        model.DesiredRepository(repository_params(**overrides))


def test_a_file_is_ours_only_when_it_is_our_document():
    text = idm.render_csv('REPO', 'd', 'com.sap.idm.connector.scim:reptype.SCIM', False, {'SCIM_HOST': 'h'})
    assert model.is_repository_csv(text)
    assert not model.is_repository_csv('a,b\n1,2\n') and not model.is_repository_csv('{"name": "x"}')
