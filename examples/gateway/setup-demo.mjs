// Creates the demo database the sqlite upstream serves (examples/gateway/.mcpkit/demo.db), once.
// `npm start` runs this before the gateway; the folder is git-ignored.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const here = dirname(fileURLToPath(import.meta.url));
const path = join(here, '.mcpkit', 'demo.db');
if (!existsSync(path)) {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  db.exec(`
    CREATE TABLE cities (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, population INTEGER);
    INSERT INTO cities (name, country, population) VALUES
      ('Paris', 'FR', 2102650), ('Berlin', 'DE', 3878100), ('Oslo', 'NO', 717710), ('Lisbon', 'PT', 567131),
      ('Tokyo', 'JP', 14187176), ('Nairobi', 'KE', 4397073), ('Lima', 'PE', 10092000), ('Toronto', 'CA', 2794356);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, city_id INTEGER REFERENCES cities(id), item TEXT, amount REAL, placed_at TEXT);
    INSERT INTO orders (city_id, item, amount, placed_at) VALUES
      (1, 'umbrella', 19.5, '2026-11-02'), (3, 'parka', 249.0, '2026-11-03'), (5, 'fan', 35.9, '2026-11-04'),
      (2, 'scarf', 24.0, '2026-11-05'), (1, 'boots', 120.0, '2026-11-06');
  `);
  db.close();
  console.log(`created the demo database ${path}`);
}
