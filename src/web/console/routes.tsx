import type { ReactNode } from 'react';
import type { Role } from '../shared/types.ts';
import { AdminAgents } from './admin/AdminAgents.tsx';
import { AdminAreas } from './admin/AdminAreas.tsx';
import { AdminCalendar } from './admin/AdminCalendar.tsx';
import { AdminCanned } from './admin/AdminCanned.tsx';
import { AdminCatalogues } from './admin/AdminCatalogues.tsx';
import { AdminChannels } from './admin/AdminChannels.tsx';
import { AdminCompensations } from './admin/AdminCompensations.tsx';
import { AdminDeadlines } from './admin/AdminDeadlines.tsx';
import { AdminHours } from './admin/AdminHours.tsx';
import { AdminImport } from './admin/AdminImport.tsx';
import { AdminPrivacy } from './admin/AdminPrivacy.tsx';
import { AdminProfile } from './admin/AdminProfile.tsx';
import { AdminReports } from './admin/AdminReports.tsx';
import { AdminRules } from './admin/AdminRules.tsx';
import { AdminSuspensions } from './admin/AdminSuspensions.tsx';
import { AdminTemplates } from './admin/AdminTemplates.tsx';
import { AdminWebhooks } from './admin/AdminWebhooks.tsx';
import { ArcoListPage, ArcoRequestPage } from './arco/ArcoPage.tsx';
import { ChangePassword } from './ChangePassword.tsx';
import { RegisterCall } from './calls/RegisterCall.tsx';
import { CasePage } from './case/CasePage.tsx';
import { CustomerPage } from './customers/CustomerPage.tsx';
import { DashboardRoute } from './dashboard/DashboardRoute.tsx';
import { InboxPage } from './inbox/InboxPage.tsx';
import { IncidentPage, IncidentsPage } from './incidents/IncidentsPage.tsx';

export type Section = 'inbox' | 'call' | 'incidents' | 'dashboard' | 'arco' | 'admin' | 'account';

export interface RouteDef {
  path: string;
  section: Section;
  /** Who may open it; everyone when absent. The API enforces the same rules. */
  roles?: Role[];
  render: (params: Record<string, string>) => ReactNode;
}

export const PATHS = {
  inbox: '/',
  case: (folio: string) => `/app/cases/${encodeURIComponent(folio)}`,
  customer: (id: string) => `/app/customers/${encodeURIComponent(id)}`,
  call: '/app/calls/new',
  adminAgents: '/app/admin/agents',
  adminAreas: '/app/admin/areas',
  adminChannels: '/app/admin/channels',
  adminImport: '/app/admin/import',
  adminSuspensions: '/app/admin/suspensions',
  adminCompensations: '/app/admin/compensations',
  adminPrivacy: '/app/admin/privacy',
  adminWebhooks: '/app/admin/webhooks',
  adminReports: '/app/admin/regulator-reports',
  adminHours: '/app/admin/hours',
  adminCalendar: '/app/admin/calendar',
  adminDeadlines: '/app/admin/deadlines',
  adminCatalogues: '/app/admin/catalogues',
  adminTemplates: '/app/admin/templates',
  adminRules: '/app/admin/rules',
  adminCanned: '/app/admin/canned-replies',
  adminProfile: '/app/admin/profile',
  password: '/app/account/password',
  incidents: '/app/incidents',
  incident: (id: string) => `/app/incidents/${encodeURIComponent(id)}`,
  dashboard: '/app/dashboard',
  arco: '/app/arco',
  arcoRequest: (id: string) => `/app/arco/${encodeURIComponent(id)}`,
} as const;

/**
 * The console's pages. Later sections (accounts, incidents, dashboards, full administration) are new
 * entries here and in NAV, each under `/app/<section>/…`, which the server already answers with the app.
 */
export const ROUTES: RouteDef[] = [
  { path: '/', section: 'inbox', render: () => <InboxPage /> },
  {
    path: '/app/cases/:folio',
    section: 'inbox',
    render: ({ folio = '' }) => <CasePage key={folio} folio={folio} />,
  },
  {
    path: '/app/customers/:id',
    section: 'inbox',
    render: ({ id = '' }) => <CustomerPage key={id} id={id} />,
  },
  { path: PATHS.call, section: 'call', render: () => <RegisterCall /> },
  { path: PATHS.adminAgents, section: 'admin', roles: ['admin'], render: () => <AdminAgents /> },
  { path: PATHS.adminAreas, section: 'admin', roles: ['admin'], render: () => <AdminAreas /> },
  { path: PATHS.adminImport, section: 'admin', roles: ['admin'], render: () => <AdminImport /> },
  { path: PATHS.adminPrivacy, section: 'admin', roles: ['admin'], render: () => <AdminPrivacy /> },
  { path: PATHS.adminWebhooks, section: 'admin', roles: ['admin'], render: () => <AdminWebhooks /> },
  { path: PATHS.adminReports, section: 'admin', roles: ['admin'], render: () => <AdminReports /> },
  {
    path: PATHS.adminChannels,
    section: 'admin',
    roles: ['admin', 'supervisor'],
    render: () => <AdminChannels />,
  },
  {
    path: PATHS.adminSuspensions,
    section: 'admin',
    roles: ['admin', 'supervisor'],
    render: () => <AdminSuspensions />,
  },
  {
    path: PATHS.adminCompensations,
    section: 'admin',
    roles: ['admin', 'supervisor'],
    render: () => <AdminCompensations />,
  },
  ...(
    [
      [PATHS.adminHours, () => <AdminHours />],
      [PATHS.adminCalendar, () => <AdminCalendar />],
      [PATHS.adminDeadlines, () => <AdminDeadlines />],
      [PATHS.adminCatalogues, () => <AdminCatalogues />],
      [PATHS.adminTemplates, () => <AdminTemplates />],
      [PATHS.adminRules, () => <AdminRules />],
      [PATHS.adminCanned, () => <AdminCanned />],
      [PATHS.adminProfile, () => <AdminProfile />],
    ] as const
  ).map(([path, render]): RouteDef => ({ path, section: 'admin', roles: ['admin', 'supervisor'], render })),
  { path: PATHS.password, section: 'account', render: () => <ChangePassword /> },
  {
    path: PATHS.incidents,
    section: 'incidents',
    roles: ['admin', 'supervisor'],
    render: () => <IncidentsPage />,
  },
  {
    path: '/app/incidents/:id',
    section: 'incidents',
    roles: ['admin', 'supervisor'],
    render: ({ id = '' }) => <IncidentPage key={id} id={id} />,
  },
  {
    path: PATHS.dashboard,
    section: 'dashboard',
    roles: ['admin', 'supervisor'],
    render: () => <DashboardRoute />,
  },
  { path: PATHS.arco, section: 'arco', render: () => <ArcoListPage /> },
  {
    path: '/app/arco/:id',
    section: 'arco',
    render: ({ id = '' }) => <ArcoRequestPage key={id} id={id} />,
  },
];

export const NAV: Array<{
  section: Section;
  to: string;
  label: 'nav.inbox' | 'nav.call' | 'nav.incidents' | 'nav.dashboard' | 'nav.arco' | 'nav.admin';
  roles?: Role[];
}> = [
  { section: 'inbox', to: PATHS.inbox, label: 'nav.inbox' },
  { section: 'call', to: PATHS.call, label: 'nav.call' },
  { section: 'incidents', to: PATHS.incidents, label: 'nav.incidents', roles: ['admin', 'supervisor'] },
  { section: 'dashboard', to: PATHS.dashboard, label: 'nav.dashboard', roles: ['admin', 'supervisor'] },
  { section: 'arco', to: PATHS.arco, label: 'nav.arco' },
  { section: 'admin', to: PATHS.adminChannels, label: 'nav.admin', roles: ['admin', 'supervisor'] },
];
