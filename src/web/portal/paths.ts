export const PORTAL_PATHS = {
  home: '/portal',
  request: '/portal/request',
  lookup: '/portal/lookup',
  privacy: '/portal/privacy',
} as const;
