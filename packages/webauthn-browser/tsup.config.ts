import { defineConfig } from 'tsup';
import { keywardTsup } from '../../tsup.base.ts';

// Runs in browsers only: no Node built-ins, browser conditions when resolving.
export default defineConfig(keywardTsup({ platform: 'browser' }));
