"""Certificate bad input (issue 19): files made at test time (tests/emulator/certs.py) in the fault run's own
folder, each case a module run that must fail before any request, naming the option. Rows as every table here:
(id, 'module', module, args, expected words).

secrets(tmp) are the private keys made here (each key's PEM body lines) and the passphrase of the encrypted one:
the secret scan looks for them in every output.
"""

import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))

from emulator import certs  # noqa: E402  pylint: disable=wrong-import-position

S4 = 'sapcloud.identity.'
# Never given to any task: the cases only pass a wrong one (the bad-input password) or none.
KEY_PASSPHRASE = 'Certificate-Key-Passphrase-Never-Passed-1'


def _files(tmp):
    """Write every file the cases need into tmp/certificates; returns {label: path}."""
    folder = os.path.join(tmp, 'certificates')
    os.makedirs(folder, exist_ok=True)
    authority = certs.Authority('bad input test CA')
    out = {}
    good, good_key = authority.issue('bad-input-good')
    out['cert'], out['key'] = certs.write_pem_files(folder, 'good', good, good_key)
    _other, other_key = authority.issue('bad-input-other')
    out['other_key'] = certs.write(os.path.join(folder, 'other-key.pem'), certs.key_pem(other_key))
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=40)
    expired, expired_key = authority.issue('bad-input-expired', not_before=past, days=10)
    out['expired'], out['expired_key'] = certs.write_pem_files(folder, 'expired', expired, expired_key)
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
    early, early_key = authority.issue('bad-input-future', not_before=future)
    out['future'], out['future_key'] = certs.write_pem_files(folder, 'future', early, early_key)
    encrypted, encrypted_key = authority.issue('bad-input-encrypted')
    out['encrypted'], out['encrypted_key'] = certs.write_pem_files(folder, 'encrypted', encrypted, encrypted_key,
                                                                   KEY_PASSPHRASE)
    out['open_key'] = certs.write(os.path.join(folder, 'open-key.pem'), certs.key_pem(good_key), 0o644)
    out['chain'] = certs.write(os.path.join(folder, 'chain.pem'), certs.pem(good) + certs.pem(authority.certificate),
                               0o644)
    out['der'] = certs.write(os.path.join(folder, 'good.der'), good.public_bytes(certs.serialization.Encoding.DER),
                             0o644)
    out['text'] = certs.write(os.path.join(folder, 'not-pem.txt'), b'this is not a certificate\n', 0o644)
    out['damaged'] = certs.write(os.path.join(folder, 'damaged.pem'),
                                 b'-----BEGIN CERTIFICATE-----\nTUlJQmFk\n-----END CERTIFICATE-----\n', 0o644)
    return out


def cases(tmp):
    f = _files(tmp)
    info = S4 + 's4_comm_user_info'
    user = S4 + 's4_comm_user'

    def conn(**options):
        return dict({'api_client_cert': f['cert'], 'api_client_key': f['key']}, **options)
    new_user = {'name': 'IT_BAD_CERT', 'description': 'bad input'}
    out = [
        ('client cert not PEM', info, conn(api_client_cert=f['text']), ['api_client_cert', 'not a PEM']),
        ('client cert in DER', info, conn(api_client_cert=f['der']), ['api_client_cert', 'PEM']),
        ('client cert damaged', info, conn(api_client_cert=f['damaged']), ['api_client_cert', 'damaged']),
        ('key given as client cert', info, conn(api_client_cert=f['key']), ['api_client_cert', 'private key']),
        ('certificate given as key', info, conn(api_client_key=f['cert']), ['api_client_key', 'not a private key']),
        ('client cert missing file', info, conn(api_client_cert=os.path.join(tmp, 'none.pem')),
         ['api_client_cert', 'file']),
        ('client cert expired', info, conn(api_client_cert=f['expired'], api_client_key=f['expired_key']),
         ['api_client_cert', 'expired']),
        ('client cert not yet valid', info, conn(api_client_cert=f['future'], api_client_key=f['future_key']),
         ['api_client_cert', 'not valid before']),
        ('key and cert do not match', info, conn(api_client_key=f['other_key']),
         ['api_client_key', 'api_client_cert', 'do not belong']),
        ('wrong key passphrase', info, conn(api_client_cert=f['encrypted'], api_client_key=f['encrypted_key'],
                                            api_client_key_passphrase='{{ bad_input_password }}'),
         ['api_client_key_passphrase', 'wrong passphrase']),
        ('encrypted key without passphrase', info, conn(api_client_cert=f['encrypted'],
                                                        api_client_key=f['encrypted_key']),
         ['api_client_key', 'api_client_key_passphrase']),
        ('key readable by others', info, conn(api_client_key=f['open_key']), ['api_client_key', 'readable by every']),
        ('client cert without key', info, {'api_client_cert': f['cert']}, ['api_client_key', 'required']),
        ('client key without cert', info, {'api_client_key': f['key']}, ['api_client_key', 'api_client_cert']),
        ('user certificate is a chain', user, dict(new_user, certificates=[f['chain']]),
         ['certificates[0]', 'chain']),
        ('user certificate expired', user, dict(new_user, certificates=[f['expired']]), ['certificates[0]', 'expired']),
        ('user certificate is a key', user, dict(new_user, certificates=[f['key']]),
         ['certificates[0]', 'private key']),
        ('user certificate not PEM', user, dict(new_user, certificates=[f['text']]), ['certificates[0]', 'PEM']),
        ('user certificate_encoding unknown', user, dict(new_user, certificates=[f['cert']],
                                                         certificate_encoding='der'), ['certificate_encoding']),
    ]
    return [(case_id, 'module', module, args, expect) for case_id, module, args, expect in out]


def secrets(tmp):
    """Every private key made for the cases (its PEM body lines) and the passphrase of the encrypted one."""
    folder = os.path.join(tmp, 'certificates')
    out = [KEY_PASSPHRASE]
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        with open(os.path.join(folder, name), 'rb') as handle:
            text = handle.read().decode('ascii', 'replace')
        if 'PRIVATE KEY' in text:
            out.extend(line for line in text.splitlines() if line and not line.startswith('-----'))
    return out
