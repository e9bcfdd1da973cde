import { describe, expect, it } from 'vitest';
import { childEnvironment } from './child-env.js';

const parent = { PATH: '/usr/bin', HOME: '/home/u', AWS_SECRET_ACCESS_KEY: 'secret', SYSTEMROOT: 'C:\\Windows', EXTRA: 'x' };

describe('childEnvironment', () => {
  it('inherits only the POSIX allow-list by default, plus env', () => {
    expect(childEnvironment({ env: { API_KEY: 'k' } }, parent, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/u', API_KEY: 'k' });
  });

  it('uses the Windows allow-list on win32', () => {
    expect(childEnvironment({}, parent, 'win32')).toEqual({ PATH: '/usr/bin', SYSTEMROOT: 'C:\\Windows' });
  });

  it('adds named variables, and everything with inheritEnv: true', () => {
    expect(childEnvironment({ inheritEnv: ['EXTRA', 'UNSET'] }, parent, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/u', EXTRA: 'x' });
    expect(childEnvironment({ inheritEnv: true }, parent, 'linux')).toEqual(parent);
    expect(childEnvironment({ inheritEnv: false }, parent, 'linux')).toEqual({ PATH: '/usr/bin', HOME: '/home/u' });
  });

  it('lets env override an inherited value', () => {
    expect(childEnvironment({ env: { PATH: '/opt/bin' } }, parent, 'linux').PATH).toBe('/opt/bin');
  });
});
