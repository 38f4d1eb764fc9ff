import GRDB

extension SQLiteHubStore {
    /// `HubMigration.all` as GRDB migrations, applied in order at open under their shared numbers.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in HubMigration.all {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sqlite)
                if migration.projectsKeptSourcing { try SQLiteHubStore.projectKeptSourcing(db) }
                if migration.backfillsKPIRollups { try SQLiteKPIRollupWriter.backfill(db) }
                if migration.backfillsOperationsRollups { try SQLiteOperationsRollupWriter.backfill(db) }
                if migration.backfillsStockDays { try SQLiteHubStore.backfillStockDays(db) }
            }
        }
        return migrator
    }
}
