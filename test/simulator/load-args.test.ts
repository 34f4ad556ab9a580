// `npm run load` options: defaults, and bad input refused with a message naming the option.
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../../simulator/src/load';

describe('load generator options', () => {
  it('takes the key and server from the environment and applies the defaults', () => {
    const o = parseLoadArgs(['--printers', '10000'], {
      PLOTMETER_API_KEY: 'pmk_x',
      PLOTMETER_URL: 'http://10.0.0.5:4000',
    });
    expect(o).toMatchObject({
      printers: 10000,
      apiKey: 'pmk_x',
      server: 'http://10.0.0.5:4000',
      timeScale: 360,
      durationSeconds: null,
      maxInFlight: 64,
      json: false,
    });
    expect(Number.isInteger(o.seed) && o.seed > 0).toBe(true);
  });

  it('refuses missing keys and bad numbers naming the option', () => {
    expect(() => parseLoadArgs([], {})).toThrow(/--api-key/);
    expect(() => parseLoadArgs(['--printers', '0'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--printers/);
    expect(() => parseLoadArgs(['--printers', '2.5'], { PLOTMETER_API_KEY: 'k' })).toThrow(
      /--printers must be a whole number/,
    );
    expect(() => parseLoadArgs(['--time-scale', 'fast'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--time-scale/);
    expect(() => parseLoadArgs(['--server', 'not a url'], { PLOTMETER_API_KEY: 'k' })).toThrow(/--server/);
  });
});
