import { describe, expect, it } from 'vitest';
import { walkStrings } from './walk.js';

describe('walkStrings', () => {
  const tool = {
    name: 'get_forecast',
    description: 'Forecast.',
    inputSchema: {
      type: 'object',
      properties: { 'a/b~c': { type: 'string', enum: ['x'], default: 'd', description: 'Param.' } },
    },
  };
  const all = [...walkStrings(tool)];
  const at = (pointer: string, text?: string) => all.filter((s) => s.pointer === pointer && (text === undefined || s.text === text));

  it('yields values and keys with RFC 6901 pointers', () => {
    expect(at('/name', 'get_forecast')[0]?.role).toBe('name');
    expect(at('/description', 'Forecast.')[0]?.role).toBe('prose');
    // The parameter name is a string too, at the pointer of its member, escaped.
    expect(at('/inputSchema/properties/a~1b~0c', 'a/b~c')[0]).toMatchObject({ role: 'name', inParameter: true });
    expect(at('/inputSchema/properties/a~1b~0c/enum/0', 'x')[0]).toMatchObject({ role: 'value', inParameter: true });
    expect(at('/inputSchema/properties/a~1b~0c/default', 'd')[0]?.role).toBe('value');
    expect(at('/inputSchema/properties/a~1b~0c/description', 'Param.')[0]).toMatchObject({ role: 'prose', inParameter: true });
    expect(at('/inputSchema/type', 'type')[0]?.role).toBe('key');
  });

  it('treats prompt arguments as parameters', () => {
    const strings = [...walkStrings({ name: 'p', arguments: [{ name: 'city', description: 'City.' }] })];
    expect(strings.find((s) => s.pointer === '/arguments/0/name' && s.text === 'city')).toMatchObject({ role: 'name', inParameter: true });
    expect(strings.find((s) => s.pointer === '/arguments/0/description' && s.text === 'City.')).toMatchObject({ role: 'prose', inParameter: true });
  });

  it('reads keys inside enum and default values as values, not names', () => {
    const strings = [...walkStrings({ inputSchema: { properties: { o: { default: { k: 'v' } } } } })];
    expect(strings.find((s) => s.text === 'k')?.role).toBe('value');
  });

  it('stops at hostile depth', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = { d: deep };
    expect([...walkStrings(deep)].some((s) => s.text === 'bottom')).toBe(false);
  });
});
