"""The emulator's tenant variants (tests/emulator/variants.py): chosen per host by the --variant flag or the
control API, each changing what that host answers and nothing on the others; a reset goes back to the variants
given at start. What the collection makes of each variant is tests/variants/run.py (make variants)."""

import os
import shutil
import tempfile

import pytest
import requests

from conftest import DEMO, EmulatorProcess

CU = '/sap/opu/odata4/sap/aps_com_cu_a4c_odata/srvd_a2x/sap/aps_com_cu_a4c_odata/0001'
CA = '/sap/opu/odata4/sap/aps_com_ca_a4c_odata/srvd_a2x/sap/aps_com_ca_a4c_odata/0001'
AUTH = (DEMO['s4_admin_user'], DEMO['s4_admin_password'])


def get(emulator, host, path, **params):
    return requests.get(emulator.url(host) + path, params=params, auth=AUTH, timeout=10)


def test_the_control_api_applies_a_variant_to_one_host_and_a_reset_removes_it(emulator):
    emulator.reset()
    known = requests.get(emulator.control + '/variants', timeout=10).json()['known']
    assert len(known) >= 15 and all(v['fact'] for v in known.values())

    emulator.variants('s4_t1', ['s4_no_item_properties', 's4_sap_client_required'])
    try:
        assert get(emulator, 's4_t1', CU + '/$metadata').status_code == 400
        assert 'sap-client' in get(emulator, 's4_t1', CU + '/$metadata').text
        metadata = get(emulator, 's4_t1', CA + '/$metadata', **{'sap-client': '100'}).text
        assert '<EntityType Name="Property">' in metadata and '"Value"' not in metadata
        # The other tenants are the base emulator.
        assert get(emulator, 's4_t2', CU + '/$metadata').status_code == 200
        assert '"Value"' in get(emulator, 's4_t2', CA + '/$metadata').text
    finally:
        emulator.reset()
    assert get(emulator, 's4_t1', CU + '/$metadata').status_code == 200


def test_an_unknown_variant_or_one_of_another_kind_is_refused(emulator):
    for names in (['no_such_variant'], ['neo_destination_password']):
        response = requests.post(emulator.control + '/variants', json={'host': 's4_t1', 'names': names}, timeout=10)
        assert response.status_code == 400, response.text
        assert names[0] in response.json()['error']


@pytest.fixture
def started_with_variant():
    state_dir = tempfile.mkdtemp(prefix='sapcloud-variant-')
    process = EmulatorProcess(state_dir, tenants=2, args=['--variant', 's4_t2=s4_no_max_length'])
    yield process
    process.stop()
    shutil.rmtree(state_dir, ignore_errors=True)


def test_a_variant_given_at_start_stays_after_a_reset(started_with_variant):
    emulator = started_with_variant
    assert 'MaxLength' not in get(emulator, 's4_t2', CU + '/$metadata').text
    assert 'MaxLength' in get(emulator, 's4_t1', CU + '/$metadata').text
    emulator.reset()
    assert 'MaxLength' not in get(emulator, 's4_t2', CU + '/$metadata').text
    with open(os.path.join(emulator.state_dir, 'emulator.log')) as handle:
        assert 's4_t2            tenant variant s4_no_max_length' in handle.read()


def test_the_readme_names_every_variant_with_its_fact():
    from emulator.variants import VARIANTS
    with open(os.path.join(os.path.dirname(__file__), '..', 'emulator', 'README.md')) as handle:
        readme = handle.read()
    for name, entry in VARIANTS.items():
        assert '| `%s` | `%s` | %s |' % (name, entry['kind'], entry['fact'].replace('|', '\\|')) in readme, name


def test_a_refused_delete_or_password_change_fails_saying_so(module, emulator):
    """Variants the playbooks' integrate/verify sequence never meets: a write SAP does not document, refused."""
    from conftest import s4_connection
    emulator.reset()
    emulator.seed('s4_t1', {'users': [{'Name': 'IT_VARIANT_USER', 'Password': 'Variant-User-Passw0rd-1!',
                                       'Description': 'to delete'}]})
    try:
        emulator.variants('s4_t1', ['s4_delete_refused', 's4_password_patch_refused'])
        emulator.reset_stats()
        gone = module.task('sapcloud.identity.s4_comm_user', {'name': 'IT_VARIANT_USER', 'state': 'absent'},
                           defaults=s4_connection(emulator))
        assert gone.failed and 'refused' in gone.msg and 'Maintain Communication Users' in gone.msg, gone.msg
        patch = module.task('sapcloud.identity.s4_comm_user',
                            {'name': 'IT_VARIANT_USER', 'description': 'to delete', 'password': 'Another-Passw0rd-12345!',
                             'update_password': 'always'}, defaults=s4_connection(emulator))
        assert patch.failed and 'refused' in patch.msg, patch.msg
        assert 'Another-Passw0rd-12345!' not in patch.msg
        assert [u['Name'] for u in emulator.state('s4_t1')['users'].values()].count('IT_VARIANT_USER') == 1
    finally:
        emulator.reset()
