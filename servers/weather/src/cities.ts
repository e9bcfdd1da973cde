/**
 * The fixed table of cities the weather server knows, and forgiving lookup with suggestions.
 * @module
 */

/** A known city and the climate its made-up weather is drawn around. */
export interface City {
  name: string;
  country: string;
  latitude: number;
  longitude: number;
  /** Typical daily mean temperature, °C. */
  meanC: number;
  /** How far the mean wanders from day to day, °C. */
  swingC: number;
  /** 0 (desert) … 1 (rain most days). */
  wetness: number;
}

/** Twenty cities across climates, sorted by name. */
export const CITIES: readonly City[] = [
  { name: 'Amsterdam', country: 'NL', latitude: 52.37, longitude: 4.9, meanC: 10, swingC: 6, wetness: 0.55 },
  { name: 'Bangkok', country: 'TH', latitude: 13.76, longitude: 100.5, meanC: 29, swingC: 3, wetness: 0.45 },
  { name: 'Berlin', country: 'DE', latitude: 52.52, longitude: 13.4, meanC: 10, swingC: 8, wetness: 0.4 },
  { name: 'Buenos Aires', country: 'AR', latitude: -34.6, longitude: -58.38, meanC: 18, swingC: 6, wetness: 0.3 },
  { name: 'Cairo', country: 'EG', latitude: 30.04, longitude: 31.24, meanC: 22, swingC: 6, wetness: 0.03 },
  { name: 'Cape Town', country: 'ZA', latitude: -33.92, longitude: 18.42, meanC: 17, swingC: 5, wetness: 0.3 },
  { name: 'Lima', country: 'PE', latitude: -12.05, longitude: -77.04, meanC: 19, swingC: 3, wetness: 0.05 },
  { name: 'London', country: 'GB', latitude: 51.51, longitude: -0.13, meanC: 11, swingC: 6, wetness: 0.5 },
  { name: 'Madrid', country: 'ES', latitude: 40.42, longitude: -3.7, meanC: 15, swingC: 9, wetness: 0.2 },
  { name: 'Mexico City', country: 'MX', latitude: 19.43, longitude: -99.13, meanC: 17, swingC: 5, wetness: 0.35 },
  { name: 'Mumbai', country: 'IN', latitude: 19.08, longitude: 72.88, meanC: 27, swingC: 3, wetness: 0.4 },
  { name: 'Nairobi', country: 'KE', latitude: -1.29, longitude: 36.82, meanC: 19, swingC: 4, wetness: 0.35 },
  { name: 'New York', country: 'US', latitude: 40.71, longitude: -74.01, meanC: 13, swingC: 10, wetness: 0.35 },
  { name: 'Oslo', country: 'NO', latitude: 59.91, longitude: 10.75, meanC: 6, swingC: 9, wetness: 0.45 },
  { name: 'Paris', country: 'FR', latitude: 48.86, longitude: 2.35, meanC: 12, swingC: 7, wetness: 0.4 },
  { name: 'Reykjavík', country: 'IS', latitude: 64.15, longitude: -21.94, meanC: 4, swingC: 6, wetness: 0.6 },
  { name: 'São Paulo', country: 'BR', latitude: -23.55, longitude: -46.63, meanC: 20, swingC: 5, wetness: 0.45 },
  { name: 'Singapore', country: 'SG', latitude: 1.35, longitude: 103.82, meanC: 28, swingC: 2, wetness: 0.6 },
  { name: 'Sydney', country: 'AU', latitude: -33.87, longitude: 151.21, meanC: 18, swingC: 6, wetness: 0.35 },
  { name: 'Tokyo', country: 'JP', latitude: 35.68, longitude: 139.69, meanC: 16, swingC: 8, wetness: 0.4 },
];

/** Lower case, accents dropped, spaces collapsed: "  SAO  paulo" and "São Paulo" meet. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const byFolded = new Map(CITIES.map((c) => [fold(c.name), c]));

/** Finds a city by name, ignoring case, accents and a trailing ", country". */
export function findCity(query: string): City | undefined {
  const folded = fold(query);
  return byFolded.get(folded) ?? byFolded.get(folded.split(',')[0]!.trim());
}

/** Levenshtein distance, small strings only (city names). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Known cities whose names are close to `query` (a typo, a prefix, a part of the name), best first. */
export function closeMatches(query: string, limit = 3): City[] {
  const q = fold(query).split(',')[0]!.trim();
  if (!q) return [];
  return CITIES.map((city) => {
    const name = fold(city.name);
    const score = name.startsWith(q) || name.includes(q) ? 0 : distance(q, name);
    return { city, score };
  })
    .filter((m) => m.score <= Math.max(2, Math.floor(q.length / 3)))
    .sort((a, b) => a.score - b.score || a.city.name.localeCompare(b.city.name))
    .slice(0, limit)
    .map((m) => m.city);
}

/** City names starting with what was typed so far, for completions. */
export function completeCity(prefix: string): string[] {
  const p = fold(prefix);
  return CITIES.filter((c) => fold(c.name).startsWith(p)).map((c) => c.name);
}
