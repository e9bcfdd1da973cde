/**
 * @mcpkit/server-weather: deterministic, offline demo weather for a fixed set of cities.
 * @module
 */
export { createWeatherServer } from './server.js';
export { CITIES, closeMatches, findCity } from './cities.js';
export type { City } from './cities.js';
export { currentWeather, forecast } from './forecast.js';
export type { Conditions, CurrentWeather, ForecastDay } from './forecast.js';
