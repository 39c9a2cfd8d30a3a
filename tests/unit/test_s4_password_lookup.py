"""sapcloud.identity.s4_password: policy, persistence (0600, unchanged on re-run), races and clear failures."""

import os
import random
import stat
import threading

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader

# conftest.py installs the collection finder.
from ansible_collections.sapcloud.identity.plugins.lookup import s4_password


def lookup(*terms, **options):
    """Call the plugin as Ansible does: loaded by name, so its documented options apply."""
    plugin = lookup_loader.get('sapcloud.identity.s4_password', loader=DataLoader())
    return plugin.run(list(terms), variables={}, **options)


def test_generated_passwords_meet_the_policy():
    rng = random.Random(7)
    for length in (20, 24, 40):
        for _attempt in range(500):
            password = s4_password.generate(length, '-_.!*+#@', rng)
            assert len(password) == length
            assert s4_password.policy_problems(password) == []
            assert password[0].isalpha()
            assert not any(password[i] == password[i + 1] == password[i + 2] for i in range(length - 2))


def test_policy_problems_name_each_rule():
    assert s4_password.policy_problems('Short1!') == ['7 characters']
    assert 'no digit' in s4_password.policy_problems('Abcdefghijklmnopqrstu!')
    assert 'no special character' in s4_password.policy_problems('Abcdefghijklmnopqrstu1')
    assert 'a comma, quote or white space' in s4_password.policy_problems('Abcdefghijklmnopqrst1,')
    assert 'a comma, quote or white space' in s4_password.policy_problems('Abcdefghijklmnopqrst1"')


def test_first_call_creates_a_0600_file_and_later_calls_return_it(tmp_path):
    path = str(tmp_path / 'secrets' / 'tenant1' / 'IDM_PROXY')
    first = lookup(path)[0]
    assert os.path.exists(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert lookup(path)[0] == first
    assert lookup(path, length=40)[0] == first  # options only shape new passwords
    with open(path) as handle:
        assert handle.read() == first + '\n'
    assert os.listdir(os.path.dirname(path)) == ['IDM_PROXY']


def test_persist_false_writes_nothing(tmp_path):
    path = str(tmp_path / 'dry' / 'user')
    password = lookup(path, persist=False)[0]
    assert s4_password.policy_problems(password) == []
    assert not os.path.exists(os.path.dirname(path))


def test_several_terms_and_length(tmp_path):
    one, two = lookup(str(tmp_path / 'a'), str(tmp_path / 'b'), length=32)
    assert len(one) == len(two) == 32
    assert one != two


def test_a_stored_password_that_breaks_the_policy_fails_and_stays(tmp_path):
    path = tmp_path / 'bad'
    path.write_text('too,short\n')
    with pytest.raises(AnsibleError) as err:
        lookup(str(path))
    assert 'does not meet the S/4HANA policy' in str(err.value)
    assert str(path) in str(err.value)
    assert path.read_text() == 'too,short\n'


@pytest.mark.parametrize('options, word', [({'length': 19}, 'length'), ({'specials': 'a,'}, 'specials'),
                                           ({'specials': '-"'}, 'specials'), ({'specials': ''}, 'specials')])
def test_bad_options_fail_before_any_file_is_written(tmp_path, options, word):
    with pytest.raises(AnsibleError) as err:
        lookup(str(tmp_path / 'x'), **options)
    assert word in str(err.value)
    assert not os.path.exists(str(tmp_path / 'x'))


def test_parallel_callers_agree_on_one_password(tmp_path):
    path = str(tmp_path / 'race' / 'user')
    results = []
    threads = [threading.Thread(target=lambda: results.append(lookup(path)[0])) for _index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert os.listdir(os.path.dirname(path)) == ['user']
