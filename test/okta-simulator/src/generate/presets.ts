/** How many of each object a generated org holds. */
export interface OrgCounts {
  users: number;
  groups: number;
  apps: number;
}

export type SizePreset = 'tiny' | 'small' | 'large';

export const SIZE_PRESETS: Record<SizePreset, OrgCounts> = {
  tiny: { users: 50, groups: 8, apps: 6 },
  small: { users: 2000, groups: 100, apps: 40 },
  large: { users: 100_000, groups: 5000, apps: 1000 },
};
