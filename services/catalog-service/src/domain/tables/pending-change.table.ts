/** Assignment changes and dirty apps collected while a sync applies, turned into events when it ends. */
export interface PendingChangeTable {
  sync_id: string;
  connection_id: string;
  app_id: string;
  /** `user` / `group` (assignment changes) or `state` (the app must be republished). */
  kind: string;
  member_id: string;
  change: string;
}
