#!/usr/bin/env node
// Committed launcher: npm links bins at install time, before the build has produced ./dist/bin.js.
import '../dist/bin.js';
