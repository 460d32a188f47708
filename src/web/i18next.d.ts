import 'i18next';
import type consoleEs from './console/locales/es-MX.json';
import type portalEs from './portal/locales/es-MX.json';
import type commonEs from './shared/locales/es-MX.json';

// Spanish is the reference language: every key used in code must exist in it (English is checked by a test).
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: { common: typeof commonEs; console: typeof consoleEs; portal: typeof portalEs };
  }
}
