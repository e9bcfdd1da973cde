/**
 * The weather MCP server: offline, deterministic current weather and forecasts for a fixed set of cities.
 * @module
 */
import { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import { CITIES, type City, closeMatches, completeCity, findCity } from './cities.js';
import { currentWeather, forecast } from './forecast.js';

const CITIES_URI = 'weather://cities';
const CONDITIONS = ['clear', 'partly cloudy', 'overcast', 'fog', 'drizzle', 'rain', 'thunderstorm', 'snow'] as const;

const cityInput = z.string().min(1).describe('City name, e.g. "Paris" or "São Paulo"; weather://cities lists them');

/** The error result for a city not in the table, naming the closest known ones. */
function unknownCity(query: string) {
  const close = closeMatches(query).map((c) => c.name);
  const hint = close.length ? `Did you mean ${close.join(', ')}?` : `Known cities: ${CITIES.map((c) => c.name).join(', ')}.`;
  return { isError: true, content: [{ type: 'text' as const, text: `Unknown city ${JSON.stringify(query)}. ${hint}` }] };
}

function withCity<R>(query: string, then: (city: City) => R) {
  const city = findCity(query);
  return city ? then(city) : unknownCity(query);
}

/**
 * Builds the weather server. Its data is made up, from a hash of the city name and the day offset: the same
 * question always gets the same answer, with no network and no clock.
 * @example
 * await serveStdio(createWeatherServer());
 */
export function createWeatherServer(): McpServer {
  const server = new McpServer(
    { name: 'mcpkit-weather', version: '0.1.0', title: 'Weather (demo data)' },
    { instructions: 'Deterministic demo weather for 20 cities (weather://cities). Days count from 0 = today. The data is made up.' },
  );

  server.tool(
    'get_weather',
    {
      title: 'Current weather',
      description: "Today's conditions in a city (demo data, always the same for the same city).",
      inputSchema: { city: cityInput },
      outputSchema: {
        city: z.string(),
        country: z.string(),
        conditions: z.enum(CONDITIONS),
        temperatureC: z.number(),
        feelsLikeC: z.number(),
        humidityPercent: z.number().int(),
        windKph: z.number().int(),
        windDirection: z.string(),
        precipitationMm: z.number(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ city }) =>
      withCity(city, (c) => {
        const w = currentWeather(c);
        const text =
          `${w.city}, ${w.country}: ${w.conditions}, ${w.temperatureC} °C (feels like ${w.feelsLikeC} °C), ` +
          `humidity ${w.humidityPercent}%, wind ${w.windKph} km/h ${w.windDirection}, precipitation ${w.precipitationMm} mm`;
        return { content: [{ type: 'text', text }], structuredContent: { ...w } };
      }),
  );

  server.tool(
    'get_forecast',
    {
      title: 'Forecast',
      description: 'A forecast of 1 to 7 days for a city, starting today (day 0); demo data, always the same.',
      inputSchema: { city: cityInput, days: z.number().int().min(1).max(7).describe('How many days, 1 to 7') },
      outputSchema: {
        city: z.string(),
        country: z.string(),
        days: z.array(
          z.object({
            day: z.number().int(),
            conditions: z.enum(CONDITIONS),
            highC: z.number(),
            lowC: z.number(),
            precipitationChancePercent: z.number().int(),
            precipitationMm: z.number(),
            windKph: z.number().int(),
          }),
        ),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ city, days }) =>
      withCity(city, (c) => {
        const list = forecast(c, days);
        const lines = list.map(
          (d) =>
            `${d.day === 0 ? 'today' : `day +${d.day}`}: ${d.conditions}, ${d.lowC} to ${d.highC} °C, ` +
            `${d.precipitationChancePercent}% chance of precipitation${d.precipitationMm > 0 ? ` (${d.precipitationMm} mm)` : ''}, wind ${d.windKph} km/h`,
        );
        return {
          content: [{ type: 'text', text: `${c.name}, ${c.country}, ${days}-day forecast:\n${lines.join('\n')}` }],
          structuredContent: { city: c.name, country: c.country, days: list },
        };
      }),
  );

  server.resource('cities', CITIES_URI, { title: 'Known cities', description: 'The cities this server has weather for', mimeType: 'application/json' }, () => ({
    contents: [
      {
        mimeType: 'application/json',
        text: JSON.stringify(CITIES.map(({ name, country, latitude, longitude }) => ({ name, country, latitude, longitude }))),
      },
    ],
  }));

  server.prompt(
    'plan_trip',
    {
      title: 'Plan a trip',
      description: 'Plans a trip around the forecast for a city',
      arguments: {
        city: z.string().min(1).describe('Destination city'),
        days: z.string().regex(/^[1-7]$/, 'must be a whole number from 1 to 7').describe('Length of the trip in days, 1 to 7'),
      },
      complete: { city: (value) => completeCity(value), days: (value) => ['1', '2', '3', '4', '5', '6', '7'].filter((d) => d.startsWith(value)) },
    },
    ({ city, days }) => {
      const known = findCity(city ?? '');
      const where = known ? `${known.name}, ${known.country}` : city;
      return {
        description: `A ${days}-day trip to ${where}`,
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text:
                `I am planning a ${days}-day trip to ${where}, starting today. Call get_forecast with city "${known?.name ?? city}" and days ${days}, ` +
                'then suggest a day-by-day plan: outdoor activities on dry, mild days, indoor ones on wet or extreme days, and what to pack.',
            },
          },
        ],
      };
    },
  );

  return server;
}
