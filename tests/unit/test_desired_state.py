"""The reconciliation engine (module_utils/engine/desired_state.py) without a server: entities with child
collections by key, fields written separately, whole documents, check mode, masked diffs and partial failures."""

import pytest

# tests/unit/conftest.py puts the collection on sys.path.
from ansible_collections.sapcloud.identity.plugins.module_utils.errors import PartialChange
from fakes import FakeModule  # pylint: disable=wrong-import-order
from ansible_collections.sapcloud.identity.plugins.module_utils.engine.desired_state import Children, Ensure
from ansible_collections.sapcloud.identity.plugins.module_utils.protocols.http_client import ApiError


def users(writes, purge=True):
    return Children('Users', 'Name', 'user', purge=purge, write_only=('Password',), placeholder={'UUID': ''},
                    add=lambda parent, item: writes.append(('add', parent['UUID'], item['Name'])) or dict(item, UUID='u9'),
                    update=lambda child, delta: writes.append(('update', child['Name'], sorted(delta))),
                    remove=lambda child: writes.append(('remove', child['Name'])))


CURRENT = {'UUID': 's1', 'ID': 'SYS', 'Host': 'a', 'Users': [
    {'UUID': 'u1', 'Name': 'KEEP', 'Method': 'basic'},
    {'UUID': 'u2', 'Name': 'CHANGE', 'Method': 'basic'},
    {'UUID': 'u3', 'Name': 'DROP', 'Method': 'basic'}]}
DESIRED = {'ID': 'SYS', 'Host': 'b', 'Users': [
    {'Name': 'KEEP', 'Method': 'basic', 'Password': 'secret-1'},
    {'Name': 'CHANGE', 'Method': 'x509', 'Password': None},
    {'Name': 'NEW', 'Method': 'basic', 'Password': 'secret-2'}]}


@pytest.mark.parametrize('check_mode', [False, True])
def test_children_by_key_add_update_remove_in_order(check_mode):
    writes = []
    ensure = Ensure(FakeModule(check_mode), ('Password',))
    obj = ensure.present(CURRENT, DESIRED, create=None, update=lambda cur, delta: writes.append(('patch', delta)),
                         children=[users(writes)])
    assert ensure.actions == ['update', 'remove_user', 'update_user', 'add_user']
    expected = [('patch', {'Host': 'b'}), ('remove', 'DROP'), ('update', 'CHANGE', ['Method']), ('add', 's1', 'NEW')]
    assert writes == ([] if check_mode else expected)
    assert [u['Name'] for u in obj['Users']] == ['KEEP', 'CHANGE', 'NEW']
    assert obj['Users'][2]['UUID'] == ('' if check_mode else 'u9')
    diff = ensure.diff()
    assert diff['before'] == CURRENT and [u['Name'] for u in diff['after']['Users']] == ['KEEP', 'CHANGE', 'NEW']
    assert diff['after']['Users'][2]['Password'] == '********'
    assert 'secret' not in repr(ensure.result(system=obj))


def test_children_without_purge_and_unchanged_make_no_write():
    writes = []
    ensure = Ensure(FakeModule(False), ('Password',))
    desired = dict(CURRENT, Users=[{'Name': 'KEEP', 'Method': 'basic', 'Password': 'p'}])
    ensure.present(CURRENT, desired, create=None, update=None, children=[users(writes, purge=False)])
    assert writes == [] and not ensure.changed
    ensure.present(CURRENT, dict(desired, Users=None), create=None, update=None, children=[users(writes)])
    assert writes == [] and not ensure.changed


def test_update_password_always_sends_write_only_fields_of_children():
    writes = []
    ensure = Ensure(FakeModule(False), ('Password',))
    desired = dict(CURRENT, Users=[dict(u, Password='p') for u in CURRENT['Users']])
    ensure.present(CURRENT, desired, create=None, update=None, children=[users(writes)], update_password='always')
    assert writes == [('update', 'KEEP', ['Password']), ('update', 'CHANGE', ['Password']),
                      ('update', 'DROP', ['Password'])]


@pytest.mark.parametrize('check_mode', [False, True])
def test_create_sends_the_parent_then_its_children(check_mode):
    writes = []
    ensure = Ensure(FakeModule(check_mode), ('Password',))
    obj = ensure.present(None, DESIRED, create=lambda body: writes.append(('create', sorted(body))) or dict(body, UUID='s2'),
                         update=None, children=[users(writes)], placeholder={'UUID': ''})
    assert ensure.actions == ['create', 'add_user', 'add_user', 'add_user']
    assert obj['UUID'] == ('' if check_mode else 's2') and len(obj['Users']) == 3
    if not check_mode:
        assert writes[0] == ('create', ['Host', 'ID']) and writes[1] == ('add', 's2', 'KEEP')


def test_inline_children_go_into_the_parent_body_and_separate_fields_follow():
    writes = []
    items = Children('Props', 'Name', inline=True)
    current = {'UUID': 'a1', 'Name': 'old', 'Props': [{'Name': 'p', 'Value': '1'}, {'Name': 'q', 'Value': '2'}],
               'Bound': {'User': 'x'}}
    desired = {'Name': 'new', 'Props': [{'Name': 'p', 'Value': '1'}, {'Name': 'r', 'Value': '3'}], 'Bound': {'User': 'y'}}
    ensure = Ensure(FakeModule(False))
    obj = ensure.present(current, desired, create=None, update=lambda cur, delta: writes.append(('patch', delta)),
                         children=[items], separate={'Bound': ('bind', lambda cur, value: writes.append(('bind', value)))})
    assert writes == [('patch', {'Name': 'new', 'Props': [{'Name': 'r', 'Value': '3'}]}), ('bind', {'User': 'y'})]
    assert ensure.actions == ['update', 'bind']
    assert [p['Name'] for p in obj['Props']] == ['p', 'q', 'r'] and obj['Bound'] == {'User': 'y'}
    created = []
    Ensure(FakeModule(False)).present(None, desired, create=lambda body: created.append(body) or dict(body, UUID='a2'),
                                      update=None, children=[items], separate={'Bound': ('bind', None)})
    assert created == [desired]


@pytest.mark.parametrize('check_mode', [False, True])
def test_replace_compares_the_whole_document(check_mode):
    writes = []
    ensure = Ensure(FakeModule(check_mode), ('Password',))
    current = {'Name': 'd', 'URL': 'https://a', 'Extra': '1'}
    target = {'Name': 'd', 'URL': 'https://a', 'Password': 'secret'}
    _doc, changed = ensure.replace(current, dict(target, URL='https://b'), writes.append, write_only=('Password',))
    assert changed == ['Extra', 'URL'] and ensure.actions == ['update']
    assert writes == ([] if check_mode else [dict(target, URL='https://b')])
    assert ensure.diff()['after']['Password'] == '********'
    ensure = Ensure(FakeModule(check_mode), ('Password',))
    old = dict(target, Password='old')
    assert ensure.replace(old, target, writes.append, write_only=('Password',)) == (old, [])
    assert ensure.replace(old, target, writes.append, write_only=('Password',),
                          update_password='always')[1] == ['Password']
    ensure = Ensure(FakeModule(check_mode))
    doc, changed = ensure.replace(None, target, writes.append, create=lambda doc: dict(doc, ID='7'))
    assert changed == ['Name', 'Password', 'URL'] and ensure.actions == ['create']
    assert doc == (target if check_mode else dict(target, ID='7'))


def test_replace_compares_views_and_returns_the_written_document():
    ensure = Ensure(FakeModule(False))

    def view(doc):
        return {'name': doc['n']}
    assert ensure.replace({'n': 'a', 'id': 1}, {'n': 'a'}, None, view=view) == ({'n': 'a', 'id': 1}, [])
    doc, changed = ensure.replace({'n': 'a', 'id': 1}, {'n': 'b'}, lambda t: dict(t, id=1), view=view)
    assert (doc, changed) == ({'n': 'b', 'id': 1}, ['name'])
    assert ensure.diff() == {'before': {'name': 'a'}, 'after': {'name': 'b'}}


def test_a_failure_after_applied_writes_reports_them():
    def fail(child):
        raise ApiError('boom', 'DELETE', 'https://h/x', 500)
    writes = []
    children = users(writes)
    children.remove = fail
    ensure = Ensure(FakeModule(False), ('Password',))
    with pytest.raises(PartialChange) as info:
        ensure.present(CURRENT, DESIRED, create=None, update=lambda cur, delta: None, children=[children])
    assert info.value.result['changed'] is True and info.value.result['actions'] == ['update']
    assert info.value.cause.status == 500
    ensure = Ensure(FakeModule(False))
    with pytest.raises(ApiError):  # nothing applied yet: the plain failure
        ensure.absent({'ID': 1}, fail)
