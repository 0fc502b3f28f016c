import { defineConfig } from 'tsup';
import { keywardTsup } from '../../tsup.base.ts';

export default defineConfig(keywardTsup());
