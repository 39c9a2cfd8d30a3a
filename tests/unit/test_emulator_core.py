"""The emulator's HTTP layer: counting, faults, control API, state files and TLS, with a tiny service (a model and
its routes)."""

import json
import os
import sys

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

from emulator.core import INTERNAL_AGENT, Emulator, Service, json_response, route  # noqa: E402  pylint: disable=wrong-import-position
from emulator.model import Model, Refused  # noqa: E402  pylint: disable=wrong-import-position


class CounterModel(Model):
    """A value that only grows, by at most 10 a step."""

    def initial_state(self):
        return {'value': 0}

    def add(self, step):
        if step > 10:
            raise Refused(400, 'a step is at most 10')
        self.state['value'] += step
        self.save()

    def seed(self, data):
        self.state['value'] = data['value']


class Counter(Service):
    kind = 'counter'
    model_class = CounterModel

    @route('GET', r'/value')
    def get_value(self, request):
        return json_response(200, self.model.state)

    @route('POST', r'/value/(?P<step>\d+)')
    def add(self, request, step):
        self.model.add(int(step))
        return json_response(201, self.model.state)


@pytest.fixture
def emulator(tmp_path):
    emu = Emulator([{'name': 'a', 'kind': 'counter'}, {'name': 'b', 'kind': 'counter'}], {'counter': Counter},
                   state_dir=str(tmp_path))
    emu.start()
    yield emu
    emu.stop()


def test_counts_requests_and_writes_per_host_before_service_logic(emulator):
    a, b = emulator.services['a'].url, emulator.services['b'].url
    requests.get(a + '/value', timeout=5)
    requests.post(a + '/value/2', timeout=5)
    requests.delete(b + '/nothing', timeout=5)  # unknown route: still counted as a write
    # A call one emulated system makes to another: counted, and also apart as internal.
    requests.get(b + '/value', headers={'User-Agent': INTERNAL_AGENT}, timeout=5)
    stats = requests.get(a + '/_emulator/stats', timeout=5).json()
    assert stats['hosts']['a'] == {'requests': 2, 'writes': 1, 'methods': {'GET': 1, 'POST': 1},
                                   'paths': {'GET /value': 1, 'POST /value/2': 1}, 'internal': {}}
    assert stats['hosts']['b']['writes'] == 1
    assert stats['hosts']['b']['internal'] == {'GET /value': 1}
    assert stats['total'] == {'requests': 4, 'writes': 2}


def test_control_requests_are_not_counted(emulator):
    a = emulator.services['a'].url
    requests.post(a + '/_emulator/stats/reset', timeout=5)
    # After the reset: control reads and writes, on either host, count as nothing.
    requests.get(a + '/_emulator/hosts', timeout=5)
    requests.get(emulator.services['b'].url + '/_emulator/stats', timeout=5)
    requests.post(a + '/_emulator/faults', json={'host': 'b', 'path': '^/never$', 'status': 500}, timeout=5)
    requests.delete(a + '/_emulator/faults', timeout=5)
    assert requests.get(a + '/_emulator/stats', timeout=5).json()['total'] == {'requests': 0, 'writes': 0}
    # ... while the service requests beside them are counted.
    requests.get(a + '/value', timeout=5)
    assert requests.get(a + '/_emulator/stats', timeout=5).json()['total'] == {'requests': 1, 'writes': 0}


def test_status_fault_hits_matching_requests_count_times(emulator):
    a = emulator.services['a'].url
    fault = {'host': 'a', 'path': '^/value$', 'status': 503, 'count': 2, 'headers': {'Retry-After': '1'}}
    requests.post(a + '/_emulator/faults', json=fault, timeout=5)
    first = requests.get(a + '/value', timeout=5)
    assert first.status_code == 503 and first.headers['Retry-After'] == '1'
    assert requests.get(a + '/value', timeout=5).status_code == 503
    assert requests.get(a + '/value', timeout=5).status_code == 200


def test_dropped_connection(emulator):
    a = emulator.services['a'].url
    requests.post(a + '/_emulator/faults', json={'host': 'a', 'drop': True}, timeout=5)
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(a + '/value', timeout=5)


def test_state_survives_a_restart_and_reset_restores_it(emulator, tmp_path):
    a = emulator.services['a'].url
    requests.post(a + '/value/5', timeout=5)
    with open(os.path.join(str(tmp_path), 'state-a.json')) as handle:
        assert json.load(handle) == {'value': 5}
    again = Emulator([{'name': 'a', 'kind': 'counter'}], {'counter': Counter}, state_dir=str(tmp_path))
    assert again.services['a'].state == {'value': 5}
    requests.post(a + '/_emulator/reset', json={'host': 'a'}, timeout=5)
    assert requests.get(a + '/value', timeout=5).json() == {'value': 0}


def test_seed_and_unknown_routes(emulator):
    a = emulator.services['a'].url
    assert requests.post(a + '/_emulator/seed', json={'host': 'a', 'data': {'value': 7}}, timeout=5).ok
    assert requests.get(a + '/value', timeout=5).json() == {'value': 7}
    assert requests.get(a + '/nowhere', timeout=5).status_code == 404
    assert requests.put(a + '/value', timeout=5).status_code == 405


def test_a_refusal_of_the_model_is_answered_by_the_routes_and_changes_nothing(emulator):
    a = emulator.services['a'].url
    refused = requests.post(a + '/value/11', timeout=5)
    assert refused.status_code == 400 and refused.json() == {'error': 'a step is at most 10'}
    assert requests.get(a + '/value', timeout=5).json() == {'value': 0}


def test_a_host_without_a_seed_says_so():
    emu = Emulator([{'name': 'plain', 'kind': 'plain'}], {'plain': Service})
    emu.start()
    try:
        answer = requests.post(emu.services['plain'].url + '/_emulator/seed', json={'data': {}}, timeout=5)
        assert answer.status_code == 400 and answer.json() == {'error': 'host plain takes no seed'}
    finally:
        emu.stop()


def test_tls_is_verified_against_the_throwaway_ca(tmp_path):
    from emulator.tls import server_context  # pylint: disable=import-outside-toplevel
    emu = Emulator([{'name': 'a', 'kind': 'counter'}], {'counter': Counter}, state_dir=str(tmp_path),
                   tls=server_context(str(tmp_path)))
    emu.start()
    try:
        url = emu.services['a'].url
        assert url.startswith('https://127.0.0.1:')
        assert requests.get(url + '/value', verify=os.path.join(str(tmp_path), 'ca.pem'), timeout=5).ok
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(url + '/value', timeout=5)
    finally:
        emu.stop()


def test_properties_parser_keeps_trailing_spaces_and_joins_continuations():
    from emulator.services.neo.properties import parse_properties
    from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.java_properties import properties_dump
    values = {'URL': 'https://h.example.com', 'Trailing': 'ends in a space ', 'Lead': '  two leading',
              'Emoji': 'x\U0001F600y', 'Back': 'a\\b', 'Sep': 'a=b:c#d!e', 'Multi': 'line1\nline2'}
    assert parse_properties(properties_dump(values)) == values
    assert parse_properties('a = one \\\n    two \n') == {'a': 'one two '}


def test_properties_written_by_the_emulator_read_back_as_they_were():
    from emulator.services.neo.properties import properties_text
    from ansible_collections.sapcloud.identity.plugins.module_utils.codecs.java_properties import properties_load
    values = {'Emoji': 'Zürich – 東京 😀', 'Trailing': 'x ', 'Tab': 'a\tb', 'Control': 'a\x01b'}
    assert properties_load(properties_text(values)) == values
