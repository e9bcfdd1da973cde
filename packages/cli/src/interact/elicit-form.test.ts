/** The elicitation form's field descriptions and answer parsing (issue 13); the terminal itself is in terminal.test.ts. */
import { describe, expect, it } from 'vitest';
import { describeField, parseField } from './elicit-form.js';

describe('describeField', () => {
  it('says the type, bounds, choices and default', () => {
    expect(describeField({ type: 'integer', minimum: 0 }, false)).toBe('integer ≥ 0, optional');
    expect(describeField({ type: 'number', minimum: 1, maximum: 5, default: 3 }, true)).toBe('number, 1 to 5, required, default 3');
    expect(describeField({ type: 'string', format: 'email' }, true)).toBe('string (email), required');
    expect(describeField({ type: 'boolean', default: true }, false)).toBe('boolean, y/n, optional, default true');
    expect(describeField({ type: 'string', enum: ['red', 'green'], default: 'red' }, false)).toBe('one of: 1=red, 2=green, optional, default red');
    expect(describeField({ type: 'string', oneOf: [{ const: 'eu', title: 'Europe' }, { const: 'us', title: 'United States' }] }, true)).toBe(
      'one of: 1=eu (Europe), 2=us (United States), required',
    );
    expect(describeField({ type: 'array', items: { enum: ['a', 'b'] } }, false)).toBe('any of: 1=a, 2=b, comma-separated, optional');
  });
});

describe('parseField', () => {
  it('checks and converts each type', () => {
    expect(parseField('36', { type: 'integer', minimum: 0 })).toEqual({ value: 36 });
    expect(parseField('3.5', { type: 'integer' })).toEqual({ problem: 'expected a whole number' });
    expect(parseField('-1', { type: 'integer', minimum: 0 })).toEqual({ problem: 'expected at least 0' });
    expect(parseField('2.5', { type: 'number', maximum: 2 })).toEqual({ problem: 'expected at most 2' });
    expect(parseField('Yes', { type: 'boolean' })).toEqual({ value: true });
    expect(parseField('maybe', { type: 'boolean' })).toEqual({ problem: 'type y or n' });
    expect(parseField('ab', { type: 'string', minLength: 3 })).toEqual({ problem: 'expected at least 3 characters' });
  });
  it('takes a choice by value, title or number', () => {
    const field = { type: 'string', oneOf: [{ const: 'eu', title: 'Europe' }, { const: 'us', title: 'United States' }] };
    expect(parseField('us', field)).toEqual({ value: 'us' });
    expect(parseField('Europe', field)).toEqual({ value: 'eu' });
    expect(parseField('2', field)).toEqual({ value: 'us' });
    expect(parseField('3', field)).toEqual({ problem: 'type one of the choices, or its number' });
    expect(parseField('a, 2', { type: 'array', items: { enum: ['a', 'b'] } })).toEqual({ value: ['a', 'b'] });
    expect(parseField('a, c', { type: 'array', items: { enum: ['a', 'b'] } })).toEqual({ problem: '"c" is not one of the choices' });
  });
});
