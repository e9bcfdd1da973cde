import { describe, expect, it } from 'vitest';
import { isFollowable, nextLink, pageNumber } from './link.js';

const at = new URL('https://api.github.com/repos/o/r/issues?page=1');

describe('Link header', () => {
  it('finds rel="next" among GitHub\'s links', () => {
    const header =
      '<https://api.github.com/repositories/1300192/issues?page=1>; rel="prev", <https://api.github.com/repositories/1300192/issues?per_page=2&page=3>; rel="next", ' +
      '<https://api.github.com/repositories/1300192/issues?page=34>; rel="last"';
    const next = nextLink(header, at);
    expect(next?.href).toBe('https://api.github.com/repositories/1300192/issues?per_page=2&page=3');
    expect(pageNumber(next)).toBe(3);
  });

  it('has no next on the last page, or without a header', () => {
    expect(nextLink('<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=1>; rel="prev"', at)).toBeUndefined();
    expect(nextLink(null, at)).toBeUndefined();
    expect(pageNumber(undefined)).toBeNull();
  });

  it('follows only the same origin, under the API root path', () => {
    const ghes = new URL('https://ghe.example.com/api/v3/');
    expect(isFollowable(new URL('https://ghe.example.com/api/v3/repositories/1/issues?page=2'), ghes)).toBe(true);
    expect(isFollowable(new URL('https://ghe.example.com/other/issues?page=2'), ghes)).toBe(false);
    expect(isFollowable(new URL('https://ghe.example.com/api/v30/x'), ghes)).toBe(false);
    expect(isFollowable(new URL('https://evil.example.com/api/v3/x'), ghes)).toBe(false);
    expect(isFollowable(new URL('http://ghe.example.com/api/v3/x'), ghes)).toBe(false);
    expect(isFollowable(new URL('https://api.github.com:8443/x'), new URL('https://api.github.com/'))).toBe(false);
    expect(isFollowable(new URL('https://u:p@api.github.com/x'), new URL('https://api.github.com/'))).toBe(false);
  });
});
