import type { AppContext } from '../context.ts';
import type { HttpApp } from '../http/app.ts';

export function casesRoutes(_app: HttpApp, _ctx: AppContext) {}
