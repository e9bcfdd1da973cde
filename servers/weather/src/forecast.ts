/**
 * Made-up but repeatable weather: every number comes from a hash of the city name, the day offset and the
 * quantity, so the same question gets the same answer in any process, on any date.
 * @module
 */
import type { City } from './cities.js';

/** Sky and precipitation, from clear to stormy. */
export type Conditions = 'clear' | 'partly cloudy' | 'overcast' | 'fog' | 'drizzle' | 'rain' | 'thunderstorm' | 'snow';

/** The weather now (day offset 0). */
export interface CurrentWeather {
  city: string;
  country: string;
  conditions: Conditions;
  temperatureC: number;
  feelsLikeC: number;
  humidityPercent: number;
  windKph: number;
  windDirection: string;
  precipitationMm: number;
}

/** One forecast day; `day` counts from 0 (today). */
export interface ForecastDay {
  day: number;
  conditions: Conditions;
  highC: number;
  lowC: number;
  precipitationChancePercent: number;
  precipitationMm: number;
  windKph: number;
}

/** FNV-1a, 32 bits: a small, well-spread string hash, the same on every platform. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the city, the day and what is being drawn. */
function draw(city: City, day: number, what: string): number {
  // A second mixing round (murmur3's finaliser) so that neighbouring days do not get neighbouring values.
  let h = fnv1a(`${city.name}|${day}|${what}`);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** The day's shape: mean temperature, wetness and wind, from which both views are derived. */
function dayBasis(city: City, day: number) {
  const meanC = city.meanC + (draw(city, day, 'mean') - 0.5) * 2 * city.swingC;
  const spreadC = 2 + draw(city, day, 'spread') * 6;
  const wet = draw(city, day, 'wet') < city.wetness;
  const storm = wet && draw(city, day, 'storm') < 0.15 && meanC > 15;
  const precipitationMm = wet ? round1(0.2 + draw(city, day, 'amount') * (storm ? 40 : 12)) : 0;
  const windKph = Math.round(3 + draw(city, day, 'wind') * (storm ? 60 : 30));
  let conditions: Conditions;
  if (wet) conditions = storm ? 'thunderstorm' : meanC < 1 ? 'snow' : precipitationMm < 2 ? 'drizzle' : 'rain';
  else {
    const sky = draw(city, day, 'sky');
    conditions = sky < 0.4 ? 'clear' : sky < 0.75 ? 'partly cloudy' : sky < 0.93 ? 'overcast' : 'fog';
  }
  const chance = wet ? 55 + Math.round(draw(city, day, 'chance') * 45) : Math.round(draw(city, day, 'chance') * city.wetness * 40);
  return { meanC, spreadC, precipitationMm, windKph, conditions, chance };
}

/** Today's conditions in `city`, consistent with day 0 of its forecast. */
export function currentWeather(city: City): CurrentWeather {
  const b = dayBasis(city, 0);
  const temperatureC = round1(b.meanC + (draw(city, 0, 'now') - 0.5) * b.spreadC);
  const humidityPercent = Math.round(Math.min(100, 25 + city.wetness * 50 + (b.precipitationMm > 0 ? 20 : 0) + draw(city, 0, 'humidity') * 10));
  // A rough wind chill below 10 °C, a rough heat index above 27 °C.
  const feelsLikeC = round1(temperatureC < 10 ? temperatureC - b.windKph / 10 : temperatureC > 27 ? temperatureC + (humidityPercent - 40) / 10 : temperatureC);
  return {
    city: city.name,
    country: city.country,
    conditions: b.conditions,
    temperatureC,
    feelsLikeC,
    humidityPercent,
    windKph: b.windKph,
    windDirection: COMPASS[Math.floor(draw(city, 0, 'direction') * COMPASS.length)]!,
    precipitationMm: b.precipitationMm,
  };
}

/** The next `days` days in `city`, starting with today (day 0). */
export function forecast(city: City, days: number): ForecastDay[] {
  return Array.from({ length: days }, (_, day) => {
    const b = dayBasis(city, day);
    return {
      day,
      conditions: b.conditions,
      highC: round1(b.meanC + b.spreadC / 2),
      lowC: round1(b.meanC - b.spreadC / 2),
      precipitationChancePercent: b.chance,
      precipitationMm: b.precipitationMm,
      windKph: b.windKph,
    };
  });
}
