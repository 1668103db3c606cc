/** Where the database is: a real PostgreSQL (DATABASE_URL) or the embedded one started by main.ts. */
export class DatabaseConnection {
  constructor(
    readonly url: string,
    readonly embedded: boolean,
  ) {}
}
