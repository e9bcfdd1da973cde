import { describe, it, expect } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { UriTemplate } from './uri-template.js';

type Vars = Record<string, string | string[] | undefined>;

// RFC 6570 §3.2.1. `keys` is an associative value, which the typed API does not offer but expand still honours.
const rfcVars = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  keys: { semi: ';', dot: '.', comma: ',' },
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: {},
  undef: undefined,
} as unknown as Vars;

const rfcExamples: Record<string, Array<[string, string]>> = {
  '3.2.2 simple string expansion': [
    ['{var}', 'value'], ['{hello}', 'Hello%20World%21'], ['{half}', '50%25'], ['O{empty}X', 'OX'],
    ['O{undef}X', 'OX'], ['{x,y}', '1024,768'], ['{x,hello,y}', '1024,Hello%20World%21,768'],
    ['?{x,empty}', '?1024,'], ['?{x,undef}', '?1024'], ['?{undef,y}', '?768'], ['{var:3}', 'val'],
    ['{var:30}', 'value'], ['{list}', 'red,green,blue'], ['{list*}', 'red,green,blue'],
    ['{keys}', 'semi,%3B,dot,.,comma,%2C'], ['{keys*}', 'semi=%3B,dot=.,comma=%2C'],
  ],
  '3.2.3 reserved expansion': [
    ['{+var}', 'value'], ['{+hello}', 'Hello%20World!'], ['{+half}', '50%25'],
    ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'], ['{+base}index', 'http://example.com/home/index'],
    ['O{+empty}X', 'OX'], ['O{+undef}X', 'OX'], ['{+path}/here', '/foo/bar/here'],
    ['here?ref={+path}', 'here?ref=/foo/bar'], ['up{+path}{var}/here', 'up/foo/barvalue/here'],
    ['{+x,hello,y}', '1024,Hello%20World!,768'], ['{+path,x}/here', '/foo/bar,1024/here'],
    ['{+path:6}/here', '/foo/b/here'], ['{+list}', 'red,green,blue'], ['{+list*}', 'red,green,blue'],
    ['{+keys}', 'semi,;,dot,.,comma,,'], ['{+keys*}', 'semi=;,dot=.,comma=,'],
  ],
  '3.2.4 fragment expansion': [
    ['{#var}', '#value'], ['{#hello}', '#Hello%20World!'], ['{#half}', '#50%25'], ['foo{#empty}', 'foo#'],
    ['foo{#undef}', 'foo'], ['{#x,hello,y}', '#1024,Hello%20World!,768'], ['{#path,x}/here', '#/foo/bar,1024/here'],
    ['{#path:6}/here', '#/foo/b/here'], ['{#list}', '#red,green,blue'], ['{#list*}', '#red,green,blue'],
    ['{#keys}', '#semi,;,dot,.,comma,,'], ['{#keys*}', '#semi=;,dot=.,comma=,'],
  ],
  '3.2.5 label expansion': [
    ['{.who}', '.fred'], ['{.who,who}', '.fred.fred'], ['{.half,who}', '.50%25.fred'],
    ['www{.dom*}', 'www.example.com'], ['X{.var}', 'X.value'], ['X{.empty}', 'X.'], ['X{.undef}', 'X'],
    ['X{.var:3}', 'X.val'], ['X{.list}', 'X.red,green,blue'], ['X{.list*}', 'X.red.green.blue'],
    ['X{.keys}', 'X.semi,%3B,dot,.,comma,%2C'], ['X{.keys*}', 'X.semi=%3B.dot=..comma=%2C'], ['X{.empty_keys}', 'X'],
    ['X{.empty_keys*}', 'X'],
  ],
  '3.2.6 path segment expansion': [
    ['{/who}', '/fred'], ['{/who,who}', '/fred/fred'], ['{/half,who}', '/50%25/fred'],
    ['{/who,dub}', '/fred/me%2Ftoo'], ['{/var}', '/value'], ['{/var,empty}', '/value/'], ['{/var,undef}', '/value'],
    ['{/var,x}/here', '/value/1024/here'], ['{/var:1,var}', '/v/value'], ['{/list}', '/red,green,blue'],
    ['{/list*}', '/red/green/blue'], ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
    ['{/keys}', '/semi,%3B,dot,.,comma,%2C'], ['{/keys*}', '/semi=%3B/dot=./comma=%2C'],
  ],
  '3.2.7 path-style parameter expansion': [
    ['{;who}', ';who=fred'], ['{;half}', ';half=50%25'], ['{;empty}', ';empty'],
    ['{;v,empty,who}', ';v=6;empty;who=fred'], ['{;v,bar,who}', ';v=6;who=fred'], ['{;x,y}', ';x=1024;y=768'],
    ['{;x,y,empty}', ';x=1024;y=768;empty'], ['{;x,y,undef}', ';x=1024;y=768'], ['{;hello:5}', ';hello=Hello'],
    ['{;list}', ';list=red,green,blue'], ['{;list*}', ';list=red;list=green;list=blue'],
    ['{;keys}', ';keys=semi,%3B,dot,.,comma,%2C'], ['{;keys*}', ';semi=%3B;dot=.;comma=%2C'],
  ],
  '3.2.8 form-style query expansion': [
    ['{?who}', '?who=fred'], ['{?half}', '?half=50%25'], ['{?x,y}', '?x=1024&y=768'],
    ['{?x,y,empty}', '?x=1024&y=768&empty='], ['{?x,y,undef}', '?x=1024&y=768'], ['{?var:3}', '?var=val'],
    ['{?list}', '?list=red,green,blue'], ['{?list*}', '?list=red&list=green&list=blue'],
    ['{?keys}', '?keys=semi,%3B,dot,.,comma,%2C'], ['{?keys*}', '?semi=%3B&dot=.&comma=%2C'],
  ],
  '3.2.9 form-style query continuation': [
    ['{&who}', '&who=fred'], ['{&half}', '&half=50%25'], ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
    ['{&x,y,empty}', '&x=1024&y=768&empty='], ['{&var:3}', '&var=val'], ['{&list}', '&list=red,green,blue'],
    ['{&list*}', '&list=red&list=green&list=blue'], ['{&keys}', '&keys=semi,%3B,dot,.,comma,%2C'],
    ['{&keys*}', '&semi=%3B&dot=.&comma=%2C'],
  ],
};

describe('UriTemplate.expand: RFC 6570 §3.2 examples', () => {
  for (const [section, cases] of Object.entries(rfcExamples)) {
    it.each(cases)(`${section}: %s`, (template, expected) => {
      expect(new UriTemplate(template).expand(rfcVars)).toBe(expected);
    });
  }
});

describe('UriTemplate.expand: encoding and edge cases', () => {
  it('encodes UTF-8, astral characters and lone surrogates', () => {
    expect(new UriTemplate('{x}').expand({ x: 'é€😀' })).toBe('%C3%A9%E2%82%AC%F0%9F%98%80');
    expect(new UriTemplate('{x}').expand({ x: 'a\uD800b' })).toBe('a%EF%BF%BDb');
    expect(new UriTemplate('{x:2}').expand({ x: '😀😀😀' })).toBe('%F0%9F%98%80%F0%9F%98%80');
  });

  it('keeps pct-encoded triplets only for + and #', () => {
    expect(new UriTemplate('{+x}{#x}').expand({ x: '%2F%zz' })).toBe('%2F%25zz#%2F%25zz');
    expect(new UriTemplate('{x}').expand({ x: '%2F' })).toBe('%252F');
  });

  it('encodes literal text that is not allowed in a URI', () => {
    expect(new UriTemplate('a b/{x}').expand({ x: '1' })).toBe('a%20b/1');
  });

  it('treats empty lists as undefined and does not read inherited properties', () => {
    expect(new UriTemplate('a{?list,constructor}').expand({ list: [] })).toBe('a');
  });
});

describe('UriTemplate.match: MCP resource templates', () => {
  it('matches the examples MCP servers use', () => {
    expect(new UriTemplate('test://template/{id}/data').match('test://template/123/data')).toEqual({ id: '123' });
    const posts = new UriTemplate('users://{userId}/posts/{postId}');
    expect(posts.match('users://42/posts/7')).toEqual({ userId: '42', postId: '7' });
    expect(new UriTemplate('file:///{+path}').match('file:///a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
    const search = new UriTemplate('search://q{?query,limit}');
    expect(search.match('search://q?limit=5&query=hi')).toEqual({ query: 'hi', limit: '5' });
  });

  it('keeps a simple variable within one path segment', () => {
    expect(new UriTemplate('file:///{name}').match('file:///a/b')).toBeUndefined();
    expect(new UriTemplate('test://template/{id}/data').match('test://template/1/2/data')).toBeUndefined();
  });

  it('requires literal text to match exactly', () => {
    const t = new UriTemplate('test://template/{id}/data');
    expect(t.match('test://template/1/datum')).toBeUndefined();
    expect(t.match('test://template/1/data/')).toBeUndefined();
    expect(t.match('other://template/1/data')).toBeUndefined();
  });

  it('matches query parameters in any order, absent ones omitted, unknown ones ignored', () => {
    const t = new UriTemplate('search://q{?query,limit}');
    expect(t.match('search://q')).toEqual({});
    expect(t.match('search://q?limit=5')).toEqual({ limit: '5' });
    expect(t.match('search://q?page=2&query=hi')).toEqual({ query: 'hi' });
    expect(new UriTemplate('s://q{?a}{&b}').match('s://q?b=2&a=1')).toEqual({ a: '1', b: '2' });
    expect(new UriTemplate('s://q{?tag*}').match('s://q?tag=a&tag=b')).toEqual({ tag: ['a', 'b'] });
  });

  it('fails on a query string when the template has no query expression', () => {
    expect(new UriTemplate('test://template/{id}/data').match('test://template/1/data?x=1')).toBeUndefined();
    expect(new UriTemplate('users://{userId}').match('users://1?x=1')).toBeUndefined();
  });

  it('lets {+path} stop at a query expression that follows', () => {
    expect(new UriTemplate('file:///{+path}{?rev}').match('file:///a/b?rev=3')).toEqual({ path: 'a/b', rev: '3' });
    expect(new UriTemplate('file:///{+path}').match('file:///a/b?rev=3')).toEqual({ path: 'a/b?rev=3' });
  });

  it('returns exploded path segments as an array', () => {
    expect(new UriTemplate('repo://x{/segments*}').match('repo://x/a/b%20c')).toEqual({ segments: ['a', 'b c'] });
  });

  it('splits ambiguous text as a greedy regular expression would', () => {
    expect(new UriTemplate('f://{name}.{ext}').match('f://a.tar.gz')).toEqual({ name: 'a.tar', ext: 'gz' });
    expect(new UriTemplate('f://{+dir}/{file}').match('f://a/b/c')).toEqual({ dir: 'a/b', file: 'c' });
  });

  it('requires a repeated variable to match the same value', () => {
    const t = new UriTemplate('x://{a}/{a}');
    expect(t.match('x://1/1')).toEqual({ a: '1' });
    expect(t.match('x://1/2')).toBeUndefined();
  });

  it('enforces prefix lengths and the URI length cap', () => {
    expect(new UriTemplate('x://{a:3}').match('x://abcd')).toBeUndefined();
    expect(new UriTemplate('x://{a:3}').match('x://ab%C3%A9')).toEqual({ a: 'abé' });
    const t = new UriTemplate('x://{+rest}');
    expect(t.match(`x://${'a'.repeat(8188)}`)).toEqual({ rest: 'a'.repeat(8188) });
    expect(t.match(`x://${'a'.repeat(8189)}`)).toBeUndefined();
  });

  it('keeps a variable named __proto__ as an ordinary key', () => {
    const result = new UriTemplate('x://{__proto__}').match('x://1');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result ?? {}, '__proto__')).toBe(true);
  });
});

describe('UriTemplate.match: malformed percent-escapes', () => {
  it.each(['x://%', 'x://%zz', 'x://%E0%A4%A', 'x://%FF', 'x://a%2'])('returns undefined for %s', (uri) => {
    expect(new UriTemplate('x://{v}').match(uri)).toBeUndefined();
    expect(new UriTemplate('x://{+v}').match(uri)).toBeUndefined();
  });

  it('returns undefined for a malformed escape inside a query parameter or list', () => {
    expect(new UriTemplate('x://{?q}').match('x://?q=%G1')).toBeUndefined();
    expect(new UriTemplate('x://{/p*}').match('x:///a/%')).toBeUndefined();
  });
});

describe('UriTemplate: expand then match round-trips', () => {
  const cases: Array<[string, Vars]> = [
    ['test://template/{id}/data', { id: '123' }],
    ['users://{userId}/posts/{postId}', { userId: 'ünïcode user', postId: 'a,b?c#d/e' }],
    ['file:///{+path}', { path: 'dir/sub dir/file.txt' }],
    ['search://q{?query,limit}', { query: 'hello world & more', limit: '10' }],
    ['search://q{?query,limit}', { query: 'x=y' }],
    ['x://{list}', { list: ['a', 'b c', 'd,e'] }],
    ['x://{list*}', { list: ['a', 'b'] }],
    ['x://{a,b}', { a: '1', b: '2' }],
    ['x://{+a,b}', { a: '/1', b: '2' }],
    ['x://r{#frag}', { frag: 'sec/1' }],
    ['x://r{.ext}', { ext: 'tar' }],
    ['x://host{.dom*}', { dom: ['example', 'com'] }],
    ['x://r{/seg}', { seg: 'one two' }],
    ['x://r{/a,b}', { a: '1', b: '2' }],
    ['x://r{/path*}', { path: ['a', 'b', 'c'] }],
    ['x://r{/path*}/tail', { path: ['a', 'b'] }],
    ['x://r{;a,b}', { a: 'x', b: '' }],
    ['x://r{;list*}', { list: ['1', '2'] }],
    ['x://r{?list*}', { list: ['1', '2'] }],
    ['x://r{?a,list}', { a: '', list: ['1', '2'] }],
    ['x://r?fixed=1{&a,b}', { a: '1', b: '2' }],
    ['x://r{?a}{&b}', { b: '2' }],
    ['x://{a}/{+rest}{?q}{#f}', { a: 'A', rest: 'r/s', q: 'Q', f: 'F' }],
    ['x://{name}.{ext}', { name: 'report', ext: 'pdf' }],
    ['x://{a:3}/{a}', { a: 'abc' }],
  ];

  it.each(cases)('%s with %j', (template, vars) => {
    const t = new UriTemplate(template);
    expect(t.match(t.expand(vars))).toEqual(vars);
  });
});

describe('UriTemplate: malformed templates', () => {
  it.each([
    ['x://{id', "unclosed '{'", 4],
    ['x://{a{b}', "unclosed '{'", 4],
    ['x://{}', 'empty expression', 4],
    ['x://a}', "'}' without", 5],
    ['x://{a,}', 'empty variable name', 7],
    ['x://{a b}', 'invalid variable name', 5],
    ['x://{a-b}', 'invalid variable name', 5],
    ['x://{a.}', 'invalid variable name', 5],
    ['x://{%zz}', 'invalid variable name', 5],
    ['x://{=a}', 'reserved', 5],
    ['x://{a:0}', 'prefix length', 6],
    ['x://{a:10000}', 'prefix length', 6],
    ['x://{a:}', 'prefix length', 6],
    ['x://{a:3*}', 'cannot be combined', 6],
  ])('rejects %s', (template, problem, index) => {
    expect(() => new UriTemplate(template)).toThrow(InvalidArgumentError);
    expect(() => new UriTemplate(template)).toThrow(problem);
    expect(() => new UriTemplate(template)).toThrow(`at index ${index}`);
  });

  it('rejects templates over 4096 characters or 64 expressions', () => {
    expect(() => new UriTemplate('x'.repeat(4097))).toThrow(InvalidArgumentError);
    expect(() => new UriTemplate('{a}'.repeat(65))).toThrow(/more than 64 expressions/);
    expect(new UriTemplate('{a}'.repeat(64)).variableNames).toEqual(['a']);
  });
});

describe('UriTemplate: metadata', () => {
  it('lists variable names once, in order', () => {
    expect(new UriTemplate('{b}/{a}{?b,c*}{#d:3}').variableNames).toEqual(['b', 'a', 'c', 'd']);
  });

  it('tells templates from plain URIs and prints the template', () => {
    expect(UriTemplate.isTemplate('x://{id}')).toBe(true);
    expect(UriTemplate.isTemplate('x://plain')).toBe(false);
    expect(UriTemplate.isTemplate('x://{}')).toBe(false);
    expect(String(new UriTemplate('x://{id}'))).toBe('x://{id}');
  });
});

describe('UriTemplate.match: pathological input', () => {
  const t = new UriTemplate('{a}x{b}x{c}x{d}y');

  it('returns undefined at once for 100,000 characters (over the length cap)', { timeout: 10_000 }, () => {
    expect(t.match('x'.repeat(100_000))).toBeUndefined();
  });

  // Under the cap the scanner itself runs; a backtracking regular expression would take O(n⁴) here.
  it('scans 8,000 characters without backtracking', { timeout: 10_000 }, () => {
    expect(t.match('x'.repeat(8000))).toBeUndefined();
    expect(t.match(`${'x'.repeat(7999)}y`)).toEqual({ a: 'x'.repeat(7996), b: '', c: '', d: '' });
    expect(new UriTemplate('{+a}{+b}{+c}!').match('a'.repeat(8000))).toBeUndefined();
    expect(new UriTemplate('x://{?a,b}').match(`x://?${'&'.repeat(8000)}`)).toEqual({});
  });
});
