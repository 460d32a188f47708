import type { Tx } from '../db/database.ts';
import { areas } from '../db/schema.ts';
import { type ProviderSettings, providerSettingsOf } from './settings.service.ts';

export type AreaRow = typeof areas.$inferSelect;

export interface SettingsSnapshot {
  settings: ProviderSettings;
  /** Every area, active or not: cases keep pointing at deactivated ones. */
  areasById: Map<number, AreaRow>;
  /** Active areas, by code, for routing. */
  activeAreasByCode: Map<string, AreaRow>;
}

// Bumped on every change this process makes or hears of; caches in this process compare against it, so
// a change applied through one handle is never followed by a read of the old settings through another.
let generation = 0;

/** Drops every cached snapshot in this process. Call after committing a change to settings or areas. */
export function settingsChanged(): void {
  generation += 1;
}

async function loadSnapshot(tx: Tx): Promise<SettingsSnapshot> {
  const settings = await providerSettingsOf(tx);
  const rows = await tx.select().from(areas);
  return {
    settings,
    areasById: new Map(rows.map((a) => [a.id, a])),
    activeAreasByCode: new Map(rows.filter((a) => a.active).map((a) => [a.code, a])),
  };
}

/**
 * The provider's settings and areas, kept in memory between requests: every case and inbound message
 * needs them, and reading the ~10 KB settings row each time cost a round trip and a parse. A snapshot is
 * dropped when this process changes them (`settingsChanged`), when another process announces a change
 * (the tables' NOTIFY trigger, relayed by the live feed), and after `maxAgeMs` in case an announcement
 * was lost while the listening connection was down.
 */
export class SettingsCache {
  private snapshot: { value: SettingsSnapshot; generation: number; loadedAt: number } | undefined;

  constructor(private readonly maxAgeMs = 30_000) {}

  async current(tx: Tx): Promise<SettingsSnapshot> {
    const cached = this.snapshot;
    // The cache's age is real elapsed time, not the application's clock: a test moving time must not expire it.
    if (cached && cached.generation === generation && Date.now() - cached.loadedAt < this.maxAgeMs) {
      return cached.value;
    }
    const loading = { generation, loadedAt: Date.now() };
    const value = await loadSnapshot(tx);
    // A change heard while loading may not be in what was read: keep it only if none came.
    if (loading.generation === generation) this.snapshot = { value, ...loading };
    return value;
  }

  /**
   * An area by id. One missing from the snapshot may have been created by another process a moment ago,
   * before its announcement arrived: the snapshot is then read again rather than the area taken as absent.
   */
  async area(tx: Tx, id: number): Promise<AreaRow | undefined> {
    const known = (await this.current(tx)).areasById.get(id);
    if (known) return known;
    this.snapshot = undefined;
    return (await this.current(tx)).areasById.get(id);
  }
}
