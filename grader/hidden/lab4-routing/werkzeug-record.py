#!/usr/bin/env python3
"""Records how Werkzeug's router answers the cases below, into werkzeug-corpus.json beside it.

    python3 grader/hidden/lab4-routing/werkzeug-record.py     (Werkzeug 3.1.8; prints a summary)

werkzeug.test.ts replays the JSON against the learner's router, so the tests need no Python. Each
rule is added as Flask's app.route adds it: methods default to GET (Werkzeug adds HEAD to GET),
strict_slashes and defaults as given, one Map with Werkzeug's default settings. Each query is a
match (path, method, query string) or a build (endpoint, values).

Where the lesson deliberately differs from Werkzeug, the query carries `lesson=` with the answer
the lesson asks for and the lesson's reason; the JSON keeps both answers, and the test expects the
lesson's. Nothing is dropped: `npx tsx --conditions=reference
grader/hidden/lab4-routing/werkzeug-agreement.ts` prints how many answers of the reference agree
with Werkzeug's own, and lists every difference with its reason.
"""
import json
import sys
import uuid
from importlib import metadata
from pathlib import Path

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BuildError, Map, RequestRedirect, Rule

HOST = 'h.test'

# Reasons the lesson gives for answering otherwise, by the rule that states it.
MERGE = 'P2: an empty segment is a segment; the router merges no slashes (Werkzeug redirects /a//b to /a/b)'
READBACK = 'B4: urlFor refuses a value whose text would not match the rule again (Werkzeug builds it)'
NOARGS = 'C15: uuid and path take no argument, so a typo is found (Werkzeug ignores their arguments)'
POSITIONAL = 'C15: arguments other than any\'s words are written with their names (Werkzeug reads int(3) as fixed_digits=3)'
SAMEVAR = 'N7: a default that names a variable of its own rule is refused (Werkzeug lets the default override the path)'
MINMAX = 'B4: urlFor refuses a value that min or max would refuse on the way back (Werkzeug builds it)'
QUERY = 'B7: the query string is written by URLSearchParams, which writes an apostrophe as %27 (Werkzeug leaves it)'
LOWER = 'C6: uuid lowercases the value both ways, toUrl too (Werkzeug writes it as given)'
WEIGHT = 'O2: any weighs 1 and uuid 2, less than string, so the narrower rule wins whatever the order of add (Werkzeug weighs them as string, and the rule added first wins)'
PLUS = 'B6: every segment is encoded by encodeURIComponent, which writes + as %2B (Werkzeug leaves it; both read back as +)'
MIXREAD = 'X5: urlFor refuses values whose mixed segment would read back as other values (Werkzeug builds it)'
LAZY = 'X3: a path variable followed by another variable in its segment takes the longest text, as C8\'s pattern does (Werkzeug\'s path pattern is lazy)'
MAXVARS = 'X6: a segment holds at most two variables, so its regular expression cannot backtrack for long (Werkzeug accepts any number)'
SLASH405 = 'T5: a rule that fits once the slash is added counts towards the 405 for a method it does not answer (Werkzeug leaves it out)'


def R(rule, endpoint, methods=None, strict_slashes=True, defaults=None):
    """A rule as the test adds it: [rule, options] in the TypeScript shape."""
    options = {'endpoint': endpoint}
    if methods is not None:
        options['methods'] = methods
    if not strict_slashes:
        options['strictSlashes'] = False
    if defaults is not None:
        options['defaults'] = defaults
    return [rule, options]


def M(path, method='GET', query='', lesson=None):
    return {'op': 'match', 'path': path, 'method': method, 'query': query, **({'lesson': lesson} if lesson else {})}


def B(endpoint, values=None, lesson=None, method=None):
    return {'op': 'build', 'endpoint': endpoint, 'values': values or {}, **({'method': method} if method else {}),
            **({'lesson': lesson} if lesson else {})}


def match(endpoint=None, params=None):
    return {'kind': 'match', 'endpoint': endpoint, 'params': params or {}}


def redirect(location):
    return {'kind': 'redirect', 'location': location}


NOT_FOUND = {'kind': 'not-found'}
BUILD_ERROR = {'kind': 'build-error'}
RULE_ERROR = {'kind': 'rule-error'}


def url(u):
    return {'kind': 'url', 'url': u}


UUID = '123e4567-e89b-12d3-a456-426614174000'

# Groups of cases, each in a milestone (werkzeug.test.ts says which of the lesson's rules each
# group checks: rule ids here would make the rule breakers run every test file for each breaker).
# Each case is a rule table and the queries asked of it; `error=True` cases expect Werkzeug to
# refuse one of their rules.
GROUPS = [
    {'name': 'static rules', 'milestone': 'static-rules', 'cases': [
        {'rules': [R('/', 'index'), R('/about', 'about'), R('/about/team', 'team'), R('/Files/report.pdf', 'report')],
         'queries': [M('/'), M('/about'), M('/about/team'), M('/about/team/x'), M('/abou'), M('/About'), M('/Files/report.pdf'),
                     M('/files/report.pdf'), M('/Files/reportXpdf'), M('/x'), M('/about/x'),
                     B('index'), B('about'), B('team'), B('report')]},
        {'rules': [R('/a/b/c', 'abc'), R('/a', 'a'), R('/a/b', 'ab')],
         'queries': [M('/a'), M('/a/b'), M('/a/b/c'), M('/a/c'), M('/b'), M('/a//b', lesson=(NOT_FOUND, MERGE))]},
        {'rules': [R('/x y', 'space'), R('/caf\u00e9', 'cafe'), R('/a+b', 'plus'), R('/v1.0', 'dot')],
         'queries': [M('/x y'), M('/caf\u00e9'), M('/a+b'), M('/ab'), M('/v1.0'), M('/v1x0'), B('cafe'), B('space'), B('dot')]},
    ]},
    {'name': 'string and int', 'milestone': 'converters', 'cases': [
        {'rules': [R('/u/<name>', 'user'), R('/p/<int:id>', 'post'), R('/s/<int(signed=True):n>', 'signed')],
         'queries': [M('/u/ada'), M('/u/a b'), M('/u/'), M('/u'), M('/u/a/b'), M('/p/42'), M('/p/007'), M('/p/-1'), M('/p/1.5'), M('/p/x'),
                     M('/p/+1'), M('/p/ 1'), M('/s/-5'), M('/s/5'), M('/s/+5'), M('/s/--5'), M('/p/9007199254740991'),
                     B('user', {'name': 'ada'}), B('post', {'id': 42}), B('signed', {'n': -3}), B('post', {'id': 0})]},
        {'rules': [R('/l/<string(length=2):code>', 'code'), R('/m/<string(minlength=2, maxlength=4):tag>', 'tag'),
                   R('/n/<string(maxlength=3):t>', 'short')],
         'queries': [M('/l/en'), M('/l/e'), M('/l/eng'), M('/m/a'), M('/m/ab'), M('/m/abcd'), M('/m/abcde'), M('/n/abc'), M('/n/abcd'),
                     B('code', {'code': 'fr'}), B('tag', {'tag': 'abc'})]},
        {'rules': [R('/b/<int(min=1, max=10):page>', 'page'), R('/c/<int(max=5, signed=True):n>', 'neg')],
         'queries': [M('/b/1'), M('/b/10'), M('/b/0'), M('/b/11'), M('/b/5'), M('/c/-5'), M('/c/5'), M('/c/6'),
                     B('page', {'page': 3}), B('page', {'page': 11}, lesson=(BUILD_ERROR, MINMAX)), B('neg', {'n': -5})]},
    ]},
    {'name': 'float, uuid, any', 'milestone': 'converters', 'cases': [
        {'rules': [R('/f/<float:x>', 'f'), R('/g/<float(signed=True):x>', 'g'), R('/h/<float(min=1.5, max=2.5):x>', 'h')],
         'queries': [M('/f/1.5'), M('/f/1'), M('/f/.5'), M('/f/1.'), M('/f/1e3'), M('/f/-1.5'), M('/g/-1.5'), M('/g/1.5'),
                     M('/h/1.5'), M('/h/2.5'), M('/h/1.4'), M('/h/2.6'), M('/f/0.25'),
                     B('f', {'x': 1.5}), B('f', {'x': 2.0}), B('f', {'x': 2}), B('g', {'x': -0.5})]},
        {'rules': [R('/id/<uuid:id>', 'item')],
         'queries': [M('/id/' + UUID), M('/id/' + UUID.upper()), M('/id/' + UUID[:-1]), M('/id/' + UUID.replace('-', '')),
                     M('/id/' + UUID + 'a'), B('item', {'id': UUID}), B('item', {'id': UUID.upper()}, lesson=(url('/id/' + UUID), LOWER))]},
        {'rules': [R('/<any(about, help):page>', 'page'), R('/k/<any(a.b, c):x>', 'dots')],
         'queries': [M('/about'), M('/help'), M('/abouts'), M('/xhelp'), M('/contact'), M('/k/a.b'), M('/k/aXb'), M('/k/c'),
                     B('page', {'page': 'help'}), B('page', {'page': 'other'}), B('dots', {'x': 'a.b'})]},
    ]},
    {'name': 'path', 'milestone': 'converters', 'cases': [
        {'rules': [R('/files/<path:p>', 'file'), R('/wiki/<path:page>/edit', 'edit'), R('/dirs/<path:d>/', 'dir')],
         'queries': [M('/files/a'), M('/files/a/b/c.txt'), M('/files/'), M('/files'), M('/files/a//b'), M('/files//b', lesson=(NOT_FOUND, MERGE)),
                     M('/files/a/b/'),
                     M('/wiki/Main/edit'), M('/wiki/Main/Sub/edit'), M('/wiki/edit'), M('/dirs/a/b/'), M('/dirs/a/b'), M('/dirs/a'),
                     B('file', {'p': 'a/b c.txt'}), B('edit', {'page': 'x/y'}), B('dir', {'d': 'q'})]},
    ]},
    {'name': 'methods, 404 and 405', 'milestone': 'methods', 'cases': [
        {'rules': [R('/notes', 'list'), R('/notes', 'create', methods=['POST']), R('/notes/<int:id>', 'note', methods=['GET', 'PUT', 'DELETE']),
                   R('/upload', 'upload', methods=['post'])],
         'queries': [M('/notes'), M('/notes', 'HEAD'), M('/notes', 'POST'), M('/notes', 'DELETE'), M('/notes', 'PATCH'),
                     M('/notes/1', 'PUT'), M('/notes/1', 'DELETE'), M('/notes/1', 'POST'), M('/notes/x', 'POST'), M('/missing', 'DELETE'),
                     M('/upload', 'POST'), M('/upload', 'GET'), M('/upload', 'HEAD'), M('/notes', 'get')]},
        {'rules': [R('/wiki/<path:page>/edit', 'edit', methods=['POST']), R('/wiki/<path:page>', 'page')],
         'queries': [M('/wiki/Main/edit'), M('/wiki/Main/edit', 'POST'), M('/wiki/Main', 'POST'), M('/wiki/a/b')]},
        {'rules': [R('/login', 'login', methods=['GET']), R('/login', 'login', methods=['POST'])],
         'queries': [M('/login'), M('/login', 'POST'), M('/login', 'PUT'), B('login')]},
    ]},
    {'name': 'which rule wins', 'milestone': 'ordering', 'cases': [
        {'rules': [R('/users/<name>', 'user'), R('/users/new', 'new')],
         'queries': [M('/users/new'), M('/users/ada')]},
        {'rules': [R('/<name>', 'name'), R('/<int:id>', 'id'), R('/<any(top, new):list>', 'list'), R('/<uuid:u>', 'uuid')],
         'queries': [M('/42'), M('/ada'), M('/top', lesson=(match('list', {'list': 'top'}), WEIGHT)),
                     M('/new', lesson=(match('list', {'list': 'new'}), WEIGHT)),
                     M('/' + UUID, lesson=(match('uuid', {'u': UUID}), WEIGHT)), M('/1.5')]},
        {'rules': [R('/<any(top, new):list>', 'list'), R('/<uuid:u>', 'uuid'), R('/<name>', 'name'), R('/<int:id>', 'id')],
         'queries': [M('/42'), M('/ada'), M('/top'), M('/' + UUID), M('/' + UUID.upper())]},
        {'rules': [R('/<section>/edit', 'section'), R('/page/<name>', 'page')],
         'queries': [M('/page/edit'), M('/blog/edit'), M('/page/x')]},
        {'rules': [R('/files/<path:p>', 'all'), R('/files/<path:p>/raw', 'raw'), R('/files/<int:n>', 'num')],
         'queries': [M('/files/a/b/raw'), M('/files/a/b'), M('/files/raw'), M('/files/7'), M('/files/7/raw')]},
        {'rules': [R('/<a>', 'first'), R('/<b>', 'second')],
         'queries': [M('/x')]},
        {'rules': [R('/<path:p>', 'catch'), R('/static/<path:f>', 'static'), R('/', 'root')],
         'queries': [M('/'), M('/static/a.css'), M('/other/x'), M('/static')]},
    ]},
    {'name': 'trailing slashes', 'milestone': 'slashes', 'cases': [
        {'rules': [R('/docs/', 'docs'), R('/about', 'about'), R('/loose/', 'loose', strict_slashes=False), R('/file', 'file', strict_slashes=False)],
         'queries': [M('/docs/'), M('/docs'), M('/docs', query='v=2'), M('/docs', query='q=a%20b&x=1'), M('/about'), M('/about/'),
                     M('/loose'), M('/loose/'), M('/file'), M('/file/'),
                     M('/docs', 'POST', lesson=({'kind': 'method-not-allowed', 'allowed': ['GET', 'HEAD']}, SLASH405)), B('docs'), B('loose')]},
        {'rules': [R('/a', 'a'), R('/a/', 'a_slash')],
         'queries': [M('/a'), M('/a/')]},
        {'rules': [R('/upload/', 'upload', methods=['POST'])],
         'queries': [M('/upload', 'POST'), M('/upload', 'GET', lesson=({'kind': 'method-not-allowed', 'allowed': ['POST']}, SLASH405)),
                     M('/upload/', 'POST')]},
        {'rules': [R('/q/<name>/', 'q'), R('/n/<int:id>/', 'n')],
         'queries': [M('/q/abc'), M('/q/a b'), M('/q/caf\u00e9'), M('/n/5'), M('/n/5/'), B('q', {'name': 'x y'}), B('n', {'id': 5})]},
        {'rules': [R('/x/', 'x'), R('/x', 'other', methods=['POST'])],
         'queries': [M('/x'), M('/x', 'POST'), M('/x', 'PUT', lesson=({'kind': 'method-not-allowed', 'allowed': ['GET', 'HEAD', 'POST']}, SLASH405))]},
    ]},
    {'name': 'building', 'milestone': 'building', 'cases': [
        {'rules': [R('/users/<name>/posts/<int:id>', 'post'), R('/', 'index'), R('/s/<path:p>', 'static'), R('/t/<name>/', 'tag')],
         'queries': [B('post', {'name': 'zo\u00eb', 'id': 7}), B('post', {'name': 'ada', 'id': 7, 'tab': 'comments'}),
                     B('post', {'name': 'ada'}), B('post', {'id': 1}), B('post', {'name': 'ada', 'id': None}),
                     B('post', {'name': 'a?b#c', 'id': 1}), B('post', {'name': 'a b', 'id': 1}),
                     B('post', {'name': 'ada', 'id': 'abc'}), B('index'), B('index', {'q': 'x'}),
                     B('index', {'a': 1, 'b': 'two'}), B('static', {'p': 'css/site.css'}), B('tag', {'name': 'red'}),
                     B('nope'), B('post', {'name': 'a/b', 'id': 1}, lesson=(BUILD_ERROR, READBACK)),
                     B('post', {'name': '', 'id': 1}, lesson=(BUILD_ERROR, READBACK)), B('index', {'q': 'a b'}),
                     B('index', {'k': "it's"}, lesson=(url('/?k=it%27s'), QUERY))]},
    ]},
    {'name': 'several rules for one endpoint', 'milestone': 'defaults', 'cases': [
        {'rules': [R('/page/', 'page', defaults={'n': 1}), R('/page/<int:n>', 'page')],
         'queries': [M('/page/'), M('/page/1'), M('/page/2'), M('/page'), M('/page/01'), M('/page/1', query='s=a'), M('/page/1', 'POST'),
                     B('page'), B('page', {'n': 1}), B('page', {'n': 2}), B('page', {'n': '1'}), B('page', {'n': 1, 'q': 2}),
                     B('page', {'n': None})]},
        {'rules': [R('/page/<int:n>', 'page'), R('/page/', 'page', defaults={'n': 1})],
         'queries': [M('/page/'), M('/page/1'), M('/page/3'), B('page'), B('page', {'n': 1}), B('page', {'n': 3})]},
        {'rules': [R('/', 'home', defaults={'lang': 'en'}), R('/<lang>/', 'home')],
         'queries': [M('/'), M('/en/'), M('/fr/'), M('/en'), M('/fr'), B('home'), B('home', {'lang': 'en'}), B('home', {'lang': 'fr'})]},
        {'rules': [R('/p/', 'p', defaults={'n': 1}, methods=['POST']), R('/p/<int:n>', 'p', methods=['GET', 'POST'])],
         'queries': [M('/p/1'), M('/p/1', 'POST'), M('/p/', 'GET'), M('/p/', 'POST'), B('p', {'n': 1}), B('p', {'n': 2})]},
        {'rules': [R('/', 'e', defaults={'a': 1, 'b': 2}), R('/<int:a>/', 'e', defaults={'b': 2}), R('/<int:a>/<int:b>', 'e')],
         'queries': [M('/'), M('/1/'), M('/1/2'), M('/3/2'), M('/3/'), M('/1/3'), B('e'), B('e', {'a': 3}), B('e', {'a': 1, 'b': 2}),
                     B('e', {'a': 1, 'b': 3}), B('e', {'b': 3})]},
        {'rules': [R('/a/<x>', 'e'), R('/b/<y>', 'e')],
         'queries': [M('/a/1'), M('/b/2'), B('e', {'x': '1'}), B('e', {'y': '2'}), B('e', {'x': '1', 'y': '2'}), B('e')]},
        {'rules': [R('/s', 's', defaults={'k': 'v'})],
         'queries': [M('/s'), B('s'), B('s', {'k': 'v'}), B('s', {'k': 'v', 'z': 1}), B('s', {'k': 'w'})]},
        {'rules': [R('/all/', 'a', defaults={'n': 1, 't': 'x'}), R('/all/<int:n>', 'a')],
         'queries': [M('/all/'), M('/all/1'), M('/all/2'), B('a', {'n': 1}), B('a', {'n': 2}), B('a', {'t': 'x'}), B('a', {'t': 'y'})]},
        {'rules': [R('/feed/<int:year>', 'feed', defaults={'format': 'rss'}), R('/feed/<int:year>/atom', 'feed_atom')],
         'queries': [M('/feed/2024'), B('feed', {'year': 2024}), B('feed', {'year': 2024, 'format': 'rss'}), B('feed', {'year': 2024, 'format': 'atom'})]},
        {'rules': [R('/tag/', 't', defaults={'n': 1}), R('/tag/<t>/<int:n>', 't')],
         'queries': [M('/tag/'), M('/tag/x/1'), B('t', {'n': 1}), B('t', {'t': 'x', 'n': 1}), B('t', {'t': 'x'})]},
        {'rules': [R('/list', 'list', defaults={'page': 1, 'sort': 'new'}), R('/list/<int:page>', 'list', defaults={'sort': 'new'}),
                   R('/list/<int:page>/<any(new, top):sort>', 'list')],
         'queries': [M('/list'), M('/list', 'HEAD'), M('/list/1'), M('/list/2'), M('/list/1/new'), M('/list/2/new'), M('/list/2/top'),
                     M('/list/1/top'), M('/list/1', 'POST'), B('list'), B('list', {'page': 2}), B('list', {'page': 2, 'sort': 'top'}),
                     B('list', {'sort': 'top'}), B('list', {'page': 1, 'sort': 'new', 'q': 'x'})]},
        {'rules': [R('/docs/', 'docs', defaults={'v': 'latest'}, strict_slashes=False), R('/docs/<v>/', 'docs', strict_slashes=False)],
         'queries': [M('/docs/'), M('/docs'), M('/docs/latest/'), M('/docs/latest'), M('/docs/2.0'), M('/docs/2.0/'), B('docs'),
                     B('docs', {'v': '2.0'}), B('docs', {'v': 'latest'})]},
        {'rules': [R('/u/<int:id>', 'user', defaults={'tab': 'posts'}), R('/u/<int:id>/<tab>', 'user')],
         'queries': [M('/u/3'), M('/u/3/posts'), M('/u/3/likes'), B('user', {'id': 3}), B('user', {'id': 3, 'tab': 'posts'}),
                     B('user', {'id': 3, 'tab': 'likes'}), B('user', {'tab': 'likes'})]},
        {'rules': [R('/page/', 'page', defaults={'n': 1}), R('/page/<int:n>/', 'page')],
         'queries': [M('/page/1'), M('/page/1/'), M('/page/2'), M('/page/2/')]},
    ]},
    {'name': 'converter arguments', 'milestone': 'converters', 'cases': [
        {'rules': [R('/f/<int(fixed_digits=3):n>', 'f'), R('/g/<int(fixed_digits=3, signed=True):n>', 'g'), R('/h/<int(fixed_digits=2, max=50):n>', 'h')],
         'queries': [M('/f/007'), M('/f/7'), M('/f/0007'), M('/f/123'), M('/f/1234'), M('/g/-07'), M('/g/-007'), M('/g/007'), M('/h/05'),
                     M('/h/51'), M('/h/5'), B('f', {'n': 7}), B('f', {'n': 0}), B('f', {'n': 123}), B('g', {'n': -7}),
                     B('f', {'n': 1234}, lesson=(BUILD_ERROR, READBACK)), B('h', {'n': 5})]},
        {'error': True, 'rules': [R('/x/<int(bogus=1):n>', 'x')], 'queries': []},
        {'error': True, 'rules': [R('/x/<int(fixed_digit=3):n>', 'x')], 'queries': []},
        {'error': True, 'rules': [R('/x/<float(fixed_digits=2):n>', 'x')], 'queries': []},
        {'error': True, 'rules': [R('/x/<string(len=2):n>', 'x')], 'queries': []},
        {'error': True, 'rules': [R('/x/<any(a, b, strict=True):n>', 'x')], 'queries': []},
        {'error': True, 'rules': [R('/x/<nope:n>', 'x')], 'queries': []},
        {'rules': [R('/x/<uuid(version=4):n>', 'x')], 'queries': [M('/x/' + UUID)], 'lesson_error': NOARGS},
        {'rules': [R('/x/<path(x):n>', 'x')], 'queries': [M('/x/a/b')], 'lesson_error': NOARGS},
        {'rules': [R('/x/<int(3):n>', 'x')], 'queries': [M('/x/007')], 'lesson_error': POSITIONAL},
        {'rules': [R('/x/<int:n>', 'x', defaults={'n': 1})], 'queries': [M('/x/2'), B('x')], 'lesson_error': SAMEVAR},
    ]},
    {'name': 'building for a method', 'milestone': 'urlfor-method', 'cases': [
        {'rules': [R('/posts/', 'post', methods=['POST']), R('/posts/<int:id>', 'post', methods=['GET', 'PUT'])],
         'queries': [B('post', {'id': 3}), B('post', {'id': 3}, method='POST'), B('post', {'id': 3}, method='PUT'),
                     B('post', {'id': 3}, method='HEAD'), B('post', {'id': 3}, method='GET'), B('post', {'id': 3}, method='DELETE'),
                     B('post', {}, method='PUT'), B('post', {}, method='POST'), B('post', {}), B('post', {'id': 3, 'q': 'x'}, method='POST')]},
        {'rules': [R('/page/', 'page', defaults={'n': 1}), R('/page/<int:n>', 'page', methods=['GET', 'POST'])],
         'queries': [B('page', {'n': 1}, method='POST'), B('page', {'n': 1}, method='GET'), B('page', {}, method='POST'),
                     B('page', {}, method='GET'), B('page', {'n': 2}, method='POST')]},
        {'rules': [R('/a', 'a', methods=['POST']), R('/b', 'a', methods=['PUT'])],
         'queries': [B('a'), B('a', method='PUT'), B('a', method='POST'), B('a', method='GET')]},
    ]},
    {'name': 'malformed variables', 'milestone': 'groups-and-errors', 'cases': [
        {'rules': [R('/x/<name', 'x')], 'queries': [], 'error': True},
        {'rules': [R('/a<b', 'x')], 'queries': [], 'error': True},
        {'rules': [R('/x/<<a>', 'x')], 'queries': [], 'error': True},
        {'rules': [R('/x/<a:b:c>', 'x')], 'queries': [], 'error': True},
        {'rules': [R('/x/a>', 'arrow')], 'queries': [M('/x/a>'), M('/x/a'), B('arrow')]},
    ]},
    {'name': 'variables inside a segment', 'milestone': 'mixed-segments', 'cases': [
        {'rules': [R('/dl/<name>.zip', 'zip'), R('/r/<a>-<b>', 'range'), R('/v<int:n>/', 'version'), R('/t/<a><b>', 'touch')],
         'queries': [M('/dl/site.zip'), M('/dl/a.b.zip'), M('/dl/.zip'), M('/dl/site.zipx'), M('/dl/siteXzip'), M('/dl/site.ZIP'),
                     M('/dl/a b.zip'), M('/r/x-y'), M('/r/x-y-z'), M('/r/---'), M('/r/x-'), M('/r/-y'), M('/r/xy'),
                     M('/v12/'), M('/v12'), M('/v/'), M('/vx/'), M('/v-1/'), M('/t/xyz'), M('/t/xy'), M('/t/x'),
                     M('/dl/site.zip', 'POST'), M('/r/x-y', 'GET', 'q=1'), M('/v7', 'GET', 'a=b'),
                     B('zip', {'name': 'site'}), B('zip', {'name': 'a b?'}), B('zip', {'name': 'a.b', 'v': 2}),
                     B('zip', {'name': ''}, lesson=(BUILD_ERROR, READBACK)), B('zip', {'name': 'a/b'}, lesson=(BUILD_ERROR, READBACK)),
                     B('zip'), B('range', {'a': 'x-y', 'b': 'z'}), B('range', {'a': 'x', 'b': 'y-z'}, lesson=(BUILD_ERROR, MIXREAD)),
                     B('range', {'a': 'x'}), B('version', {'n': 3}), B('version', {'n': 'x'}), B('touch', {'a': 'x', 'b': 'y'})]},
        {'rules': [R('/c/<int(min=1):a>x<int:b>', 'cross'), R('/k/(<any(a.b, c):w>)+', 'regexy'), R('/i/<a>-<int:b>', 'int'),
                   R('/f/<int(fixed_digits=2):n>x', 'fixed'), R('/u/<uuid:id>.json', 'json'), R('/g/<float:x>km', 'km')],
         'queries': [M('/c/3x4'), M('/c/0x4'), M('/c/3x'), M('/c/x4'), M('/k/(a.b)+'), M('/k/(c)+'), M('/k/(aXb)+'), M('/k/a.b'),
                     M('/i/a-1-2'), M('/i/a-1-b'), M('/i/a-'), M('/f/03x'), M('/f/3x'), M('/f/003x'),
                     M('/u/' + UUID + '.json'), M('/u/' + UUID), M('/g/1.5km'), M('/g/1km'),
                     B('cross', {'a': 3, 'b': 4}), B('cross', {'a': 0, 'b': 4}, lesson=(BUILD_ERROR, MINMAX)), B('fixed', {'n': 3}),
                     B('json', {'id': UUID}), B('km', {'x': 2.5}), B('regexy', {'w': 'a.b'}, lesson=(url('/k/(a.b)%2B'), PLUS))]},
        {'rules': [R('/p/<path:f>.zip', 'zip'), R('/q/v<path:f>/raw', 'raw'), R('/s/<path:a>-<b>', 'lazy')],
         'queries': [M('/p/a/b.zip'), M('/p/a.zip'), M('/p/a/b.tar'), M('/p/a/b.zip/'), M('/q/v1/2/raw'), M('/q/1/2/raw'),
                     M('/s/x-y'), M('/s/x/y-z'), M('/s/x-y-z', lesson=(match('lazy', {'a': 'x-y', 'b': 'z'}), LAZY)),
                     B('zip', {'f': 'a/b c'}), B('raw', {'f': '1/2'}), B('lazy', {'a': 'x/y', 'b': 'z'})]},
        {'rules': [R('/x/<a>-<b>-<c>', 'three')], 'queries': [M('/x/p-q-r')], 'lesson_error': MAXVARS},
        {'rules': [R('/<a><b><c>', 'three')], 'queries': [M('/xyz')], 'lesson_error': MAXVARS},
    ]},
    {'name': 'mixed segments: which rule wins', 'milestone': 'mixed-segments', 'cases': [
        *[{'rules': rules, 'queries': [M(path)]} for order in (1, -1) for rules, path in [
            ([R('/<name>', 'whole'), R('/<name>.zip', 'zip')][::order], '/f.zip'),
            ([R('/<name>.zip', 'zip'), R('/index.zip', 'static')][::order], '/index.zip'),
            ([R('/<a>.zip', 'one'), R('/<a>-<b>.zip', 'two')][::order], '/x-y.zip'),
            ([R('/<a>.<b>', 'dot'), R('/<a>.zip', 'zip')][::order], '/f.zip'),
            ([R('/<a>.zip', 'zip'), R('/<a>.tar.gz', 'tgz')][::order], '/f.tar.gz'),
            ([R('/x<a>', 'x'), R('/xy<a>', 'xy')][::order], '/xyz'),
            ([R('/<a>-<b>', 'ab'), R('/<a>-<b>-z', 'abz')][::order], '/p-q-z'),
            ([R('/<a>-<int:b>', 'si'), R('/<int:a>-<b>', 'is')][::order], '/1-2'),
            ([R('/<a>x', 'one'), R('/<a><b>x', 'two')][::order], '/pqx'),
            ([R('/<a>.zip/<b>', 'mixed'), R('/<a>/<int:b>', 'whole')][::order], '/f.zip/3'),
            ([R('/<int:n>', 'int'), R('/v<int:n>', 'v')][::order], '/v2'),
            ([R('/<path:p>', 'path'), R('/<a>.zip', 'zip')][::order], '/f.zip'),
        ]],
    ]},
]


def normalize(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def strip_host(location):
    prefix = f'http://{HOST}'
    assert location.startswith(prefix), location
    return location[len(prefix):]


def werkzeug_rule(rule, options):
    methods = options.get('methods', ['GET'])
    return Rule(rule, endpoint=options['endpoint'], methods=methods,
                strict_slashes=options.get('strictSlashes', True), defaults=options.get('defaults'))


def ask(adapter, query):
    if query['op'] == 'match':
        try:
            endpoint, params = adapter.match(query['path'], method=query['method'], query_args=query['query'])
            return match(endpoint, {k: normalize(v) for k, v in params.items()})
        except RequestRedirect as e:
            assert e.code == 308, e.code
            return redirect(strip_host(e.new_url))
        except MethodNotAllowed as e:
            return {'kind': 'method-not-allowed', 'allowed': sorted(e.valid_methods)}
        except NotFound:
            return NOT_FOUND
    try:
        return url(adapter.build(query['endpoint'], dict(query['values']), method=query.get('method')))
    except BuildError:
        return BUILD_ERROR
    except (ValueError, TypeError) as e:  # a converter's to_url refused the value
        return {'kind': 'build-error', 'werkzeug': type(e).__name__}


def record_case(case):
    rules = case['rules']
    out = {'rules': rules, 'queries': []}
    try:
        adapter = Map([werkzeug_rule(rule, options) for rule, options in rules]).bind(HOST, '/')
    except Exception as e:  # Werkzeug refuses the rule table when the Map is made
        out['werkzeug'] = {'kind': 'rule-error', 'error': type(e).__name__}
        out['expected'] = RULE_ERROR
        assert case.get('error'), f'Werkzeug refused {rules}: {e}'
        return out
    assert not case.get('error'), f'Werkzeug accepted {rules}'
    if 'lesson_error' in case:
        out['werkzeug'] = {'kind': 'accepted'}
        out['expected'] = RULE_ERROR
        out['differs'] = case['lesson_error']
    for query in case['queries']:
        lesson = query.pop('lesson', None)
        answer = ask(adapter, query)
        entry = {**query, 'werkzeug': answer}
        if 'lesson_error' in case:
            entry['expected'] = None  # the rule table is refused: nothing to ask
        elif lesson is not None:
            entry['expected'], entry['differs'] = lesson
        else:
            entry['expected'] = {k: v for k, v in answer.items() if k != 'werkzeug'}
        out['queries'].append(entry)
    return out


def main():
    groups = [{'name': g['name'], 'milestone': g['milestone'], 'cases': [record_case(c) for c in g['cases']]}
              for g in GROUPS]
    corpus = {'werkzeug': metadata.version('werkzeug'), 'groups': groups}
    target = Path(__file__).with_name('werkzeug-corpus.json')
    target.write_text(json.dumps(corpus, indent=1, ensure_ascii=False) + '\n')
    answers = sum((1 if 'expected' in c else 0) + sum(1 for q in c['queries'] if q['expected'] is not None) for g in groups for c in g['cases'])
    differs = sum((1 if 'differs' in c else 0) + sum(1 for q in c['queries'] if 'differs' in q) for g in groups for c in g['cases'])
    print(f'{target.name}: {answers} answers ({len(groups)} groups), {differs} where the lesson differs on purpose', file=sys.stderr)


if __name__ == '__main__':
    main()
