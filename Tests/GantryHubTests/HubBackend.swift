import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import GRDB
import Logging

/// The hub's two storage backends, for tests that must hold on both.
enum HubBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    static let quiet: Logger = {
        var logger = Logger(label: "gantry-hub-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// A fresh, empty store on this backend: a temp SQLite file, or a new database on the shared test cluster.
    func withStore<T>(_ body: (any HubStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            return try await withTemporaryDirectory { dir in try await body(try SQLiteHubStore(path: "\(dir)/hub.sqlite")) }
        case .postgres:
            let url = try PostgresServer.shared.createDatabase()
            let store = try await PostgresHubStore.open(url, poolSize: 4, logger: Self.quiet)
            return try await withRunning(store) { try await body(store) }
        }
    }

    /// Opens the store's database again, as a restarted hub would: migrations not recorded run.
    func reopen(_ store: any HubStore) async throws {
        switch self {
        case .sqlite:
            _ = try SQLiteHubStore(path: (store as! SQLiteHubStore).pool.path)
        case .postgres:
            _ = try await PostgresHubStore.open((store as! PostgresHubStore).url, poolSize: 1, logger: Self.quiet)
        }
    }

    /// Runs `sql` on the store's database behind its back, as an operator with a SQL prompt would.
    func executeDirectly(_ sql: String, on store: any HubStore) throws {
        switch self {
        case .sqlite:
            let queue = try DatabaseQueue(path: (store as! SQLiteHubStore).pool.path)
            try queue.write { try $0.execute(sql: sql) }
        case .postgres:
            try PostgresServer.shared.psql((store as! PostgresHubStore).url.database, sql)
        }
    }
}

extension AuditDraft {
    /// An audit entry for store calls whose audit trail the test does not look at.
    static let test = AuditDraft(actor: "local:tests", action: "test", subject: "test", company: nil, before: nil, after: nil)
}
