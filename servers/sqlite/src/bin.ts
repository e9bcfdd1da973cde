#!/usr/bin/env node
/** @module */
export {};
