// Migration SQL that swaps a child table's `on delete cascade` foreign key for statement-level triggers on the parent.
// For a child whose rows are only ever written from parent rows the same statement holds locked (so the parent
// exists by construction), the key's per-row check is pure cost on the hot insert; what the key also did, deleting
// the children with their parent, the triggers do with one statement per deleting (or truncating) statement.

export interface CascadeByTrigger {
  child: string;
  /** the child's column that references the parent's `id` */
  column: string;
  parent: string;
}

export function cascadeByTriggerUp({ child, column, parent }: CascadeByTrigger): string[] {
  return [
    `alter table "${child}" drop constraint if exists "${child}_${column}_fkey";`,
    `create function "${child}_delete_with_${parent}"() returns trigger language plpgsql as $$
      begin
        delete from ${child} c using gone where c.${column} = gone.id;
        return null;
      end $$;`,
    `create trigger "${child}_delete_with_${parent}" after delete on "${parent}"
      referencing old table as gone for each statement execute function "${child}_delete_with_${parent}"();`,
    `create function "${child}_truncate_with_${parent}"() returns trigger language plpgsql as $$
      begin
        truncate ${child};
        return null;
      end $$;`,
    `create trigger "${child}_truncate_with_${parent}" after truncate on "${parent}"
      for each statement execute function "${child}_truncate_with_${parent}"();`,
  ];
}

/** Back to the foreign key: children whose parent is gone are deleted first, so that the key can be added. */
export function cascadeByTriggerDown({ child, column, parent }: CascadeByTrigger): string[] {
  return [
    `drop trigger if exists "${child}_truncate_with_${parent}" on "${parent}";`,
    `drop function if exists "${child}_truncate_with_${parent}"();`,
    `drop trigger if exists "${child}_delete_with_${parent}" on "${parent}";`,
    `drop function if exists "${child}_delete_with_${parent}"();`,
    `delete from "${child}" c where not exists (select 1 from "${parent}" p where p."id" = c."${column}");`,
    `alter table "${child}" add constraint "${child}_${column}_fkey" foreign key ("${column}") references "${parent}" ("id") on delete cascade;`,
  ];
}
