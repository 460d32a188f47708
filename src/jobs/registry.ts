import type { AppContext } from '../context.ts';
import type { AnyJobDefinition } from './queue.ts';

/** Every kind of background job, with handlers bound to the running application. */
export function jobDefinitions(_ctx: AppContext): AnyJobDefinition[] {
  return [];
}
