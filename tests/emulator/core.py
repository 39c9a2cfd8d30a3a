"""The emulator's HTTP layer: one threaded server per emulated host, routing, stats, faults, state files.

Every emulated host is a Service bound to its own loopback port. Requests to `/_emulator/...` on any port are the
emulator's own control API (no auth, never an SAP API); every other request is counted in the stats at the HTTP
layer (per host and method; writes = every non-GET), may be hit by an injected fault, and is then handed to the
service under that service's lock.
"""

import base64
import json
import os
import re
import socket
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from emulator import variants as tenant_variants
from emulator.model import Model, Refused

CONTROL_PREFIX = '/_emulator'
# The User-Agent of calls one emulated system makes to another (IDM's initial load through the proxy, the proxy to
# S/4HANA): counted like every request, and also apart, so a benchmark can tell the client's requests from them.
INTERNAL_AGENT = 'sapcloud-emulator-internal'


class Request:
    def __init__(self, method, path, query, headers, body, client_cert=None):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        # DER bytes of the client certificate the TLS layer verified (mutual TLS), else None.
        self.client_cert = client_cert

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json(self):
        if not self.body:
            return None
        return json.loads(self.body.decode('utf-8'))

    def basic_auth(self):
        value = self.header('Authorization', '')
        if not value.lower().startswith('basic '):
            return None
        try:
            user, password = base64.b64decode(value[6:]).decode('utf-8').split(':', 1)
        except (ValueError, UnicodeDecodeError):
            return None
        return user, password

    def bearer(self):
        value = self.header('Authorization', '')
        return value[7:] if value.lower().startswith('bearer ') else None

    def form(self):
        return dict(parse_qsl(self.body.decode('utf-8'))) if self.body else {}


class Response:
    def __init__(self, status=200, body=b'', headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode('utf-8')
        self.headers = dict(headers or {})


def json_response(status, obj, headers=None):
    hdrs = {'Content-Type': 'application/json'}
    hdrs.update(headers or {})
    return Response(status, json.dumps(obj), hdrs)


def text_response(status, text, content_type='text/plain; charset=utf-8', headers=None):
    hdrs = {'Content-Type': content_type}
    hdrs.update(headers or {})
    return Response(status, text, hdrs)


def route(method, pattern):
    """Decorator: the method handles `method` requests whose path matches the regex `pattern` (full match)."""
    def mark(func):
        func.route = (method, re.compile('^' + pattern + '$'))
        return func
    return mark


class HttpError(Exception):
    """Raised inside a handler to answer with a ready-made response."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


class Service:
    """Base of every emulated host's routes. Subclasses set `kind` and `model_class` and define @route handlers
    that parse the request, call the model (self.model: the state and the rules, emulator/model.py) and shape
    the answer. A Refused raised by the model is answered by refused(), in the host's error format."""

    kind = 'base'
    model_class = Model

    def __init__(self, name, config, emulator):
        self.name = name
        self.config = dict(config or {})
        self.emulator = emulator
        self.url = None
        self.routes = []
        for attr in dir(type(self)):
            func = getattr(type(self), attr)
            if callable(func) and hasattr(func, 'route'):
                self.routes.append((func.route[0], func.route[1], getattr(self, attr)))
        self.model = self.model_class(self.config, switches=lambda: emulator.switches(name),
                                      save=lambda state: emulator.store.save(name, state))
        loaded = self.emulator.store.load(name)
        if loaded:
            self.model.state = loaded
            self.model.restored()

    @property
    def lock(self):
        return self.model.lock

    @property
    def state(self):
        return self.model.state

    def save(self):
        self.model.save()

    def reset(self):
        self.model.reset()

    def seed(self, data):
        """Create manual prerequisites (emulator-only), through the model's seed."""
        if not hasattr(self.model, 'seed'):
            raise HttpError(json_response(400, {'error': 'host %s takes no seed' % self.name}))
        try:
            return self.model.seed(data)
        except Refused as exc:
            raise HttpError(json_response(exc.status, {'error': exc.message}))

    def demo_seed(self):
        demo = getattr(self.model, 'demo_seed', None)
        return demo() if demo else None

    def inject(self, action, params):
        """Service-specific fault actions (e.g. expire tokens). Returns True when handled."""
        return self.model.inject(action, params)

    def describe(self):
        return {'kind': self.kind, 'url': self.url}

    def peer(self, name):
        return self.emulator.services[name]

    def handle(self, request):
        allowed = []
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match:
                if method == request.method:
                    try:
                        return handler(request, **match.groupdict())
                    except HttpError as exc:
                        return exc.response
                    except Refused as exc:
                        return self.refused(request, exc)
                allowed.append(method)
        if allowed:
            return json_response(405, {'error': 'method %s not allowed' % request.method})
        return self.not_found(request)

    def refused(self, request, refusal):
        """The answer to a refusal of the model; hosts with their own error format override it."""
        return json_response(refusal.status, {'error': refusal.message})

    def not_found(self, request):
        return json_response(404, {'error': 'no route for %s %s on %s' % (request.method, request.path, self.name)})


class StateStore:
    """One JSON file per service in a directory, replaced atomically on every save."""

    def __init__(self, directory):
        self.directory = directory
        if directory:
            os.makedirs(directory, exist_ok=True)

    def _path(self, name):
        return os.path.join(self.directory, 'state-%s.json' % name)

    def load(self, name):
        if not self.directory or not os.path.exists(self._path(name)):
            return None
        with open(self._path(name)) as handle:
            return json.load(handle)

    def save(self, name, state):
        if not self.directory:
            return
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix='.state-')
        with os.fdopen(fd, 'w') as handle:
            json.dump(state, handle, indent=1, sort_keys=True)
        os.replace(tmp, self._path(name))


class Stats:
    """Requests and writes per host and method, counted before any service logic runs. `internal` counts, per
    method and path, the requests among them that emulated systems made to each other."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.hosts = {}
            self.log = []

    def count(self, host, method, path, internal=False):
        with self.lock:
            entry = self.hosts.setdefault(host, {'requests': 0, 'writes': 0, 'methods': {}, 'paths': {},
                                                 'internal': {}})
            entry['requests'] += 1
            if method != 'GET':
                entry['writes'] += 1
            entry['methods'][method] = entry['methods'].get(method, 0) + 1
            key = '%s %s' % (method, path)
            entry['paths'][key] = entry['paths'].get(key, 0) + 1
            if internal:
                entry['internal'][key] = entry['internal'].get(key, 0) + 1
            if len(self.log) < 20000:
                self.log.append({'host': host, 'method': method, 'path': path, 'time': time.time(),
                                 'internal': internal})

    def snapshot(self, with_log=False):
        with self.lock:
            hosts = json.loads(json.dumps(self.hosts))
            total = {'requests': sum(h['requests'] for h in hosts.values()),
                     'writes': sum(h['writes'] for h in hosts.values())}
            out = {'hosts': hosts, 'total': total}
            if with_log:
                out['log'] = list(self.log)
            return out


class Faults:
    """Injected faults: status answers, delays, dropped connections, matched by host, method and path regex.

    A fault is {host?, method?, path? (regex, searched), status?, headers?, body?, delay? (seconds), drop?, count
    (default 1), after?}. A status or drop answers before the service sees the request (a delay alone only slows
    it). With `after: true` the service handles the request first (a write takes effect) and then its answer is
    dropped or replaced by the fault's status: a write that was applied although the client saw it fail.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, fault):
        fault = dict(fault)
        fault.setdefault('count', 1)
        with self.lock:
            self.items.append(fault)

    def clear(self):
        with self.lock:
            self.items = []

    def take(self, host, method, path):
        with self.lock:
            for fault in self.items:
                if fault.get('host') not in (None, host):
                    continue
                if fault.get('method') not in (None, method):
                    continue
                if fault.get('path') and not re.search(fault['path'], path):
                    continue
                fault['count'] -= 1
                if fault['count'] <= 0:
                    self.items.remove(fault)
                return fault
        return None


def make_handler(emulator, service):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        server_version = 'sapcloud-emulator'
        # Headers and body go out in separate writes; with Nagle on, a keep-alive client waits ~40 ms per request.
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet; the stats keep the record
            pass

        def _dispatch(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            request = Request(self.command, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)),
                              self.headers, body, self.client_certificate())
            if parts.path.startswith(CONTROL_PREFIX):
                response = emulator.control(service, request)
            else:
                emulator.stats.count(service.name, self.command, parts.path,
                                     internal=self.headers.get('User-Agent') == INTERNAL_AGENT)
                fault = emulator.faults.take(service.name, self.command, parts.path)
                response = None
                if fault:
                    if fault.get('delay'):
                        time.sleep(float(fault['delay']))
                    if fault.get('after'):
                        with service.lock:
                            response = service.handle(request)
                    if fault.get('drop'):
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                    if fault.get('status'):
                        response = Response(int(fault['status']), fault.get('body', ''), fault.get('headers'))
                if response is None:
                    with service.lock:
                        response = service.handle(request)
            self.send_response(response.status)
            for key, value in response.headers.items():
                for item in value if isinstance(value, list) else [value]:
                    self.send_header(key, item)
            self.send_header('Content-Length', str(len(response.body)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(response.body)

        def client_certificate(self):
            getpeercert = getattr(self.connection, 'getpeercert', None)
            return getpeercert(binary_form=True) if getpeercert else None

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _dispatch

    return Handler


class Emulator:
    """All emulated hosts of one run. topology: list of {name, kind, port?, config?}."""

    def __init__(self, topology, service_classes, state_dir=None, host='127.0.0.1', base_port=0, tls=None,
                 variants=None, client_ca=None):
        self.store = StateStore(state_dir)
        # Tenant variants per host: those given at start (--variant) come back on every reset.
        self.base_variants = dict((h, list(names)) for h, names in (variants or {}).items())
        self.variants = dict(self.base_variants)
        # The test client CA of mutual TLS (certs.Authority); the emulated IPS issues its certificates from it.
        self.client_ca = client_ca
        self.state_dir = state_dir
        self.stats = Stats()
        self.faults = Faults()
        self.services = {}
        self.servers = []
        self.tls = tls
        for index, entry in enumerate(topology):
            cls = service_classes[entry['kind']]
            service = cls(entry['name'], entry.get('config'), self)
            port = entry.get('port', base_port + index if base_port else 0)
            server = ThreadingHTTPServer((host, port), make_handler(self, service))
            server.daemon_threads = True
            if tls:
                server.socket = tls.wrap_socket(server.socket, server_side=True)
            scheme = 'https' if tls else 'http'
            service.url = '%s://%s:%d' % (scheme, host, server.server_address[1])
            self.services[service.name] = service
            self.servers.append(server)
        for name in self.variants:
            self.set_variants(name, self.variants[name])

    def set_variants(self, host, names):
        """Apply tenant variants to a host (replacing its earlier ones); an unknown name or kind fails."""
        service = self.services.get(host)
        if service is None:
            raise ValueError('unknown host %s' % host)
        tenant_variants.switches(names, service.kind)  # raises for an unknown variant or one of another kind
        self.variants[host] = list(names)

    def switches(self, host):
        return tenant_variants.switches(self.variants.get(host) or [], self.services[host].kind)

    def start(self):
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def hosts(self):
        return dict((name, svc.describe()) for name, svc in self.services.items())

    def control(self, service, request):
        """The emulator-only control API. Never presented as an SAP API."""
        action = request.path[len(CONTROL_PREFIX):].strip('/')
        body = request.json() or {}
        target = self.services.get(body.get('host') or request.query.get('host') or service.name)
        if target is None:
            return json_response(404, {'error': 'unknown host'})
        try:
            if action == 'hosts':
                return json_response(200, self.hosts())
            if action == 'variants' and request.method == 'GET':
                return json_response(200, {'active': dict((h, n) for h, n in self.variants.items() if n),
                                           'known': dict((n, dict(kind=v['kind'], fact=v['fact']))
                                                         for n, v in tenant_variants.VARIANTS.items())})
            if action == 'variants':
                try:
                    self.set_variants(target.name, body.get('names') or [])
                except (KeyError, ValueError) as exc:
                    return json_response(400, {'error': str(exc).strip("'")})
                return json_response(200, {'host': target.name, 'variants': self.variants[target.name]})
            if action == 'stats' and request.method == 'GET':
                return json_response(200, self.stats.snapshot(with_log=request.query.get('log') == '1'))
            if action == 'stats/reset':
                self.stats.reset()
                return json_response(200, {'reset': 'stats'})
            if action == 'reset':
                names = [body['host']] if body.get('host') else list(self.services)
                for name in names:
                    self.variants[name] = list(self.base_variants.get(name, []))
                    with self.services[name].lock:
                        self.services[name].reset()
                self.stats.reset()
                self.faults.clear()
                return json_response(200, {'reset': names})
            if action == 'seed':
                data = body.get('data', body)
                if data == 'demo':
                    data = target.demo_seed() if hasattr(target, 'demo_seed') else None
                    if data is None:
                        return json_response(200, {'seeded': None})
                with target.lock:
                    result = target.seed(data)
                    target.save()
                return json_response(200, result or {'seeded': target.name})
            if action == 'state' and request.method == 'GET':
                with target.lock:
                    return json_response(200, target.state)
            if action == 'faults' and request.method == 'DELETE':
                self.faults.clear()
                return json_response(200, {'faults': []})
            if action == 'faults':
                if body.get('action'):
                    with target.lock:
                        handled = target.inject(body['action'], body)
                    if not handled:
                        return json_response(400, {'error': 'host %s has no fault %s' % (target.name, body['action'])})
                    return json_response(200, {'injected': body['action']})
                self.faults.add(body)
                return json_response(200, {'faults': len(self.faults.items)})
        except HttpError as exc:
            return exc.response
        return json_response(404, {'error': 'unknown control action %s' % action})
