export const PORTAL_PATHS = {
  home: '/portal',
  request: '/portal/request',
  lookup: '/portal/lookup',
  balance: '/portal/balance',
  representatives: '/portal/representatives',
  privacy: '/portal/privacy',
} as const;
